/**
 * Types of the lifecycle chart: what it is given, what it remembers, what it hears and says, and what its
 * provided actors must return. The chart itself is in `lifecycle.ts`; the client provides the actors in
 * `src/client/actors.ts`.
 * @module
 */
import type { Coordinator } from '../src/coordination/index.js'
import type { AuthError } from '../src/errors.js'
import type { Http } from '../src/http/index.js'
import type { Clock } from '../src/runtime/timers.js'
import type { SessionStore } from '../src/storage/index.js'
import type { AuthChangeEvent, Session, TokenResponse, User, WeakPassword } from '../src/types.js'
import type { MfaVerifyOperation, RedirectOperation, SignInOperation } from './operations.js'

/** The statuses a user sees: the chart's top-level states, and the children of `signedIn`. */
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

/**
 * Everything outside the chart that its actors touch, handed in once per client: the transport to the
 * server, the session store, the cross-client coordinator and the clock (which also drives XState's
 * delays). The chart itself only reads `clock.now()`; the rest passes through to the actors.
 */
export interface LifecycleIo {
  transport: Http
  store: SessionStore
  coordinator: Coordinator
  clock: Clock
}

export interface LifecycleSettings {
  autoRefreshToken: boolean
  /** Refresh this long before the access token expires (auth-js: 90 s). */
  refreshMarginMs: number
  /** Longest single wait between checks of the wall clock, so a sleeping device catches up quickly. */
  maxTimerMs: number
  /** Longest wait for another client's refresh before refreshing anyway. */
  lockTimeoutMs: number
}

/**
 * What the page's URL brought back from a provider or an email link (`detectSessionInUrl`), read by the
 * client before the chart starts: a credential to complete the sign-in with, or the error the server sent.
 */
export type RedirectLanding =
  | { kind: 'credential'; operation: Extract<SignInOperation, { kind: 'exchangeCode' | 'tokens' }> }
  | { kind: 'error'; error: AuthError }

export interface LifecycleInput {
  io: LifecycleIo
  settings: Partial<LifecycleSettings> & Pick<LifecycleSettings, 'autoRefreshToken'>
  /** The URL's callback, consumed once while initializing; none outside a browser or when detection is off. */
  landing?: RedirectLanding | null
  /** Source of jitter for retry backoff; injectable so tests are repeatable. */
  random?: () => number
}

export interface LifecycleContext {
  /** The stored session has been read (or found unreadable): until then nobody can sign it out. */
  restored: boolean
  session: Session | null
  error: AuthError | null
  reason: SignedOutReason
  /** A refresh keeps failing transiently; the session is still served while its access token is unexpired. */
  stale: boolean
  retryAt: number | null
  refreshFailures: number
  storageProblem: StorageProblem | null
  /**
   * The server's id of the last session this client saw end (signed out here or elsewhere, revoked): news of
   * it that arrives later is stale, since an ended session never comes back.
   */
  endedSession: string | null
  /**
   * The refresh token of the session this client last replaced or ended: news still carrying it is older
   * than the session in hand, and storage holding it holds a write of ours that crossed another client's.
   */
  replacedToken: string | null
  settings: LifecycleSettings
  io: LifecycleIo
  random: () => number
  landing: RedirectLanding | null
}

export type LifecycleEvent =
  | { type: 'SIGN_IN'; operation: SignInOperation }
  | { type: 'VERIFY_MFA'; operation: MfaVerifyOperation }
  /** Leave for an identity provider (OAuth, SSO); the session changes when the user comes back. */
  | { type: 'REDIRECT'; operation: RedirectOperation }
  | { type: 'REFRESH'; force?: boolean }
  | { type: 'SIGN_OUT'; scope: 'global' | 'local' }
  | { type: 'USER_UPDATED'; user: User }
  /** Another client sharing the storage signed in or rotated the tokens. */
  | { type: 'SESSION_CHANGED_ELSEWHERE'; event: AuthChangeEvent; session: Session }
  /**
   * Another client sharing the storage signed out. `ended`: the server's id of the session it ended (absent
   * from auth-js tabs), so a sign-out heard after a newer sign-in leaves that sign-in alone.
   */
  | { type: 'SIGNED_OUT_ELSEWHERE'; ended?: string }
  /**
   * A call made with the session's token learned that the server no longer knows the session or its user.
   * `token`: the access token the call was made with.
   */
  | { type: 'SESSION_REVOKED'; error: AuthError; token: string }
  /** The configured storage failed; the session now lives in memory only. */
  | { type: 'STORAGE_DEGRADED' }

/** What an operation that ran to its end hands back to the callers waiting on it, by the event that began it. */
export type OperationResult =
  | { kind: 'SIGN_IN'; value: SignInOutput }
  | { kind: 'VERIFY_MFA'; value: MfaVerifyOutput }
  | { kind: 'REDIRECT'; value: RedirectOutput }
  | { kind: 'REFRESH'; value: Session }
  | { kind: 'SIGN_OUT'; value: SignOutOutput }

/**
 * What the chart emits. The callers waiting on an operation are the client's business, not the chart's:
 * it says only that the operation in flight ended (`operationDone`/`operationFailed`) or was cut short.
 */
export type LifecycleEmitted =
  | { type: 'operationDone'; result: OperationResult }
  | { type: 'operationFailed'; error: AuthError }
  | { type: 'operationCancelled'; reason: 'superseded' | 'signOut' }
  /**
   * `landing`: the URL's callback completed while initializing; auth-js tells it after `INITIAL_SESSION`,
   * so an app learns of a password-recovery link from the event, not only from the restored state.
   * `ended`: on a sign-out, the server's id of the session that ended, for the other clients to weigh it.
   */
  | { type: 'authEvent'; event: AuthChangeEvent; session: Session | null; origin: 'local' | 'remote'; landing?: boolean; ended?: string }

// ---- contracts of the provided actors ----

export interface RestoreInput {
  io: LifecycleIo
}

export interface RestoreOutput {
  session: Session | null
  problem?: StorageProblem
}

export interface SignInInput {
  io: LifecycleIo
  operation: SignInOperation
  /** Longest wait for the lock another client's sign-in or refresh holds (`LifecycleSettings.lockTimeoutMs`). */
  lockTimeoutMs: number
}

/** A finished sign-in: the session (already persisted), or none yet (a sign-up awaiting confirmation). */
export interface SignInOutput {
  session: Session | null
  user: User | null
  /** The auth-js event this sign-in stands for (`USER_UPDATED`: an identity linked to the signed-in user). */
  event: 'SIGNED_IN' | 'PASSWORD_RECOVERY' | 'USER_UPDATED'
  /** The password grant's verdict on a correct but weak password. */
  weakPassword?: WeakPassword
  /** A first step that needs another (the second address of a secure email change). */
  message?: string
}

export interface RedirectInput {
  io: LifecycleIo
  operation: RedirectOperation
}

/** Where the user is (or would be) sent: the provider's URL, and the PKCE flow's id when one was started. */
export interface RedirectOutput {
  url: string
  flowId: string | null
}

/** A sign-in completed from the URL: it always ends with a session (or the actor fails). */
export interface LandingOutput {
  session: Session
  event: 'SIGNED_IN' | 'PASSWORD_RECOVERY'
}

export interface MfaVerifyInput {
  io: LifecycleIo
  operation: MfaVerifyOperation
  session: Session
}

export interface MfaVerifyOutput {
  session: Session
  response: TokenResponse
}

export interface RefreshInput {
  io: LifecycleIo
  settings: LifecycleSettings
  session: Session
  force: boolean
}

export type RefreshOutput =
  | { outcome: 'refreshed' | 'adopted'; session: Session }
  | { outcome: 'signedOutElsewhere' }

export interface SignOutInput {
  io: LifecycleIo
  accessToken: string | null
  scope: 'global' | 'local'
}

export interface SignOutOutput {
  /** A server-side failure; local sign-out has happened regardless. */
  error: AuthError | null
}
