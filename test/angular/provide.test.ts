/**
 * `provideAuth` and `injectAuth` in an environment injector made directly over the root's `@angular/core`:
 * the client is created with the injector and disposed with it, the signals follow the chart, and the
 * zone rule holds when a zone.js `NgZone` is present.
 */
import { inject, InjectionToken, NgZone, PLATFORM_ID, runInInjectionContext } from '@angular/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUTH_CLIENT } from '../../src/angular/tokens.js'
import { provideAuth } from '../../src/angular/provide.js'
import { injectAuth } from '../../src/angular/signals.js'
import type { InspectionEvent } from 'xstate'
import { systemClock, type AuthClientOptions, type Clock } from '../../src/index.js'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { clientOptions, environment, newUser, recordingZone } from './support.js'

let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer({ mailerAutoconfirm: true })
})
afterAll(() => server.close())

describe('provideAuth + injectAuth', () => {
  it('injectAuth() gives the provided client and signals that follow it: status, session, user, aal', async () => {
    const env = environment([provideAuth(clientOptions(server))])
    const auth = runInInjectionContext(env, () => injectAuth())
    expect(auth.client).toBe(env.get(AUTH_CLIENT))
    expect(runInInjectionContext(env, () => injectAuth())).toBe(auth) // one set of signals per injector
    await auth.client.ready
    expect(auth.status()).toBe('signedOut')
    expect([auth.session(), auth.user(), auth.aal()]).toEqual([null, null, null])

    const user = newUser('signals')
    await auth.client.signUp(user)
    expect(auth.status()).toBe('authenticated')
    expect(auth.state().status).toBe('authenticated')
    expect(auth.user()?.email).toBe(user.email)
    expect(auth.session()?.access_token).toBe(auth.client.snapshot.session?.access_token)
    expect(auth.aal()).toBe('aal1')

    await auth.client.signOut()
    expect(auth.status()).toBe('signedOut')
    expect([auth.session(), auth.user()]).toEqual([null, null])
    env.destroy()
  })

  it('creates the client with the injector (its chart starts before anyone injects it)', () => {
    const events: string[] = []
    const inspect = (event: InspectionEvent) => events.push(event.type)
    const env = environment([provideAuth(clientOptions(server, { inspect, redactInspection: false }))])
    expect(events).toContain('@xstate.actor')
    env.destroy()
  })

  it('destroying the injector disposes the client', async () => {
    const env = environment([provideAuth(clientOptions(server))])
    const client = env.get(AUTH_CLIENT)
    await client.signUp(newUser('dispose'))
    env.destroy()
    await expect(client.getSession()).rejects.toMatchObject({ code: 'disposed' })
    await expect(client.signInWithPassword(newUser('after'))).rejects.toMatchObject({ code: 'disposed' })
  })

  it('takes its options from a function run in the injector (so they may come from another provider)', async () => {
    const CONFIG = new InjectionToken<AuthClientOptions>('config')
    const env = environment([{ provide: CONFIG, useValue: clientOptions(server) }, provideAuth(() => inject(CONFIG))])
    const client = env.get(AUTH_CLIENT)
    await client.ready
    expect(client.snapshot.status).toBe('signedOut')
    env.destroy()
  })

  it('injectAuth() outside an injection context says so', () => {
    expect(() => injectAuth()).toThrow(/injection context/)
  })

  it('on the server platform the client never refreshes on a timer', async () => {
    const server1 = environment([{ provide: PLATFORM_ID, useValue: 'server' }, provideAuth(clientOptions(server))])
    const browser = environment([{ provide: PLATFORM_ID, useValue: 'browser' }, provideAuth(clientOptions(server))])
    expect(server1.get(AUTH_CLIENT).actor.getSnapshot().context.settings.autoRefreshToken).toBe(false)
    expect(browser.get(AUTH_CLIENT).actor.getSnapshot().context.settings.autoRefreshToken).toBe(true)
    server1.destroy()
    browser.destroy()
  })
})

describe('the zone rule, with a zone.js NgZone present', () => {
  it('starts the client outside the zone, arms its timers outside even for work begun inside, and emits inside', async () => {
    const { zone, where, entries } = recordingZone()
    const startedFrom = new Set<string>()
    const inspect = (event: InspectionEvent) => void (event.type === '@xstate.actor' && startedFrom.add(where()))
    const timersArmed: string[] = []
    const clock: Clock = {
      ...systemClock,
      setTimeout(callback, ms) {
        timersArmed.push(where())
        return systemClock.setTimeout(callback, ms)
      },
    }
    const env = environment([{ provide: NgZone, useValue: zone }, provideAuth(clientOptions(server, { clock, inspect, redactInspection: false }))])
    expect(startedFrom).toEqual(new Set(['outside']))
    const auth = runInInjectionContext(env, () => injectAuth())
    await auth.client.ready
    const before = entries()
    // A click handler runs inside Angular's zone; the sign-in it starts arms the refresh timer.
    await zone.run(() => auth.client.signUp(newUser('zone')))
    expect(auth.status()).toBe('authenticated')
    expect(timersArmed.length).toBeGreaterThan(0)
    expect(new Set(timersArmed)).toEqual(new Set(['outside']))
    // Each value the signals took (signingIn, authenticated, the session, the user) was delivered by zone.run.
    expect(entries() - before).toBeGreaterThanOrEqual(4)
    env.destroy()
  })

  it('zoneless (no NgZone, or Angular\'s NoopNgZone), nothing is wrapped', async () => {
    const timersArmed: number[] = []
    const clock: Clock = { ...systemClock, setTimeout: (callback, ms) => (timersArmed.push(ms), systemClock.setTimeout(callback, ms)) }
    const env = environment([provideAuth(clientOptions(server, { clock }))])
    const client = env.get(AUTH_CLIENT)
    await client.signUp(newUser('zoneless'))
    expect(timersArmed.length).toBeGreaterThan(0) // the given clock itself, not a wrapper around it
    env.destroy()
  })
})
