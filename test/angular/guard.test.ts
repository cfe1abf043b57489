/**
 * `authGuard` over a real client and the local server: allows, redirects by status and by assurance
 * level, and decides nothing while the client is initializing.
 */
import { type EnvironmentInjector, runInInjectionContext } from '@angular/core'
import { firstValueFrom, type Observable } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStorage, type AuthClient, type SupportedStorage } from '../../src/index.js'
import { mfa } from '../../src/mfa/index.js'
import { startAuthServer, totpCode, type AuthServer } from '../../src/testing/index.js'
import { clientOptions, environment, hasJit, JIT_SKIP_NOTE, loadJit, newUser } from './support.js'

type Angular = typeof import('../../src/angular/index.js')
type Router = typeof import('@angular/router')

let server: AuthServer
let ng: Angular
let router: Router

beforeAll(async () => {
  server = await startAuthServer({ mailerAutoconfirm: true })
  if (!hasJit) return
  await loadJit()
  ng = await import('../../src/angular/index.js')
  router = await import('@angular/router')
})
afterAll(() => server.close())

describe.skipIf(!hasJit)(`authGuard${JIT_SKIP_NOTE}`, () => {
  function world(storage: SupportedStorage = memoryStorage()): { env: EnvironmentInjector; auth: AuthClient } {
    const env = environment([
      ng.provideAuth(clientOptions(server, { storage })),
      // Provided by the root injector in an app (`providedIn: 'root'`); this bare injector has no root scope.
      { provide: router.UrlSerializer, useClass: router.DefaultUrlSerializer },
    ])
    return { env, auth: env.get(ng.AUTH_CLIENT) }
  }

  /** The guard's decision: `true`, or the URL it redirects to. */
  function decide(env: EnvironmentInjector, guard: import('../../src/angular/index.js').AuthGuard): Promise<true | string> {
    const decision: Observable<true | import('@angular/router').UrlTree> = runInInjectionContext(env, () => guard())
    const serializer = env.get(router.UrlSerializer)
    return firstValueFrom(decision).then((result) => (result === true ? true : serializer.serialize(result)))
  }

  it('allows an authenticated user, redirects a signed-out one (default: status authenticated)', async () => {
    const { env, auth } = world()
    const guard = ng.authGuard({ redirectTo: '/sign-in?next=account' })
    expect(await decide(env, guard)).toBe('/sign-in?next=account')
    await auth.signUp(newUser('guard'))
    expect(await decide(env, guard)).toBe(true)
    await auth.signOut()
    expect(await decide(env, guard)).toBe('/sign-in?next=account')
    env.destroy()
  })

  it('a guard for signed-out pages sends a signed-in user away', async () => {
    const { env, auth } = world()
    const guestsOnly = ng.authGuard({ status: 'signedOut', redirectTo: '/account' })
    expect(await decide(env, guestsOnly)).toBe(true)
    await auth.signUp(newUser('guest'))
    expect(await decide(env, guestsOnly)).toBe('/account')
    env.destroy()
  })

  it('redirects by assurance level, and the redirect may depend on the state (mfaChallenge → the challenge page)', async () => {
    const { env, auth } = world()
    const user = newUser('aal')
    await auth.signUp(user)
    const needsAal2 = ng.authGuard({ aal: 'aal2', redirectTo: (s) => (s.status === 'mfaChallenge' ? '/mfa' : '/enrol') })
    expect(await decide(env, needsAal2)).toBe('/enrol') // aal1, no factor yet

    const factor = await mfa(auth).enroll({ factorType: 'totp' })
    if (factor.type !== 'totp') throw new Error('expected a TOTP factor')
    await mfa(auth).challengeAndVerify({ factorId: factor.id, code: totpCode(factor.totp.secret) })
    expect(auth.snapshot.aal).toBe('aal2')
    expect(await decide(env, needsAal2)).toBe(true)

    await auth.signOut()
    await auth.signInWithPassword(user)
    expect(auth.snapshot.status).toBe('mfaChallenge')
    expect(await decide(env, needsAal2)).toBe('/mfa')
    expect(await decide(env, ng.authGuard({ redirectTo: '/mfa' }))).toBe('/mfa') // mfaChallenge is not authenticated
    expect(await decide(env, ng.authGuard({ status: 'mfaChallenge', redirectTo: '/' }))).toBe(true)
    env.destroy()
  })

  it('waits while the client is initializing, then decides', async () => {
    let restore: (value: string | null) => void = () => undefined
    const slow: SupportedStorage = { ...memoryStorage(), getItem: () => new Promise((resolve) => (restore = resolve)) }
    const { env, auth } = world(slow)
    expect(auth.snapshot.status).toBe('initializing')
    const decisions: Array<true | string> = []
    const pending = decide(env, ng.authGuard({ redirectTo: '/sign-in' })).then((d) => decisions.push(d))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(decisions).toEqual([]) // still initializing: no decision yet
    restore(null)
    await pending
    expect(decisions).toEqual(['/sign-in'])
    env.destroy()
  })

  it('a client disposed while the guard waits redirects rather than hanging', async () => {
    const slow: SupportedStorage = { ...memoryStorage(), getItem: () => new Promise<null>(() => undefined) }
    const { env } = world(slow)
    const pending = decide(env, ng.authGuard({ redirectTo: '/sign-in' }))
    env.destroy()
    expect(await pending).toBe('/sign-in')
  })
})
