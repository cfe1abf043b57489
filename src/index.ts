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
export * from './errors.js'
export type * from './types.js'
