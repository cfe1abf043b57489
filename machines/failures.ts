/**
 * What a failure means for the session: the one place that decides it. The chart's guards and the client's
 * session gateway both ask here, so a refresh, a `getUser` and an `mfa.*` call that meet the same server
 * answer end (or keep) the session the same way. Not public API.
 * @module
 */
import { AuthError, isAuthApiError, isAuthError, isAuthSessionMissingError } from '../src/errors.js'
import type { SignedOutReason } from './lifecycle-types.js'

/** Codes after which a refresh token can never work again: the session is over. */
const TERMINAL_REFRESH_CODES: ReadonlySet<string> = new Set([
  'refresh_token_not_found',
  'refresh_token_already_used',
  'session_not_found',
  'session_expired',
  'session_missing',
  'user_banned',
  'user_not_found',
  'validation_failed',
  'bad_jwt',
])

/** Codes that, answered to a call made with the user's access token, mean the session (or its user) is gone. */
const SESSION_GONE_CODES: ReadonlySet<string> = new Set(['session_not_found', 'user_not_found', 'user_banned'])

/**
 * True when `error` is the server's verdict on the request and names one of `codes`. Only a verdict can end a
 * session: a 4xx up to 428 (or a local refusal without a status). A 429, any 5xx or a stray status (a proxy's
 * 3xx) says "not now", whatever code its body names.
 */
function isVerdictIn(codes: ReadonlySet<string>, error: unknown): error is AuthError {
  if (!isAuthError(error) || !codes.has(error.code as string)) return false
  const { status } = error
  return status === undefined || (status >= 400 && status < 429)
}

/**
 * How a failed refresh should end: `transient` keeps the session and retries later, `terminal` signs out.
 * Unknown 4xx answers count as terminal only when their code says the session is gone; everything else
 * (network, 5xx, 409 contention, 429, garbage bodies) is transient, because signing a user out on a
 * flaky network is the failure this library exists to avoid.
 */
export function classifyRefreshError(error: unknown): 'transient' | 'terminal' {
  return isVerdictIn(TERMINAL_REFRESH_CODES, error) ? 'terminal' : 'transient'
}

/**
 * A call made with the session's access token learned that the server no longer knows the session or its
 * user (`session_not_found`, `user_not_found`, `user_banned`): nothing this client holds can work again.
 */
export function endsSession(error: unknown): error is AuthError {
  return isVerdictIn(SESSION_GONE_CODES, error)
}

/** A `/logout` answer meaning the session is already gone, which is what signing out wants anyway. */
export function meansAlreadySignedOut(error: unknown): boolean {
  if (isAuthSessionMissingError(error)) return true
  return isAuthApiError(error) && (error.status === 401 || error.status === 403 || error.status === 404)
}

/** Why the session ended, for `signedOut.reason`. */
export function signedOutReasonFor(error: unknown): SignedOutReason {
  return isAuthError(error) && error.code === 'session_expired' ? 'expired' : 'revoked'
}

/** Anything an actor threw, as the typed error the promise API rejects with. */
export function toAuthError(error: unknown): AuthError {
  if (isAuthError(error)) return error
  return new AuthError(error instanceof Error ? error.message : 'Unexpected failure', undefined, 'unexpected_failure', { cause: error })
}
