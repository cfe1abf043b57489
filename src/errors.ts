/**
 * The error taxonomy. Every failure a method can reject with is one of these classes; `name` is the
 * discriminant (realm-safe, unlike `instanceof`), `code` the server's error code where there is one.
 * @module
 */

/** Every `error_code` GoTrue can send (wire contract §1.7), open to codes a newer server may add. */
export type KnownErrorCode =
  | 'unknown' | 'unexpected_failure' | 'validation_failed' | 'bad_json' | 'email_exists' | 'phone_exists'
  | 'bad_jwt' | 'not_admin' | 'no_authorization' | 'user_not_found' | 'session_not_found' | 'session_expired'
  | 'refresh_token_not_found' | 'refresh_token_already_used' | 'flow_state_not_found' | 'flow_state_expired'
  | 'flow_state_already_used' | 'oauth_client_state_not_found' | 'oauth_client_state_expired'
  | 'oauth_invalid_state' | 'signup_disabled' | 'user_banned' | 'provider_email_needs_verification'
  | 'invite_not_found' | 'bad_oauth_state' | 'bad_oauth_callback' | 'oauth_provider_not_supported'
  | 'unexpected_audience' | 'single_identity_not_deletable' | 'email_conflict_identity_not_deletable'
  | 'identity_already_exists' | 'email_provider_disabled' | 'phone_provider_disabled'
  | 'too_many_enrolled_mfa_factors' | 'mfa_factor_name_conflict' | 'mfa_factor_not_found'
  | 'mfa_ip_address_mismatch' | 'mfa_challenge_expired' | 'mfa_verification_failed'
  | 'mfa_verification_rejected' | 'insufficient_aal' | 'captcha_failed' | 'saml_provider_disabled'
  | 'manual_linking_disabled' | 'sms_send_failed' | 'email_not_confirmed' | 'phone_not_confirmed'
  | 'saml_relay_state_not_found' | 'saml_relay_state_expired' | 'saml_idp_not_found'
  | 'saml_assertion_no_user_id' | 'saml_assertion_no_email' | 'user_already_exists' | 'sso_provider_not_found'
  | 'sso_provider_disabled' | 'saml_metadata_fetch_failed' | 'saml_idp_already_exists'
  | 'sso_domain_already_exists' | 'saml_entity_id_mismatch' | 'conflict' | 'provider_disabled'
  | 'user_sso_managed' | 'reauthentication_needed' | 'same_password' | 'reauthentication_not_valid'
  | 'current_password_invalid' | 'current_password_required' | 'otp_expired' | 'otp_disabled'
  | 'identity_not_found' | 'weak_password' | 'over_request_rate_limit' | 'over_email_send_rate_limit'
  | 'over_sms_send_rate_limit' | 'bad_code_verifier' | 'anonymous_provider_disabled' | 'hook_timeout'
  | 'hook_timeout_after_retry' | 'hook_payload_over_size_limit' | 'hook_payload_invalid_content_type'
  | 'request_timeout' | 'mfa_phone_enroll_not_enabled' | 'mfa_phone_verify_not_enabled'
  | 'mfa_totp_enroll_not_enabled' | 'mfa_totp_verify_not_enabled' | 'mfa_webauthn_enroll_not_enabled'
  | 'mfa_webauthn_verify_not_enabled' | 'mfa_verified_factor_exists' | 'invalid_credentials'
  | 'email_address_not_authorized' | 'email_address_invalid' | 'web3_provider_disabled'
  | 'web3_unsupported_chain' | 'oauth_dynamic_client_registration_disabled' | 'email_address_not_provided'
  | 'feature_disabled' | 'oauth_client_not_found' | 'oauth_authorization_not_found' | 'oauth_consent_not_found'
  | 'request_entity_too_large' | 'custom_provider_not_found' | 'over_custom_provider_quota'
  | 'passkey_disabled' | 'too_many_passkeys' | 'webauthn_credential_not_found' | 'webauthn_challenge_not_found'
  | 'webauthn_challenge_expired' | 'webauthn_verification_failed' | 'webauthn_credential_exists'

/** Codes this client produces itself, never sent by a server. */
export type ClientErrorCode =
  | 'session_missing'
  | 'invalid_token_response'
  | 'invalid_jwt'
  | 'invalid_credentials_input'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'server_error'
  | 'storage_error'
  | 'busy'
  | 'disposed'
  | 'pkce_code_verifier_not_found'
  | 'pkce_grant_code_exchange'
  | 'implicit_grant_redirect'
  /** A server client's session is due for a refresh, but its cookies are read-only (`supabase-auth-machine/ssr`). */
  | 'session_refresh_needed'
  /** No WebAuthn here (not a browser, or an old one) and no `credentials` given (`supabase-auth-machine/webauthn`). */
  | 'webauthn_unsupported'

/** What went wrong in a browser WebAuthn ceremony (auth-js's codes, from SimpleWebAuthn's browser library). */
export type WebAuthnErrorCode =
  | 'ERROR_CEREMONY_ABORTED'
  | 'ERROR_INVALID_DOMAIN'
  | 'ERROR_INVALID_RP_ID'
  | 'ERROR_INVALID_USER_ID_LENGTH'
  | 'ERROR_MALFORMED_PUBKEYCREDPARAMS'
  | 'ERROR_AUTHENTICATOR_GENERAL_ERROR'
  | 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT'
  | 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT'
  | 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED'
  | 'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG'
  | 'ERROR_AUTO_REGISTER_USER_VERIFICATION_FAILURE'
  | 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY'

/** What went wrong with a wallet during a Web3 sign-in (`supabase-auth-machine/web3`). */
export type Web3WalletErrorCode =
  /** The user turned the request down (EIP-1193 error 4001, which Solana wallets use too). */
  | 'web3_wallet_rejected'
  /** The wallet failed otherwise; `cause` holds what it threw. */
  | 'web3_wallet_failed'
  /** The wallet answered with something unusable: no account, a malformed address or signature. */
  | 'web3_wallet_invalid_response'

/** A server code, a client code, or a code from a newer server that this version does not list. */
export type ErrorCode = KnownErrorCode | ClientErrorCode | WebAuthnErrorCode | Web3WalletErrorCode | (string & {})

export type AuthErrorName =
  | 'AuthError'
  | 'AuthApiError'
  | 'AuthRetryableFetchError'
  | 'AuthSessionMissingError'
  | 'AuthWeakPasswordError'
  | 'AuthInvalidCredentialsError'
  | 'AuthInvalidTokenResponseError'
  | 'AuthInvalidJwtError'
  | 'AuthPKCEGrantCodeExchangeError'
  | 'AuthPKCECodeVerifierMissingError'
  | 'AuthImplicitGrantRedirectError'
  | 'WebAuthnError'
  | 'Web3WalletError'

/** Base of every error this library rejects with. */
export class AuthError extends Error {
  override readonly name: AuthErrorName = 'AuthError'
  /** HTTP status where a response was received; 0 for network failures; undefined for local errors. */
  readonly status: number | undefined
  readonly code: ErrorCode | undefined
  /** Marker that survives realms and bundling duplicates, checked by {@link isAuthError}. */
  protected readonly __isAuthError = true

  constructor(message: string, status?: number, code?: ErrorCode, options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
    this.code = code
  }

  toJSON(): { name: string; message: string; status: number | undefined; code: ErrorCode | undefined } {
    return { name: this.name, message: this.message, status: this.status, code: this.code }
  }
}

/** The server answered with an error that is not a server failure (a 4xx, or a stray 3xx, with a JSON body). */
export class AuthApiError extends AuthError {
  override readonly name = 'AuthApiError'
  declare readonly status: number
  /** Seconds from a `Retry-After` header, when the server sent one (429). */
  readonly retryAfter: number | undefined
  constructor(message: string, status: number, code: ErrorCode | undefined, retryAfter?: number) {
    super(message, status, code ?? 'unknown')
    this.retryAfter = retryAfter
  }
}

/**
 * The request may succeed if tried again: the network failed, the call timed out, or the server answered
 * any 5xx, or a 2xx body that is not JSON. A session is never dropped because of one of these.
 */
export class AuthRetryableFetchError extends AuthError {
  override readonly name = 'AuthRetryableFetchError'
  constructor(message: string, status: number, code: ErrorCode = status === 0 ? 'network_error' : 'server_error', options?: { cause?: unknown }) {
    super(message, status, code, options)
  }
}

/** No session where one is needed, or the server no longer knows the session (`session_not_found`). */
export class AuthSessionMissingError extends AuthError {
  override readonly name = 'AuthSessionMissingError'
  constructor(message = 'Auth session missing!', status = 400, code: ErrorCode = 'session_missing') {
    super(message, status, code)
  }
}

/** The password does not meet the server's policy; `reasons` says which rules failed. */
export class AuthWeakPasswordError extends AuthError {
  override readonly name = 'AuthWeakPasswordError'
  readonly reasons: string[]
  constructor(message: string, status: number, reasons: string[]) {
    super(message, status, 'weak_password')
    this.reasons = reasons
  }
}

/** Arguments rejected before any request was made. */
export class AuthInvalidCredentialsError extends AuthError {
  override readonly name = 'AuthInvalidCredentialsError'
  constructor(message: string) {
    super(message, 400, 'invalid_credentials_input')
  }
}

/** The server answered 2xx but the body is not the session/user it should be. */
export class AuthInvalidTokenResponseError extends AuthError {
  override readonly name = 'AuthInvalidTokenResponseError'
  constructor(message = 'Auth session or user missing', status = 500) {
    super(message, status, 'invalid_token_response')
  }
}

/** A JWT could not be decoded or verified. */
export class AuthInvalidJwtError extends AuthError {
  override readonly name = 'AuthInvalidJwtError'
  constructor(message: string) {
    super(message, 400, 'invalid_jwt')
  }
}

/** What an error redirect from the server said (`error` and `error_code` of the callback URL). */
export interface RedirectErrorDetails {
  error: string
  code: string
}

/**
 * The callback URL carried an error (`?error=…&error_code=…&error_description=…`), or tokens that could not
 * be used. `details` holds the server's own `error` and `error_code`.
 */
export class AuthImplicitGrantRedirectError extends AuthError {
  override readonly name = 'AuthImplicitGrantRedirectError'
  readonly details: RedirectErrorDetails | null
  constructor(message: string, details: RedirectErrorDetails | null = null) {
    super(message, 500, 'implicit_grant_redirect')
    this.details = details
  }
}

/** A callback URL that cannot start a code exchange here (a fragment in a PKCE client, no code). */
export class AuthPKCEGrantCodeExchangeError extends AuthError {
  override readonly name = 'AuthPKCEGrantCodeExchangeError'
  constructor(message: string) {
    super(message, 500, 'pkce_grant_code_exchange')
  }
}

/**
 * A code came back but this storage holds no verifier for it: the flow was started in another browser or
 * storage, or the verifier was already used. No request is made.
 */
export class AuthPKCECodeVerifierMissingError extends AuthError {
  override readonly name = 'AuthPKCECodeVerifierMissingError'
  constructor() {
    super('PKCE code verifier not found in storage. The flow must start and finish in the same browser and storage.', 400, 'pkce_code_verifier_not_found')
  }
}

export type AnyAuthError =
  | AuthApiError
  | AuthRetryableFetchError
  | AuthSessionMissingError
  | AuthWeakPasswordError
  | AuthInvalidCredentialsError
  | AuthInvalidTokenResponseError
  | AuthInvalidJwtError
  | AuthImplicitGrantRedirectError
  | AuthPKCEGrantCodeExchangeError
  | AuthPKCECodeVerifierMissingError
  | AuthError

export function isAuthError(error: unknown): error is AuthError {
  return typeof error === 'object' && error !== null && (error as { __isAuthError?: unknown }).__isAuthError === true
}

export function isAuthApiError(error: unknown): error is AuthApiError {
  return isAuthError(error) && error.name === 'AuthApiError'
}

export function isAuthRetryableFetchError(error: unknown): error is AuthRetryableFetchError {
  return isAuthError(error) && error.name === 'AuthRetryableFetchError'
}

export function isAuthSessionMissingError(error: unknown): error is AuthSessionMissingError {
  return isAuthError(error) && error.name === 'AuthSessionMissingError'
}

export function isAuthWeakPasswordError(error: unknown): error is AuthWeakPasswordError {
  return isAuthError(error) && error.name === 'AuthWeakPasswordError'
}
