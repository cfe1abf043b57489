/**
 * The lifecycle chart on its own, with fake actors: the transitions, replies and announcements that the
 * behaviour rules rest on. No network, no storage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createActor, fromPromise, waitFor, type Actor } from 'xstate'
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type {
  LifecycleEmitted,
  MfaVerifyOutput,
  RefreshOutput,
  RestoreOutput,
  SignInOutput,
  SignOutOutput,
} from '../../machines/lifecycle-types.js'
import { AuthApiError, AuthRetryableFetchError } from '../../src/errors.js'
import type { Session } from '../../src/types.js'
import { fakeSession } from '../support/fake-session.js'

interface Fakes {
  restore?: () => Promise<RestoreOutput>
  signIn?: () => Promise<SignInOutput>
  verifyMfa?: () => Promise<MfaVerifyOutput>
  refresh?: () => Promise<RefreshOutput>
  signOut?: () => Promise<SignOutOutput>
}

function start(fakes: Fakes, autoRefreshToken = true) {
  const forget = vi.fn()
  const machine = lifecycleMachine.provide({
    actors: {
      restoreSession: fromPromise(fakes.restore ?? (async () => ({ session: null }))),
      signIn: fromPromise(fakes.signIn ?? (async () => ({ session: fakeSession(), data: {}, event: 'SIGNED_IN' as const }))),
      verifyMfa: fromPromise(fakes.verifyMfa ?? (async () => ({ session: fakeSession({ aal: 'aal2', verifiedFactor: true }), data: {} }))),
      refreshSession: fromPromise(fakes.refresh ?? (async () => ({ outcome: 'refreshed' as const, session: fakeSession() }))),
      signOut: fromPromise(fakes.signOut ?? (async () => ({ error: null }))),
    },
    actions: { forgetStoredSession: forget },
  })
  const actor = createActor(machine, { input: { autoRefreshToken, random: () => 0.5 } })
  const emitted: LifecycleEmitted[] = []
  actor.on('*', (event) => emitted.push(event as LifecycleEmitted))
  actor.start()
  return { actor, emitted, forget }
}

type Running = Actor<typeof lifecycleMachine>
const statusOf = (snapshot: ReturnType<Running['getSnapshot']>) =>
  typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]
const status = (actor: Running) => statusOf(actor.getSnapshot())
// The predicate reads the snapshot it is handed: observers run before `getSnapshot()` moves on.
const settle = (actor: Running, expected: string) => waitFor(actor, (snapshot) => statusOf(snapshot) === expected, { timeout: 2000 })
const authEvents = (emitted: LifecycleEmitted[]) => emitted.flatMap((e) => (e.type === 'authEvent' ? [e.event] : []))

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('initializing', () => {
  it('starts signedOut with reason initial when nothing is stored', async () => {
    const { actor, emitted } = start({})
    await settle(actor, 'signedOut')
    expect(actor.getSnapshot().context.reason).toBe('initial')
    expect(authEvents(emitted)).toEqual([])
  })

  it('restores a fresh session straight into the status it calls for', async () => {
    const session = fakeSession()
    const { actor } = start({ restore: async () => ({ session }) })
    await settle(actor, 'authenticated')
    expect(actor.getSnapshot().context.session).toBe(session)
  })

  it('refreshes a stored session that is inside the margin before settling', async () => {
    const stale = fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 30 })
    const fresh = fakeSession()
    const refresh = vi.fn(async () => ({ outcome: 'refreshed' as const, session: fresh }))
    const { actor, emitted } = start({ restore: async () => ({ session: stale }), refresh })
    await settle(actor, 'authenticated')
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(actor.getSnapshot().context.session).toBe(fresh)
    expect(authEvents(emitted)).toEqual(['TOKEN_REFRESHED'])
  })

  it('routes anonymous and aal1-with-verified-factor sessions to their statuses', async () => {
    const anon = start({ restore: async () => ({ session: fakeSession({ anonymous: true }) }) })
    await settle(anon.actor, 'anonymous')
    const mfa = start({ restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }) })
    await settle(mfa.actor, 'mfaChallenge')
  })

  it('records a corrupt-storage problem and still starts signedOut', async () => {
    const { actor } = start({ restore: async () => ({ session: null, problem: 'corrupt' }) })
    await settle(actor, 'signedOut')
    expect(actor.getSnapshot().context.storageProblem).toBe('corrupt')
  })
})

describe('signing in', () => {
  it('replies to the waiting call after the session is stored, and announces SIGNED_IN', async () => {
    const session = fakeSession()
    const { actor, emitted } = start({ signIn: async () => ({ session, data: { user: session.user, session }, event: 'SIGNED_IN' }) })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', requestId: 'r1', request: { method: 'password', params: {} } })
    expect(status(actor)).toBe('signingIn')
    await settle(actor, 'authenticated')
    expect(emitted.map((e) => e.type)).toEqual(['authEvent', 'reply'])
    const reply = emitted[1]
    expect(reply).toMatchObject({ type: 'reply', requestIds: ['r1'], ok: true })
    expect(actor.getSnapshot().context.waiting).toEqual([])
  })

  it('a failed attempt to switch users keeps the existing session', async () => {
    const existing = fakeSession()
    const { actor, emitted } = start({
      restore: async () => ({ session: existing }),
      signIn: async () => {
        throw new AuthApiError('Invalid login credentials', 400, 'invalid_credentials')
      },
    })
    await settle(actor, 'authenticated')
    actor.send({ type: 'SIGN_IN', requestId: 'r1', request: { method: 'password', params: {} } })
    await waitFor(actor, (s) => s.context.waiting.length === 0)
    expect(status(actor)).toBe('authenticated')
    expect(actor.getSnapshot().context.session).toBe(existing)
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_credentials')
    expect(emitted).toContainEqual(expect.objectContaining({ type: 'reply', ok: false, requestIds: ['r1'] }))
  })

  it('a newer sign-in supersedes the one in flight', async () => {
    const first = deferred<SignInOutput>()
    let calls = 0
    const { actor, emitted } = start({
      signIn: () => {
        calls += 1
        return calls === 1 ? first.promise : Promise.resolve({ session: fakeSession(), data: 'second', event: 'SIGNED_IN' as const })
      },
    })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', requestId: 'a', request: { method: 'password', params: {} } })
    actor.send({ type: 'SIGN_IN', requestId: 'b', request: { method: 'password', params: {} } })
    await settle(actor, 'authenticated')
    first.resolve({ session: fakeSession(), data: 'first', event: 'SIGNED_IN' })
    const replies = emitted.filter((e) => e.type === 'reply')
    expect(replies).toEqual([
      expect.objectContaining({ requestIds: ['a'], ok: false }),
      expect.objectContaining({ requestIds: ['b'], ok: true, value: 'second' }),
    ])
  })

  it('a sign-up awaiting confirmation replies without changing status', async () => {
    const { actor, emitted } = start({ signIn: async () => ({ session: null, data: { user: {}, session: null }, event: 'SIGNED_IN' }) })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', requestId: 'r1', request: { method: 'signUp', params: {} } })
    await waitFor(actor, (s) => s.context.waiting.length === 0)
    expect(status(actor)).toBe('signedOut')
    expect(authEvents(emitted)).toEqual([])
  })
})

describe('MFA', () => {
  it('verifying the second factor leads from mfaChallenge to authenticated', async () => {
    const { actor, emitted } = start({ restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }) })
    await settle(actor, 'mfaChallenge')
    actor.send({ type: 'VERIFY_MFA', requestId: 'm', request: { factorId: 'f1', challengeId: 'c1', code: '123456' } })
    expect(actor.getSnapshot().value).toEqual({ signingIn: 'secondFactor' })
    await settle(actor, 'authenticated')
    expect(authEvents(emitted)).toEqual(['MFA_CHALLENGE_VERIFIED'])
  })

  it('a wrong code returns to mfaChallenge with the error', async () => {
    const { actor } = start({
      restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }),
      verifyMfa: async () => {
        throw new AuthApiError('Invalid TOTP code entered', 422, 'mfa_verification_failed')
      },
    })
    await settle(actor, 'mfaChallenge')
    actor.send({ type: 'VERIFY_MFA', requestId: 'm', request: { factorId: 'f1', challengeId: 'c1', code: '000000' } })
    await waitFor(actor, (s) => s.context.waiting.length === 0)
    expect(status(actor)).toBe('mfaChallenge')
    expect(actor.getSnapshot().context.error?.code).toBe('mfa_verification_failed')
  })
})

describe('refreshing', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('the refreshCheck timer refreshes inside the margin and not before', async () => {
    const refresh = vi.fn(async () => ({ outcome: 'refreshed' as const, session: fakeSession() }))
    const { actor } = start({ restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 600 }) }), refresh })
    await vi.advanceTimersByTimeAsync(0)
    expect(status(actor)).toBe('authenticated')
    await vi.advanceTimersByTimeAsync(500_000) // 100 s left: outside the 90 s margin
    expect(refresh).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(15_000)
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(status(actor)).toBe('authenticated')
  })

  it('a transient failure keeps the session, marks it stale and retries with backoff', async () => {
    const old = fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 60 })
    const fresh = fakeSession()
    let attempts = 0
    const { actor, emitted } = start({
      restore: async () => ({ session: old }),
      refresh: async () => {
        attempts += 1
        if (attempts < 3) throw new AuthRetryableFetchError('fetch failed', 0)
        return { outcome: 'refreshed', session: fresh }
      },
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(attempts).toBe(1)
    expect(status(actor)).toBe('authenticated')
    const ctx = actor.getSnapshot().context
    expect(ctx).toMatchObject({ stale: true, refreshFailures: 1, session: old })
    expect(ctx.retryAt).toBeGreaterThan(Date.now())
    await vi.advanceTimersByTimeAsync(10_000)
    expect(attempts).toBe(3)
    expect(actor.getSnapshot().context).toMatchObject({ stale: false, refreshFailures: 0, session: fresh, retryAt: null })
    expect(authEvents(emitted)).toEqual(['TOKEN_REFRESHED'])
  })

  it('a terminal failure signs out once, with the reason, and forgets the stored session', async () => {
    const { actor, emitted, forget } = start({
      restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 10 }) }),
      refresh: async () => {
        throw new AuthApiError('Invalid Refresh Token: Already Used', 400, 'refresh_token_already_used')
      },
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(status(actor)).toBe('signedOut')
    expect(actor.getSnapshot().context.reason).toBe('revoked')
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
    expect(forget).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
  })

  it('session_expired signs out with reason expired', async () => {
    const { actor } = start({
      restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 10 }) }),
      refresh: async () => {
        throw new AuthApiError('Invalid Refresh Token: Session Expired', 400, 'session_expired')
      },
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(actor.getSnapshot().context.reason).toBe('expired')
  })

  it('a sign-out during a refresh wins: the late refresh result is discarded', async () => {
    const pending = deferred<RefreshOutput>()
    const { actor, emitted } = start({
      restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 10 }) }),
      refresh: () => pending.promise,
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(status(actor)).toBe('refreshing')
    actor.send({ type: 'SIGN_OUT', requestId: 'o', scope: 'local' })
    await vi.advanceTimersByTimeAsync(0)
    expect(status(actor)).toBe('signedOut')
    pending.resolve({ outcome: 'refreshed', session: fakeSession() })
    await vi.advanceTimersByTimeAsync(0)
    expect(status(actor)).toBe('signedOut')
    expect(actor.getSnapshot().context.session).toBeNull()
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
  })

  it('adopting a session refreshed elsewhere is announced as remote', async () => {
    const adopted = fakeSession()
    const { emitted } = start({
      restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 10 }) }),
      refresh: async () => ({ outcome: 'adopted', session: adopted }),
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(emitted).toContainEqual({ type: 'authEvent', event: 'TOKEN_REFRESHED', session: adopted, origin: 'remote' })
  })

  it('with autoRefreshToken off no timer refreshes', async () => {
    const refresh = vi.fn(async () => ({ outcome: 'refreshed' as const, session: fakeSession() }))
    const { actor } = start({ restore: async () => ({ session: fakeSession({ expiresAt: Math.floor(Date.now() / 1000) + 100 }) }), refresh }, false)
    await vi.advanceTimersByTimeAsync(200_000)
    expect(refresh).not.toHaveBeenCalled()
    expect(status(actor)).toBe('authenticated')
  })
})

describe('sessions changed elsewhere', () => {
  it('a sign-out in another client signs this one out; a sign-in there signs this one in', async () => {
    const { actor, emitted } = start({ restore: async () => ({ session: fakeSession() }) })
    await settle(actor, 'authenticated')
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_OUT', session: null })
    expect(status(actor)).toBe('signedOut')
    const other: Session = fakeSession()
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: other })
    expect(status(actor)).toBe('authenticated')
    expect(emitted.filter((e) => e.type === 'authEvent').map((e) => (e.type === 'authEvent' ? e.origin : ''))).toEqual(['remote', 'remote'])
  })

  it('SESSION_REVOKED signs out with reason revoked', async () => {
    const { actor } = start({ restore: async () => ({ session: fakeSession() }) })
    await settle(actor, 'authenticated')
    actor.send({ type: 'SESSION_REVOKED', error: new AuthApiError('gone', 403, 'session_not_found') })
    expect(status(actor)).toBe('signedOut')
    expect(actor.getSnapshot().context.reason).toBe('revoked')
  })
})

describe('signing out', () => {
  it('works from every status, even signedOut, and announces only when a session ended', async () => {
    const { actor, emitted, forget } = start({})
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_OUT', requestId: 'o1', scope: 'global' })
    await settle(actor, 'signedOut')
    await waitFor(actor, (s) => s.context.waiting.length === 0)
    expect(authEvents(emitted)).toEqual([])
    expect(forget).toHaveBeenCalledTimes(1)
    expect(emitted).toContainEqual(expect.objectContaining({ type: 'reply', requestIds: ['o1'], ok: true }))
  })

  it('during initialization', async () => {
    const restore = deferred<RestoreOutput>()
    const { actor } = start({ restore: () => restore.promise })
    expect(status(actor)).toBe('initializing')
    actor.send({ type: 'SIGN_OUT', scope: 'local' })
    await settle(actor, 'signedOut')
    restore.resolve({ session: fakeSession() })
    await new Promise((r) => setTimeout(r, 10))
    expect(status(actor)).toBe('signedOut')
  })
})

describe('a sign-out actor that throws', () => {
  it('still ends signedOut, with the error reported and the call resolved', async () => {
    const { actor, emitted } = start({
      restore: async () => ({ session: fakeSession() }),
      signOut: async () => {
        throw new Error('boom')
      },
    })
    await settle(actor, 'authenticated')
    actor.send({ type: 'SIGN_OUT', requestId: 'o', scope: 'global' })
    await settle(actor, 'signedOut')
    expect(actor.getSnapshot().context.error?.message).toBe('boom')
    expect(emitted).toContainEqual(expect.objectContaining({ type: 'reply', requestIds: ['o'], ok: true }))
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
  })
})
