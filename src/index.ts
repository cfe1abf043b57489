/**
 * supabase-auth-machine: a Supabase Auth client whose lifecycle is an XState statechart.
 *
 * @example
 * ```ts
 * import { createAuthClient } from 'supabase-auth-machine'
 * const auth = createAuthClient({ url: 'https://<ref>.supabase.co/auth/v1', apiKey: '<anon key>' })
 * auth.state$.subscribe((s) => console.log(s.status))
 * ```
 * @module
 */
export { AuthClient, createAuthClient } from './client/auth-client.js'
export type { AsyncDisposableWhereDeclared } from './client/auth-client.js'
export type { AuthClientOptions } from './client/options.js'
export type { Clock } from './runtime/timers.js'
export { systemClock } from './runtime/timers.js'
export type { AuthState, AuthStatus, BusyState, SignedInState, SignedOutState, SignedOutReason } from './client/state.js'
export type { AuthEventItem } from './client/streams.js'
export type * from './client/types.js'
export type { EnrollParams, EnrollResponse, ChallengeResponse, TotpEnrollResponse, PhoneEnrollResponse } from './api/mfa.js'
export { memoryStorage, defaultStorage, defaultStorageKey } from './storage/index.js'
export type { SupportedStorage } from './storage/index.js'
export { lifecycleMachine } from '../machines/lifecycle.js'
export type { InspectObserver } from './client/inspection.js'
// The chart's types, named by `lifecycleMachine` and `AuthClient.actor`.
export type { LifecycleMachine } from '../machines/lifecycle.js'
export type {
  LifecycleContext,
  LifecycleEvent,
  LifecycleInput,
  LifecycleIo,
  LifecycleSettings,
  MfaVerifyInput,
  MfaVerifyOutput,
  LandingOutput,
  OperationResult,
  RedirectInput,
  RedirectLanding,
  RedirectOutput,
  RefreshInput,
  RefreshOutput,
  RestoreInput,
  RestoreOutput,
  SignInInput,
  SignInOutput,
  SignOutInput,
  SignOutOutput,
  StorageProblem,
} from '../machines/lifecycle-types.js'
export type { GivenTokens, GrantVia, MfaVerifyOperation, RedirectOperation, SignInOperation, TokenCheck } from '../machines/operations.js'
export type { DetectSessionInUrl, ImplicitFlow } from './client/page-url.js'
// What the chart's operations and I/O name: the wire-level request shapes, the transport, the session store, the coordinator.
export type {
  AnonymousSignInParams,
  AuthenticationResponseJSON,
  AuthorizeParams,
  CodeChallengeMethod,
  FactorVerifyWebAuthn,
  IdTokenGrantBody,
  MfaProof,
  PasskeySignInBody,
  PasswordGrantParams,
  PkceParams,
  SessionRequest,
  RegistrationResponseJSON,
  RelyingParty,
  SignUpParams,
  SsoRequestBody,
} from './api/index.js'
export type { VerifyOtpRequest } from './api/verify.js'
export type { Http, HttpConfig, HttpMethod, HttpResponse, RequestOptions } from './http/index.js'
export type { SessionStore, StoreProblem } from './storage/session-store.js'
export type { Coordinator, LockInfo, SessionMessage, WithLockOptions } from './coordination/index.js'
export * from './errors.js'
export type * from './types.js'
