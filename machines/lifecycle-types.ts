/**
 * Types of the lifecycle chart: what it remembers, what it hears, and what its provided actors must return.
 * The chart itself is in `lifecycle.ts`; the client provides the actors in `src/client/actors.ts`.
 * @module
 */
import type { AuthError } from '../src/errors.js'
import type { AuthChangeEvent, CallOptions, Session, User } from '../src/types.js'

/** The chart's top-level states, which are the statuses a user sees. */
export type AuthStatus =
  | 'initializing'
  | 'signedOut'
  | 'signingIn'
  | 'anonymous'
  | 'mfaChallenge'
  | 'authenticated'
  | 'refreshing'
  | 'signingOut'

/** Why the client is signed out: nobody signed in yet, the user signed out, or the server ended the session. */
export type SignedOutReason = 'initial' | 'signOut' | 'revoked' | 'expired'

/** Where a stored session could not be used as-is. */
export type StorageProblem = 'corrupt' | 'unavailable'

/** The minimal clock the chart reads: `now()` in epoch milliseconds. Timers come from XState's actor clock. */
export interface ChartClock {
  now(): number
}

export interface LifecycleInput {
  autoRefreshToken: boolean
  /** Refresh this long before the access token expires (auth-js: 90 s). */
  refreshMarginMs?: number
  /** Longest single wait between checks of the wall clock, so a sleeping device catches up quickly. */
  maxTimerMs?: number
  clock?: ChartClock
  /** Source of jitter for retry backoff; injectable so tests are repeatable. */
  random?: () => number
}

export interface LifecycleContext {
  session: Session | null
  error: AuthError | null
  reason: SignedOutReason
  /** A refresh keeps failing transiently; the session is still served while its access token is unexpired. */
  stale: boolean
  retryAt: number | null
  refreshFailures: number
  /** Promise calls waiting for the operation in flight; each gets a `reply` when it settles. */
  waiting: string[]
  storageProblem: StorageProblem | null
  settings: Required<Pick<LifecycleInput, 'autoRefreshToken' | 'refreshMarginMs' | 'maxTimerMs'>>
  clock: ChartClock
  random: () => number
}

/** How a credential is exchanged for a session; the provided `signIn` actor knows how to call each. */
export type SignInMethod =
  | 'signUp'
  | 'password'
  | 'anonymous'
  | 'verifyOtp'
  | 'setSession'
  | 'refreshToken'

export interface SignInRequest {
  method: SignInMethod
  /** Method-specific arguments, validated by the client before the event is sent. */
  params: unknown
  options?: CallOptions
}

export interface MfaVerifyRequest {
  factorId: string
  challengeId: string
  code: string
  options?: CallOptions
}

export type LifecycleEvent =
  | { type: 'SIGN_IN'; requestId: string; request: SignInRequest }
  | { type: 'VERIFY_MFA'; requestId: string; request: MfaVerifyRequest }
  | { type: 'REFRESH'; requestId?: string; force?: boolean }
  | { type: 'SIGN_OUT'; requestId?: string; scope: 'global' | 'local' }
  | { type: 'USER_UPDATED'; user: User }
  | { type: 'SESSION_CHANGED_ELSEWHERE'; event: AuthChangeEvent; session: Session | null }
  /** A call made with the session's token learned that the server no longer knows the session. */
  | { type: 'SESSION_REVOKED'; error: AuthError }
  /** The configured storage failed; the session now lives in memory only. */
  | { type: 'STORAGE_DEGRADED' }

/** What the chart emits; the client turns these into promise results and `events$` items. */
export type LifecycleEmitted =
  | { type: 'reply'; requestIds: string[]; ok: true; value: unknown }
  | { type: 'reply'; requestIds: string[]; ok: false; error: AuthError }
  | { type: 'authEvent'; event: AuthChangeEvent; session: Session | null; origin: 'local' | 'remote' }

// ---- contracts of the provided actors ----

export interface RestoreOutput {
  session: Session | null
  problem?: StorageProblem
}

export interface SignInInput {
  request: SignInRequest
}

export interface SignInOutput {
  /** The new session, already persisted; null when the call succeeded without one (e.g. sign-up awaiting confirmation). */
  session: Session | null
  /** What the promise call resolves with (auth-js `data` shape). */
  data: unknown
  /** The auth-js event this sign-in stands for. */
  event: 'SIGNED_IN' | 'PASSWORD_RECOVERY'
}

export interface MfaVerifyInput {
  request: MfaVerifyRequest
  session: Session
}

export interface MfaVerifyOutput {
  session: Session
  data: unknown
}

export interface RefreshInput {
  session: Session
  force: boolean
}

export type RefreshOutput =
  | { outcome: 'refreshed' | 'adopted'; session: Session }
  | { outcome: 'signedOutElsewhere' }

export interface SignOutInput {
  accessToken: string | null
  scope: 'global' | 'local'
}

export interface SignOutOutput {
  /** A server-side failure; local sign-out has happened regardless. */
  error: AuthError | null
}
