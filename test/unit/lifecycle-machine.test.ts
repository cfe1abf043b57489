/**
 * The lifecycle chart on its own, with fake actors: the transitions, replies and announcements that the
 * behaviour rules rest on. No network, no storage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createActor, fromPromise, waitFor, type Actor } from 'xstate'
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type {
  LifecycleEmitted,
  MfaVerifyInput,
  MfaVerifyOutput,
  RefreshOutput,
  RestoreOutput,
  SignInInput,
  SignInOutput,
  SignOutOutput,
} from '../../machines/lifecycle-types.js'
import type { SignInOperation } from '../../machines/operations.js'
import { statusOf } from '../../machines/status.js'
import { AuthApiError, AuthRetryableFetchError } from '../../src/errors.js'
import type { Session } from '../../src/types.js'
import { unusedIo } from '../support/chart-io.js'
import { fakeSession } from '../support/fake-session.js'

interface Fakes {
  restore?: () => Promise<RestoreOutput>
  signIn?: (args: { input: SignInInput }) => Promise<SignInOutput>
  verifyMfa?: (args: { input: MfaVerifyInput }) => Promise<MfaVerifyOutput>
  refresh?: () => Promise<RefreshOutput>
  signOut?: () => Promise<SignOutOutput>
}

const PASSWORD_SIGN_IN: SignInOperation = { kind: 'password', params: { email: 'ada@example.com', password: 'correct horse' } }
const SIGN_UP: SignInOperation = { kind: 'signUp', params: { email: 'ada@example.com', password: 'correct horse' } }
const MFA_CODE = (code: string) => ({ kind: 'mfaVerify' as const, factorId: 'f1', challengeId: 'c1', proof: { code } })
const signedIn = (session: Session) => ({ session, user: session.user, event: 'SIGNED_IN' as const })

function start(fakes: Fakes, autoRefreshToken = true) {
  const forget = vi.fn()
  const machine = lifecycleMachine.provide({
    actors: {
      restoreSession: fromPromise(fakes.restore ?? (async () => ({ session: null }))),
      signIn: fromPromise(fakes.signIn ?? (async () => signedIn(fakeSession()))),
      verifyMfa: fromPromise(fakes.verifyMfa ?? (async () => mfaVerified())),
      refreshSession: fromPromise(fakes.refresh ?? (async () => ({ outcome: 'refreshed' as const, session: fakeSession() }))),
      signOut: fromPromise(fakes.signOut ?? (async () => ({ error: null }))),
    },
    actions: { forgetStoredSession: forget },
  })
  const actor = createActor(machine, { input: { io: unusedIo(), settings: { autoRefreshToken }, random: () => 0.5 } })
  const emitted: LifecycleEmitted[] = []
  actor.on('*', (event) => emitted.push(event as LifecycleEmitted))
  actor.start()
  return { actor, emitted, forget }
}

function mfaVerified(): MfaVerifyOutput {
  const session = fakeSession({ aal: 'aal2', verifiedFactor: true })
  return { session, response: { access_token: session.access_token, refresh_token: session.refresh_token, token_type: 'bearer', expires_in: 3600, user: session.user } }
}

type Running = Actor<typeof lifecycleMachine>
const status = (actor: Running) => statusOf(actor.getSnapshot().value)
// The predicate reads the snapshot it is handed: observers run before `getSnapshot()` moves on.
const settle = (actor: Running, expected: string) => waitFor(actor, (snapshot) => statusOf(snapshot.value) === expected, { timeout: 2000 })
const authEvents = (emitted: LifecycleEmitted[]) => emitted.flatMap((e) => (e.type === 'authEvent' ? [e.event] : []))
/** What the chart said about operations ending, in order (auth events left out). */
const operationNews = (emitted: LifecycleEmitted[]) => emitted.filter((e) => e.type !== 'authEvent')
const untilOperationEnds = (emitted: LifecycleEmitted[]) => vi.waitFor(() => expect(operationNews(emitted).length).toBeGreaterThan(0))

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
    const { actor, emitted } = start({ signIn: async () => signedIn(session) })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', operation: PASSWORD_SIGN_IN })
    expect(status(actor)).toBe('signingIn')
    await settle(actor, 'authenticated')
    expect(emitted.map((e) => e.type)).toEqual(['authEvent', 'operationDone'])
    expect(emitted[1]).toEqual({ type: 'operationDone', result: { kind: 'SIGN_IN', value: signedIn(session) } })
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
    actor.send({ type: 'SIGN_IN', operation: PASSWORD_SIGN_IN })
    await untilOperationEnds(emitted)
    expect(status(actor)).toBe('authenticated')
    expect(actor.getSnapshot().context.session).toBe(existing)
    expect(actor.getSnapshot().context.error?.code).toBe('invalid_credentials')
    expect(operationNews(emitted)).toEqual([{ type: 'operationFailed', error: expect.objectContaining({ code: 'invalid_credentials' }) }])
  })

  it('a newer sign-in supersedes the one in flight', async () => {
    const first = deferred<SignInOutput>()
    const second = fakeSession()
    let calls = 0
    const { actor, emitted } = start({
      signIn: () => {
        calls += 1
        return calls === 1 ? first.promise : Promise.resolve(signedIn(second))
      },
    })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', operation: PASSWORD_SIGN_IN })
    actor.send({ type: 'SIGN_IN', operation: PASSWORD_SIGN_IN })
    await settle(actor, 'authenticated')
    first.resolve(signedIn(fakeSession()))
    await new Promise((r) => setTimeout(r, 10))
    expect(operationNews(emitted)).toEqual([
      { type: 'operationCancelled', reason: 'superseded' },
      { type: 'operationDone', result: { kind: 'SIGN_IN', value: signedIn(second) } },
    ])
    expect(actor.getSnapshot().context.session).toBe(second)
  })

  it('a sign-up awaiting confirmation replies without changing status', async () => {
    const pending = { session: null, user: fakeSession().user, event: 'SIGNED_IN' as const }
    const { actor, emitted } = start({ signIn: async () => pending })
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_IN', operation: SIGN_UP })
    await untilOperationEnds(emitted)
    expect(status(actor)).toBe('signedOut')
    expect(authEvents(emitted)).toEqual([])
    expect(operationNews(emitted)).toEqual([{ type: 'operationDone', result: { kind: 'SIGN_IN', value: pending } }])
  })
})

describe('passkey sign-in', () => {
  it('is a sign-in operation: signedOut → signingIn → authenticated, SIGNED_IN', async () => {
    const session = fakeSession()
    const operations: SignInOperation[] = []
    const { actor, emitted } = start({
      signIn: async ({ input }) => {
        operations.push(input.operation)
        return signedIn(session)
      },
    })
    await settle(actor, 'signedOut')
    const credential = { id: 'a', rawId: 'a', type: 'public-key' as const, response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA', userHandle: 'dQ' }, clientExtensionResults: {} }
    const request = { path: 'passkeys/authentication/verify', body: { challenge_id: 'c1', credential } }
    actor.send({ type: 'SIGN_IN', operation: { kind: 'grant', via: 'passkey', request } })
    expect(status(actor)).toBe('signingIn')
    await settle(actor, 'authenticated')
    expect(operations.map((operation) => (operation.kind === 'grant' ? operation.via : operation.kind))).toEqual(['passkey'])
    expect(authEvents(emitted)).toEqual(['SIGNED_IN'])
  })
})

describe('MFA', () => {
  it('verifying the second factor leads from mfaChallenge to authenticated', async () => {
    const { actor, emitted } = start({ restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }) })
    await settle(actor, 'mfaChallenge')
    actor.send({ type: 'VERIFY_MFA', operation: MFA_CODE('123456') })
    expect(actor.getSnapshot().value).toEqual({ signingIn: 'secondFactor' })
    await settle(actor, 'authenticated')
    expect(authEvents(emitted)).toEqual(['MFA_CHALLENGE_VERIFIED'])
  })

  it('a WebAuthn factor takes the same path as a code: mfaChallenge → secondFactor → authenticated', async () => {
    const seen: unknown[] = []
    const { actor, emitted } = start({
      restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }),
      verifyMfa: async ({ input }) => {
        seen.push(input.operation.proof)
        return mfaVerified()
      },
    })
    await settle(actor, 'mfaChallenge')
    const credential_response = { id: 'a', rawId: 'a', type: 'public-key' as const, response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }, clientExtensionResults: {} }
    const proof = { webauthn: { type: 'request' as const, rpId: 'example.com', credential_response } }
    actor.send({ type: 'VERIFY_MFA', operation: { kind: 'mfaVerify', factorId: 'f1', challengeId: 'c1', proof } })
    expect(actor.getSnapshot().value).toEqual({ signingIn: 'secondFactor' })
    await settle(actor, 'authenticated')
    expect(seen).toEqual([proof])
    expect(authEvents(emitted)).toEqual(['MFA_CHALLENGE_VERIFIED'])
  })

  it('a wrong code returns to mfaChallenge with the error', async () => {
    const running = start({
      restore: async () => ({ session: fakeSession({ verifiedFactor: true }) }),
      verifyMfa: async () => {
        throw new AuthApiError('Invalid TOTP code entered', 422, 'mfa_verification_failed')
      },
    })
    const { actor } = running
    await settle(actor, 'mfaChallenge')
    const { emitted } = running
    actor.send({ type: 'VERIFY_MFA', operation: MFA_CODE('000000') })
    await untilOperationEnds(emitted)
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
    actor.send({ type: 'SIGN_OUT', scope: 'local' })
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
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
    expect(status(actor)).toBe('signedOut')
    const other: Session = fakeSession()
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: other })
    expect(status(actor)).toBe('authenticated')
    expect(emitted.filter((e) => e.type === 'authEvent').map((e) => (e.type === 'authEvent' ? e.origin : ''))).toEqual(['remote', 'remote'])
  })

  it('SESSION_REVOKED signs out with reason revoked', async () => {
    const session = fakeSession()
    const { actor, forget } = start({ restore: async () => ({ session }) })
    await settle(actor, 'authenticated')
    actor.send({ type: 'SESSION_REVOKED', error: new AuthApiError('gone', 403, 'session_not_found'), token: session.access_token })
    expect(status(actor)).toBe('signedOut')
    expect(actor.getSnapshot().context.reason).toBe('revoked')
    expect(forget).toHaveBeenCalledTimes(1)
  })

  it('SESSION_REVOKED learned with a token the client no longer holds (even the same user\'s) leaves the current session alone', async () => {
    const session = fakeSession()
    const { actor } = start({ restore: async () => ({ session }) })
    await settle(actor, 'authenticated')
    const old = { type: 'SESSION_REVOKED', error: new AuthApiError('gone', 403, 'session_not_found'), token: `${session.access_token}-replaced` } as const
    expect(actor.getSnapshot().can(old)).toBe(false)
    actor.send(old)
    expect(status(actor)).toBe('authenticated')
  })
})

describe('signing out', () => {
  it('works from every status, even signedOut, and announces only when a session ended', async () => {
    const { actor, emitted, forget } = start({})
    await settle(actor, 'signedOut')
    actor.send({ type: 'SIGN_OUT', scope: 'global' })
    await settle(actor, 'signedOut')
    await untilOperationEnds(emitted)
    expect(authEvents(emitted)).toEqual([])
    expect(forget).toHaveBeenCalledTimes(1)
    // A sign-out cuts short whatever is in flight (here: nothing, so no caller hears it), then replies.
    expect(operationNews(emitted)).toEqual([
      { type: 'operationCancelled', reason: 'signOut' },
      { type: 'operationDone', result: { kind: 'SIGN_OUT', value: { error: null } } },
    ])
  })

  it('is held back until the stored session is known, then signs that session out', async () => {
    const restore = deferred<RestoreOutput>()
    const { actor, emitted } = start({ restore: () => restore.promise })
    expect(status(actor)).toBe('initializing')
    expect(actor.getSnapshot().can({ type: 'SIGN_OUT', scope: 'local' })).toBe(false)
    restore.resolve({ session: fakeSession() })
    await settle(actor, 'authenticated')
    expect(actor.getSnapshot().can({ type: 'SIGN_OUT', scope: 'local' })).toBe(true)
    actor.send({ type: 'SIGN_OUT', scope: 'local' })
    await settle(actor, 'signedOut')
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
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
    actor.send({ type: 'SIGN_OUT', scope: 'global' })
    await settle(actor, 'signedOut')
    expect(actor.getSnapshot().context.error?.message).toBe('boom')
    expect(operationNews(emitted)).toEqual([
      { type: 'operationCancelled', reason: 'signOut' },
      { type: 'operationDone', result: { kind: 'SIGN_OUT', value: { error: expect.objectContaining({ message: 'boom' }) } } },
    ])
    expect(authEvents(emitted)).toEqual(['SIGNED_OUT'])
  })
})
