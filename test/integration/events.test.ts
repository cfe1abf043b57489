/**
 * The reactive face (state$, session$, user$, events$, onAuthStateChange, snapshot) and dispose().
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AuthState } from '../../src/index.js'
import type { AuthChangeEvent, Session } from '../../src/types.js'
import { countingFetch, record, refusal, rejection, serverSettings, signedInClient, untilStatus, type ServerSettings } from '../support/flows.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'
import { mfa } from '../../src/mfa/index.js'
import { reauthenticate, resend, resetPasswordForEmail } from '../../src/confirmations/index.js'
import { signInAnonymously } from '../../src/identities/index.js'
import { setSession } from '../../src/handoff/index.js'

let target: Target
let settings: ServerSettings

beforeAll(async () => {
  target = await openTarget()
  settings = await serverSettings(target)
})
afterAll(async () => {
  await target?.close()
})

async function confirmedUser(tag: string): Promise<string> {
  const email = uniqueEmail(tag)
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  return email
}

describe('onAuthStateChange', () => {
  it('delivers INITIAL_SESSION first, then each event in order', async () => {
    const email = await confirmedUser('events')
    const auth = target.client()
    const seen: Array<[AuthChangeEvent, Session | null]> = []
    const { data } = auth.onAuthStateChange((event, session) => seen.push([event, session]))
    expect(typeof data.subscription.unsubscribe).toBe('function')
    expect(typeof data.subscription.id).toBe('symbol')

    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    const refreshed = (await auth.refreshSession()).session
    await auth.updateUser({ data: { step: 3 } })
    await auth.signOut()

    expect(seen.map(([event]) => event)).toEqual(['INITIAL_SESSION', 'SIGNED_IN', 'TOKEN_REFRESHED', 'USER_UPDATED', 'SIGNED_OUT'])
    expect(seen[0]?.[1]).toBeNull()
    expect(seen[1]?.[1]).toBe(session)
    expect(seen[2]?.[1]).toBe(refreshed)
    expect(seen[3]?.[1]?.user.user_metadata).toMatchObject({ step: 3 })
    expect(seen[4]?.[1]).toBeNull()
  })

  it('INITIAL_SESSION carries the session when the listener subscribes while signed in', async () => {
    const { auth, session } = await signedInClient(target, 'initial')
    const seen = await new Promise<[AuthChangeEvent, Session | null]>((resolve) => {
      auth.onAuthStateChange((event, s) => resolve([event, s]))
    })
    expect(seen).toEqual(['INITIAL_SESSION', session])
  })

  it('an event is delivered after its state is committed', async () => {
    const email = await confirmedUser('committed')
    const auth = target.client()
    const statusAtEvent: Record<string, string> = {}
    auth.onAuthStateChange((event) => {
      statusAtEvent[event] = auth.snapshot.status
    })
    await auth.signInWithPassword({ email, password: PASSWORD })
    await auth.signOut()
    expect(statusAtEvent).toEqual({ INITIAL_SESSION: 'signedOut', SIGNED_IN: 'authenticated', SIGNED_OUT: 'signedOut' })
  })

  it('a throwing callback breaks neither the call nor other listeners, and its error is logged without tokens', async () => {
    const email = await confirmedUser('throws')
    const auth = target.client()
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      auth.onAuthStateChange(() => {
        throw new Error('listener failed')
      })
      const others: AuthChangeEvent[] = []
      auth.onAuthStateChange((event) => others.push(event))

      const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
      await auth.refreshSession()
      expect(auth.snapshot.status).toBe('authenticated')
      expect(others).toEqual(['INITIAL_SESSION', 'SIGNED_IN', 'TOKEN_REFRESHED'])
      expect(logged).toHaveBeenCalled()
      const output = logged.mock.calls.flat().map(String).join('\n')
      expect(output).toContain('listener failed')
      expect(output.includes(session.access_token), 'a token reached the log').toBe(false)
      expect(output.includes(session.refresh_token), 'a token reached the log').toBe(false)
    } finally {
      logged.mockRestore()
    }
  })

  it('a callback that calls back into the client does not stall it', async () => {
    const email = await confirmedUser('reentrant')
    const auth = target.client()
    const fromCallback: Array<Promise<unknown>> = []
    auth.onAuthStateChange((event) => {
      if (event === 'SIGNED_IN') fromCallback.push(auth.getSession(), auth.getUser())
    })
    await auth.signInWithPassword({ email, password: PASSWORD })
    const [got, user] = (await Promise.all(fromCallback)) as [{ session: Session | null }, { user: { email?: string } }]
    expect(got.session?.user.email).toBe(email)
    expect(user.user.email).toBe(email)
  })

  it('unsubscribe stops delivery', async () => {
    const email = await confirmedUser('unsub')
    const auth = target.client()
    const seen: AuthChangeEvent[] = []
    const { data } = auth.onAuthStateChange((event) => seen.push(event))
    await auth.signInWithPassword({ email, password: PASSWORD })
    data.subscription.unsubscribe()
    await auth.refreshSession()
    await auth.signOut()
    expect(seen).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
  })
})

describe('state$, session$, user$', () => {
  it('state$ emits the current value synchronously on subscribe', async () => {
    const { auth } = await signedInClient(target, 'sync')
    let v: AuthState | undefined
    const sub = auth.state$.subscribe((x) => (v = x))
    expect(v).toBeDefined()
    expect(v).toBe(auth.snapshot)
    sub.unsubscribe()

    // Also before the client is ready.
    const fresh = target.client()
    let first: AuthState | undefined
    fresh.state$.subscribe((x) => (first ??= x)).unsubscribe()
    expect(first?.status).toMatch(/^(initializing|signedOut)$/)
  })

  it('session$ and user$ replay the current value and follow sign-in and sign-out', async () => {
    const email = await confirmedUser('streams')
    const auth = target.client()
    await auth.ready
    const sessions: Array<Session | null> = []
    const users: Array<string | null> = []
    auth.session$.subscribe((s) => sessions.push(s))
    auth.user$.subscribe((u) => users.push(u?.email ?? null))
    expect(sessions).toEqual([null])
    expect(users).toEqual([null])

    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    await auth.signOut()
    expect(sessions).toEqual([null, session, null])
    expect(users).toEqual([null, email, null])
  })

  it('state$ emits only distinct states', async () => {
    const { auth } = await signedInClient(target, 'distinct')
    const rec = record(auth)
    await auth.getSession()
    await auth.getSession()
    expect(rec.states).toHaveLength(1)
  })
})

describe('snapshot shape per status', () => {
  it('signedOut', async () => {
    const auth = target.client()
    await auth.ready
    expect(auth.snapshot).toEqual({
      status: 'signedOut',
      session: null,
      user: null,
      aal: null,
      reason: 'initial',
      error: null,
      stale: false,
      retryAt: null,
      storage: 'ok',
    })
  })

  it('authenticated', async () => {
    const { auth, session } = await signedInClient(target, 'shape')
    expect(auth.snapshot).toEqual({
      status: 'authenticated',
      session,
      user: session.user,
      aal: 'aal1',
      reason: null,
      error: null,
      stale: false,
      retryAt: null,
      storage: 'ok',
    })
  })

  it('anonymous', async (ctx) => {
    ctx.skip(!settings.anonymous, 'anonymous sign-ins are disabled on this server')
    const auth = target.client()
    const { session } = await signInAnonymously(auth)
    expect(auth.snapshot).toEqual({
      status: 'anonymous',
      session,
      user: session?.user,
      aal: 'aal1',
      reason: null,
      error: null,
      stale: false,
      retryAt: null,
      storage: 'ok',
    })
  })

  it('signingIn keeps the session in hand while the attempt runs', async () => {
    const { auth, session } = await signedInClient(target, 'busy')
    const attempt = auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD }).catch(() => undefined)
    const busy = await untilStatus(auth, 'signingIn')
    expect(busy).toMatchObject({ status: 'signingIn', session, user: session.user, reason: null })
    await attempt
  })
})

describe('dispose', () => {
  it('Symbol.asyncDispose disposes too', async () => {
    const { auth } = await signedInClient(target, 'async-dispose')
    await auth[Symbol.asyncDispose]()
    expect((await rejection(auth.getSession())).code).toBe('disposed')
    expect(auth.actor.getSnapshot().status).toBe('stopped')
  })

  it('rejects a call in flight with code disposed and stops the streams', async () => {
    const email = await confirmedUser('dispose')
    const auth = target.client()
    await auth.ready
    let completed = false
    auth.events$.subscribe({ complete: () => (completed = true) })
    const pending = auth.signInWithPassword({ email, password: PASSWORD })
    await untilStatus(auth, 'signingIn')
    auth.dispose()
    const error = await rejection(pending)
    expect(error).toMatchObject({ name: 'AuthError', code: 'disposed' })
    expect(completed).toBe(true)
  })

  it('rejects a call made in the same tick as dispose with code disposed', async () => {
    const email = await confirmedUser('dispose-tick')
    const auth = target.client()
    await auth.ready
    const pending = auth.signInWithPassword({ email, password: PASSWORD })
    auth.dispose()
    const error = await rejection(pending)
    expect(error.code).toBe('disposed')
  })

  it('after dispose, every session method rejects with code disposed and sends nothing', async () => {
    const { disposed, counter, email, accessToken } = await disposedClient('disposed-all')
    const calls: Record<string, () => unknown> = {
      signUp: () => disposed.signUp({ email: uniqueEmail('x'), password: PASSWORD }),
      signInWithPassword: () => disposed.signInWithPassword({ email, password: PASSWORD }),
      signInAnonymously: () => signInAnonymously(disposed),
      verifyOtp: () => disposed.verifyOtp({ email, token: '123456', type: 'email' }),
      setSession: () => setSession(disposed, { access_token: accessToken, refresh_token: 'r' }),
      refreshSession: () => disposed.refreshSession(),
      getSession: () => disposed.getSession(),
      getUser: () => disposed.getUser(),
      updateUser: () => disposed.updateUser({ data: { a: 1 } }),
      reauthenticate: () => reauthenticate(disposed),
      signOut: () => disposed.signOut(),
      'mfa.listFactors': () => mfa(disposed).listFactors(),
      'mfa.enroll': () => mfa(disposed).enroll({ factorType: 'totp' }),
      'mfa.getAuthenticatorAssuranceLevel': () => mfa(disposed).getAuthenticatorAssuranceLevel(),
    }
    expect(await refusalCodes(calls)).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, 'disposed'])))
    expect(counter.count).toBe(0)
  })

  it('after dispose, the session-less senders reject with code disposed and send nothing', async () => {
    const { disposed, counter, email } = await disposedClient('disposed-senders')
    const calls: Record<string, () => unknown> = {
      signInWithOtp: () => disposed.signInWithOtp({ email }),
      resetPasswordForEmail: () => resetPasswordForEmail(disposed, email),
      resend: () => resend(disposed, { type: 'signup', email }),
    }
    expect(await refusalCodes(calls)).toEqual({ signInWithOtp: 'disposed', resetPasswordForEmail: 'disposed', resend: 'disposed' })
    expect(counter.count).toBe(0)
  })
})

/** A client that signed in, then was disposed (twice: it must be idempotent); its fetch counts from then on. */
async function disposedClient(tag: string) {
  const email = await confirmedUser(tag)
  const counter = countingFetch()
  const disposed = target.client({ fetch: counter.fetch })
  const { session } = await disposed.signInWithPassword({ email, password: PASSWORD })
  disposed.dispose()
  disposed.dispose()
  counter.reset()
  return { disposed, counter, email, accessToken: session.access_token }
}

/** The error code each call refused with (`resolved` when it did not refuse). */
async function refusalCodes(calls: Record<string, () => unknown>): Promise<Record<string, string | undefined>> {
  const codes: Record<string, string | undefined> = {}
  for (const [name, call] of Object.entries(calls)) {
    codes[name] = await refusal(call).then(
      (r) => r.error.code,
      () => 'resolved',
    )
  }
  return codes
}
