/**
 * The I/O the lifecycle chart needs, as XState actors and actions: storage, the refresh lock, and calls
 * through `src/api`. The chart decides when; these only do.
 * @module
 */
import { fromPromise } from 'xstate'
import type {
  MfaVerifyInput,
  MfaVerifyOutput,
  RefreshInput,
  RefreshOutput,
  RestoreOutput,
  SignInInput,
  SignInOutput,
  SignOutInput,
  SignOutOutput,
} from '../../machines/lifecycle-types.js'
import * as api from '../api/index.js'
import type { Coordinator } from '../coordination/index.js'
import { AuthError, isAuthApiError, isAuthError, isAuthSessionMissingError } from '../errors.js'
import type { Http } from '../http/index.js'
import { combineSignals } from '../http/signals.js'
import type { SessionStore } from '../storage/index.js'
import type { Session } from '../types.js'
import { callSignIn } from './sign-in-calls.js'
import { isExpiringSoon, toSession } from './session.js'
import type { Clock } from './clock.js'

export interface ActorDeps {
  http: Http
  store: SessionStore
  coordinator: Coordinator
  clock: Clock
  refreshMarginMs: number
  lockTimeoutMs: number
}

function abortedError(signal: AbortSignal): AuthError {
  return new AuthError('Operation cancelled', 0, 'aborted', { cause: signal.reason })
}

/** The later of two sessions: another client's announcement wins over storage when it carries newer tokens. */
function newestOf(stored: Session, heard: Session | null | undefined): Session {
  return heard && heard.refresh_token !== stored.refresh_token && heard.expires_at > stored.expires_at ? heard : stored
}

/** One turn of the event loop (not the injected clock: this is about task order, not time). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => globalThis.setTimeout(resolve, 0))
}

/** Statuses from `/logout` that mean the session is already gone, which is what signing out wants anyway. */
function alreadySignedOut(error: unknown): boolean {
  if (isAuthSessionMissingError(error)) return true
  return isAuthApiError(error) && (error.status === 401 || error.status === 403 || error.status === 404)
}

/**
 * The actors, made once and shared by every client: each finds its client's dependencies through the actor
 * system it runs in (`depsOf`). Providing per client instead would copy the whole chart per instance.
 */
export function createLifecycleActors(depsOf: (system: object) => ActorDeps) {
  const restoreSession = fromPromise<RestoreOutput>(async ({ system }) => {
    const { session, problem } = await depsOf(system).store.read()
    return problem === undefined ? { session } : { session, problem }
  })

  const signIn = fromPromise<SignInOutput, SignInInput>(async ({ input, signal, system }) => {
    const { http, store, clock } = depsOf(system)
    const result = await callSignIn({ http, now: () => clock.now() }, input.request, signal)
    // Leaving `signingIn` (a sign-out, a newer sign-in) aborts the signal: the late session must not be saved.
    if (signal.aborted) throw abortedError(signal)
    if (result.session) await store.write(result.session)
    return result
  })

  const verifyMfa = fromPromise<MfaVerifyOutput, MfaVerifyInput>(async ({ input, signal, system }) => {
    const { http, store, clock } = depsOf(system)
    const { request } = input
    const combined = combineSignals([signal, request.options?.signal])
    const response = await api
      .verifyFactor(
        http,
        input.session.access_token,
        { factorId: request.factorId, challengeId: request.challengeId, code: request.code },
        { timeout: request.options?.timeout, signal: combined.signal },
      )
      .finally(combined.dispose)
    if (signal.aborted) throw abortedError(signal)
    const session = toSession(response, clock.now())
    await store.write(session)
    return { session, data: response }
  })

  /**
   * One refresher per storage key: take the lock, re-read storage, and adopt a session another client
   * already rotated instead of spending the (single-use) refresh token a second time.
   */
  const refreshSession = fromPromise<RefreshOutput, RefreshInput>(async ({ input, signal, system }) => {
    const deps = depsOf(system)
    const { http, store, coordinator, clock } = deps
    return coordinator.withLock(
      async () => {
        const { session: stored } = await store.read()
        if (signal.aborted) throw abortedError(signal)
        if (stored === null) return { outcome: 'signedOutElsewhere' as const }
        let latest = newestOf(stored, coordinator.lastHeard?.session)
        if (coordinator.crossContext && latest.refresh_token === input.session.refresh_token) {
          // Across tabs the previous holder's storage write can trail the lock grant, while its
          // announcement may already be queued: let that task run before spending the refresh token.
          await nextTask()
          latest = newestOf(latest, coordinator.lastHeard?.session)
        }
        const rotatedElsewhere = latest.refresh_token !== input.session.refresh_token
        if (rotatedElsewhere && !input.force && !isExpiringSoon(latest, clock.now(), deps.refreshMarginMs)) {
          return { outcome: 'adopted' as const, session: latest }
        }
        const response = await api.refreshAccessToken(http, latest.refresh_token, { signal })
        if (signal.aborted) throw abortedError(signal)
        const session = toSession(response, clock.now())
        await store.write(session)
        // Announced while the lock is still held, so a client queued on it hears of the new tokens even
        // when its copy of storage lags behind.
        coordinator.publish({ type: 'session', event: 'TOKEN_REFRESHED', session })
        return { outcome: 'refreshed' as const, session }
      },
      { timeoutMs: deps.lockTimeoutMs, signal },
    )
  })

  const signOut = fromPromise<SignOutOutput, SignOutInput>(async ({ input, signal, system }) => {
    if (input.accessToken === null) return { error: null }
    try {
      await api.logout(depsOf(system).http, input.accessToken, input.scope, { signal })
      return { error: null }
    } catch (error) {
      if (alreadySignedOut(error)) return { error: null }
      return { error: isAuthError(error) ? error : new AuthError('Sign-out request failed', undefined, 'unexpected_failure') }
    }
  })

  return { restoreSession, signIn, verifyMfa, refreshSession, signOut }
}
