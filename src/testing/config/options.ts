/**
 * Options of the local auth server and their defaults. Defaults follow the Supabase CLI's local stack
 * (email confirmations off, phone and anonymous sign-ins on) rather than bare GoTrue, because that is what
 * developers run against day to day; every flag can be flipped per test.
 * @module
 */
import { resolveOAuthServerOptions, type OAuthServerConfig, type OAuthServerOptions } from './oauth-server-options.js'
import { resolveWebAuthnOptions, type WebAuthnConfig, type WebAuthnOptions } from './webauthn-options.js'
import { resolveWeb3Options, type Web3Config, type Web3Options } from './web3-options.js'

export type JwtAlgorithm = 'HS256' | 'ES256' | 'RS256'

/**
 * Who signs in at the built-in identity provider (the page OAuth, SSO and `server.oidc` tokens stand in
 * for): the claims a real provider would return about its user.
 */
export interface ProviderUser {
  /** The provider's subject id; becomes the identity's `id` and `identity_data.sub`. */
  sub: string
  /** Omit to play a provider that shares no email (the OAuth callback then fails as GoTrue does). */
  email?: string
  /** Whether the provider vouches for the email; default true. */
  email_verified?: boolean
  name?: string
  avatar_url?: string
  /** Provider-specific extras, kept in `identity_data.custom_claims`. */
  custom_claims?: Record<string, unknown>
}

/**
 * Every option of `startAuthServer`; the WebAuthn and passkey ones are in {@link WebAuthnOptions}, the OAuth
 * 2.1 server's in {@link OAuthServerOptions}, the Web3 sign-in's in {@link Web3Options}.
 */
export interface AuthServerOptions extends WebAuthnOptions, OAuthServerOptions, Web3Options {
  /** TCP port on 127.0.0.1; default 0 (ephemeral). */
  port?: number
  /** HS256 secret, also signs the anon/service-role keys; default the Supabase CLI's dev secret. */
  jwtSecret?: string
  /** Access-token signing algorithm; ES256/RS256 generate a key pair listed at `/.well-known/jwks.json`. */
  jwtAlgorithm?: JwtAlgorithm
  /** Access-token lifetime in seconds; default 3600. */
  jwtExpiry?: number
  /** Default redirect target; default `http://localhost:3000`. */
  siteUrl?: string
  /** Extra redirect globs (GoTrue `URI_ALLOW_LIST` syntax). */
  uriAllowList?: string[]
  /** Confirm email signups immediately; default true. */
  mailerAutoconfirm?: boolean
  /** Confirm phone signups immediately; default true. */
  smsAutoconfirm?: boolean
  /** Phone provider enabled; default true. */
  phoneSignups?: boolean
  /** Anonymous sign-ins enabled; default true. */
  anonymousSignIns?: boolean
  /** Refuse every new user; default false. */
  disableSignup?: boolean
  /** Email changes need confirmation from both addresses; default true. */
  secureEmailChange?: boolean
  /** Revoke the token family when a used refresh token is replayed; default true. */
  refreshTokenRotation?: boolean
  /** Seconds during which a rotated-out refresh token may be reused; default 10. */
  refreshTokenReuseInterval?: number
  /**
   * Refresh-token algorithm, GoTrue `SECURITY_REFRESH_TOKEN_ALGORITHM_VERSION`; default 0 (legacy).
   * - `0`/`1`: legacy 12-character tokens, one per rotation; a reused token outside the reuse rules answers
   *   `refresh_token_already_used` and revokes the session's tokens, but the session itself survives.
   * - `2`: signed tokens carrying the session id and a counter. The previous token stays usable (it answers
   *   the current one), so does any token within the reuse interval of the last refresh; any other reuse
   *   answers `refresh_token_already_used` and, with rotation on, deletes the session, so later refreshes
   *   answer `refresh_token_not_found` and its access tokens `session_not_found`.
   *
   * @example
   * const server = await startAuthServer({ refreshTokenAlgorithmVersion: 2 })
   */
  refreshTokenAlgorithmVersion?: 0 | 1 | 2
  /** Minimum password length (values below 6 are raised to 6); default 6. */
  passwordMinLength?: number
  /** Character sets a password must each hit (GoTrue `PASSWORD_REQUIRED_CHARACTERS`); default none. */
  passwordRequiredCharacters?: string[]
  /** `PUT /user {password}` needs a reauthentication nonce when the session is older than 24 h; default false. */
  passwordRequireReauthentication?: boolean
  /** `PUT /user {password}` needs `current_password` outside recovery sessions; default false. */
  passwordRequireCurrentPassword?: boolean
  /** TOTP enroll + verify enabled; default true. */
  mfaTotp?: boolean
  /** Maximum factors per user; default 10. */
  mfaMaxEnrolledFactors?: number
  /**
   * Phone factors may be enrolled, GoTrue `MFA_PHONE_ENROLL_ENABLED`; default false, as on GoTrue. Off,
   * `POST /factors {factor_type:'phone'}` answers `422 mfa_phone_enroll_not_enabled`.
   *
   * @example
   * const server = await startAuthServer({ mfaPhoneEnroll: true, mfaPhoneVerify: true })
   */
  mfaPhoneEnroll?: boolean
  /**
   * Phone factors may be challenged and verified, GoTrue `MFA_PHONE_VERIFY_ENABLED`; default false, as on
   * GoTrue. Off, challenge and verify answer `422 mfa_phone_verify_not_enabled`.
   */
  mfaPhoneVerify?: boolean
  /** Digits of the code a phone-factor challenge sends, GoTrue `MFA_PHONE_OTP_LENGTH`; default 6. */
  mfaPhoneOtpLength?: number
  /** Minimum seconds between two challenges of one phone factor, GoTrue `MFA_PHONE_MAX_FREQUENCY`; default 60. */
  mfaPhoneMaxFrequency?: number
  /**
   * The SMS provider, GoTrue `SMS_PROVIDER`, reported by `/settings`; default `'twilio'`. Nothing is sent
   * either way (SMS land in the outbox), but `''` means none is configured: then sending an SMS fails the
   * way GoTrue fails without one, `500` "Unable to get SMS provider" (measured on `POST /otp` for a phone).
   *
   * @example
   * const server = await startAuthServer({ smsProvider: '' })
   */
  smsProvider?: string
  /** Digits of email/SMS one-time codes; default 6. */
  otpLength?: number
  /** Seconds an email OTP/link stays valid; default 86400. */
  mailerOtpExpiry?: number
  /** Seconds an SMS OTP stays valid; default 60. */
  smsOtpExpiry?: number
  /** Minimum seconds between two emails of one kind to one user; default 60. */
  smtpMaxFrequency?: number
  /** Minimum seconds between two SMS to one user; default 60. */
  smsMaxFrequency?: number
  /** Global email budget per hour when autoconfirm is off; default unlimited (GoTrue: 30). */
  rateLimitEmailSent?: number
  /** Global SMS budget per hour when SMS autoconfirm is off; default unlimited (GoTrue: 30). */
  rateLimitSmsSent?: number
  /** Injectable clock in milliseconds; default `Date.now`. */
  now?: () => number
  /** JWT `iss`; default the server's `/auth/v1` URL. */
  issuer?: string
  /**
   * OAuth providers that are switched on, GoTrue `EXTERNAL_<PROVIDER>_ENABLED`: built-in names
   * (`github`, `google`, …, case-insensitive) and `custom:<id>` entries. Default: every built-in provider and
   * any `custom:<id>`, since the local server is itself the provider and needs no secrets. A provider that
   * is off answers `/authorize` with `400 validation_failed` "Unsupported provider: provider is not enabled"
   * and `grant_type=id_token` with `400 provider_disabled`.
   *
   * @example
   * const server = await startAuthServer({ externalProviders: ['github', 'custom:acme'] })
   */
  externalProviders?: string[]
  /**
   * The client id every provider is configured with (`EXTERNAL_<PROVIDER>_CLIENT_ID`): the `client_id` sent
   * to the built-in identity provider, and the audience an ID token needs for `grant_type=id_token`;
   * default `'local-auth-client'`.
   */
  oauthClientId?: string
  /**
   * The user the built-in identity provider signs in without asking; default none, which serves its HTML
   * form. `server.provider` changes this per test.
   *
   * @example
   * const server = await startAuthServer({ oauthUser: { sub: '1001', email: 'ada@example.com', name: 'Ada' } })
   */
  oauthUser?: ProviderUser
  /** SAML SSO (`GOTRUE_SAML_ENABLED`); default true. Off, `/sso*` answers `404 saml_provider_disabled`. */
  saml?: boolean
  /**
   * Manual identity linking (`GOTRUE_SECURITY_MANUAL_LINKING_ENABLED`); default true. Off, `/user/identities*`
   * answers `404 manual_linking_disabled`.
   */
  manualLinking?: boolean
}

/** The Supabase CLI's well-known local JWT secret. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'

export interface Config extends WebAuthnConfig, OAuthServerConfig, Web3Config {
  port: number
  jwtSecret: string
  jwtAlgorithm: JwtAlgorithm
  jwtExpiry: number
  siteUrl: string
  uriAllowList: string[]
  mailerAutoconfirm: boolean
  smsAutoconfirm: boolean
  phoneSignups: boolean
  anonymousSignIns: boolean
  disableSignup: boolean
  secureEmailChange: boolean
  refreshTokenRotation: boolean
  refreshTokenReuseInterval: number
  refreshTokenAlgorithmVersion: 0 | 1 | 2
  smsProvider: string
  passwordMinLength: number
  passwordRequiredCharacters: string[]
  passwordRequireReauthentication: boolean
  passwordRequireCurrentPassword: boolean
  mfaTotp: boolean
  mfaMaxEnrolledFactors: number
  mfaPhoneEnroll: boolean
  mfaPhoneVerify: boolean
  mfaPhoneOtpLength: number
  mfaPhoneMaxFrequency: number
  otpLength: number
  mailerOtpExpiry: number
  smsOtpExpiry: number
  smtpMaxFrequency: number
  smsMaxFrequency: number
  rateLimitEmailSent: number
  rateLimitSmsSent: number
  now: () => number
  /** Filled in once the port is known. */
  issuer: string
  /** `http://127.0.0.1:<port>/auth/v1`, filled in once listening. */
  url: string
  aud: string
  role: string
  flowStateExpiry: number
  mfaChallengeExpiry: number
  mfaFactorExpiry: number
  /** Lower-cased provider names, or `null` for every built-in and custom provider. */
  externalProviders: string[] | null
  oauthClientId: string
  oauthUser: ProviderUser | undefined
  saml: boolean
  manualLinking: boolean
}

/** Fills every option with its default; `url` and `issuer` are completed once the port is known. */
export function resolveOptions(o: AuthServerOptions = {}): Config {
  return {
    port: o.port ?? 0,
    jwtSecret: o.jwtSecret ?? DEFAULT_JWT_SECRET,
    jwtAlgorithm: o.jwtAlgorithm ?? 'HS256',
    jwtExpiry: o.jwtExpiry ?? 3600,
    siteUrl: o.siteUrl ?? 'http://localhost:3000',
    uriAllowList: o.uriAllowList ?? [],
    mailerAutoconfirm: o.mailerAutoconfirm ?? true,
    smsAutoconfirm: o.smsAutoconfirm ?? true,
    phoneSignups: o.phoneSignups ?? true,
    anonymousSignIns: o.anonymousSignIns ?? true,
    disableSignup: o.disableSignup ?? false,
    secureEmailChange: o.secureEmailChange ?? true,
    refreshTokenRotation: o.refreshTokenRotation ?? true,
    refreshTokenReuseInterval: o.refreshTokenReuseInterval ?? 10,
    refreshTokenAlgorithmVersion: o.refreshTokenAlgorithmVersion ?? 0,
    smsProvider: o.smsProvider ?? 'twilio',
    passwordMinLength: Math.max(6, o.passwordMinLength ?? 6),
    passwordRequiredCharacters: o.passwordRequiredCharacters ?? [],
    passwordRequireReauthentication: o.passwordRequireReauthentication ?? false,
    passwordRequireCurrentPassword: o.passwordRequireCurrentPassword ?? false,
    mfaTotp: o.mfaTotp ?? true,
    mfaMaxEnrolledFactors: o.mfaMaxEnrolledFactors ?? 10,
    mfaPhoneEnroll: o.mfaPhoneEnroll ?? false,
    mfaPhoneVerify: o.mfaPhoneVerify ?? false,
    mfaPhoneOtpLength: o.mfaPhoneOtpLength ?? 6,
    mfaPhoneMaxFrequency: o.mfaPhoneMaxFrequency ?? 60,
    otpLength: o.otpLength ?? 6,
    mailerOtpExpiry: o.mailerOtpExpiry ?? 86400,
    smsOtpExpiry: o.smsOtpExpiry ?? 60,
    smtpMaxFrequency: o.smtpMaxFrequency ?? 60,
    smsMaxFrequency: o.smsMaxFrequency ?? 60,
    rateLimitEmailSent: o.rateLimitEmailSent ?? Number.POSITIVE_INFINITY,
    rateLimitSmsSent: o.rateLimitSmsSent ?? Number.POSITIVE_INFINITY,
    now: o.now ?? Date.now,
    issuer: o.issuer ?? '',
    url: '',
    aud: 'authenticated',
    role: 'authenticated',
    flowStateExpiry: 300,
    mfaChallengeExpiry: 300,
    mfaFactorExpiry: 300,
    externalProviders: o.externalProviders?.map((p) => p.toLowerCase()) ?? null,
    oauthClientId: o.oauthClientId ?? 'local-auth-client',
    oauthUser: o.oauthUser,
    saml: o.saml ?? true,
    manualLinking: o.manualLinking ?? true,
    ...resolveWebAuthnOptions(o),
    ...resolveWeb3Options(o),
    ...resolveOAuthServerOptions(o),
  }
}
