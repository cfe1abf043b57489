/**
 * Wire and public data shapes. Field names follow the GoTrue JSON (snake_case) exactly, as auth-js does,
 * so a session written by auth-js can be read back here and the other way round.
 * @module
 */

/** One entry of the JWT `amr` claim: how and when the session was authenticated. */
export interface AMREntry {
  method: string
  timestamp: number
  provider?: string
}

export type AuthenticatorAssuranceLevel = 'aal1' | 'aal2'

export interface Factor {
  id: string
  friendly_name?: string
  factor_type: 'totp' | 'phone' | 'webauthn' | (string & {})
  status: 'verified' | 'unverified'
  phone?: string
  created_at: string
  updated_at: string
  last_challenged_at?: string | null
}

export interface UserIdentity {
  identity_id: string
  id: string
  user_id: string
  identity_data?: Record<string, unknown>
  provider: string
  last_sign_in_at?: string
  created_at?: string
  updated_at?: string
  email?: string
}

export interface User {
  id: string
  aud: string
  role?: string
  email?: string
  email_confirmed_at?: string
  phone?: string
  phone_confirmed_at?: string
  confirmation_sent_at?: string
  confirmed_at?: string
  recovery_sent_at?: string
  new_email?: string
  email_change_sent_at?: string
  new_phone?: string
  phone_change_sent_at?: string
  reauthentication_sent_at?: string
  invited_at?: string
  last_sign_in_at?: string
  app_metadata: Record<string, unknown>
  user_metadata: Record<string, unknown>
  identities?: UserIdentity[] | null
  factors?: Factor[]
  created_at: string
  updated_at?: string
  banned_until?: string
  deleted_at?: string
  is_anonymous?: boolean
}

/**
 * A session as stored (auth-js v2 storage format) and as handed to the user.
 * `expires_at` is computed on this device at receipt (`receivedAt + expires_in`), never copied from the
 * server's clock, so a skewed device clock cannot make a fresh token look expired or the reverse.
 */
export interface Session {
  access_token: string
  token_type: string
  expires_in: number
  expires_at: number
  refresh_token: string
  user: User
  provider_token?: string | null
  provider_refresh_token?: string | null
}

/** The body of a successful token response (`/token`, `/verify`, `/signup` with autoconfirm, MFA verify). */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in: number
  expires_at?: number
  refresh_token: string
  user: User
  provider_token?: string
  provider_refresh_token?: string
  weak_password?: WeakPassword
}

export interface WeakPassword {
  reasons: Array<'length' | 'characters' | 'pwned' | (string & {})>
  message: string
}

/** auth-js event names, delivered through `events$` and `onAuthStateChange`. */
export type AuthChangeEvent =
  | 'INITIAL_SESSION'
  | 'SIGNED_IN'
  | 'SIGNED_OUT'
  | 'TOKEN_REFRESHED'
  | 'USER_UPDATED'
  | 'PASSWORD_RECOVERY'
  | 'MFA_CHALLENGE_VERIFIED'

export type SignOutScope = 'global' | 'local' | 'others'

export type EmailOtpType = 'signup' | 'invite' | 'magiclink' | 'recovery' | 'email_change' | 'email'
export type MobileOtpType = 'sms' | 'phone_change'

/** Per-call options accepted as the last argument of every method. */
export interface CallOptions {
  signal?: AbortSignal
  /** Milliseconds before the request is abandoned with `AuthRetryableFetchError` (default 10 000). */
  timeout?: number
}

/**
 * What the `fetch` options accept: the global `fetch`, a wrapper of it, or a ky instance created with
 * `throwHttpErrors: false` (ky instances are called like `fetch` and resolve with a `Response`). The client
 * reads every answer itself, so it must get error responses back as responses, not as thrown errors.
 *
 * @example
 * ```ts
 * const loggingFetch: FetchLike = (input, init) => {
 *   console.log(init?.method ?? 'GET', String(input))
 *   return fetch(input, init)
 * }
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface UserAttributes {
  email?: string
  phone?: string
  password?: string
  nonce?: string
  current_password?: string
  data?: Record<string, unknown>
}
