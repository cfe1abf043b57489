/**
 * Row shapes of the in-memory store. Times are epoch milliseconds; they become RFC 3339 only when serialized.
 * @module
 */

export type Json = Record<string, unknown>

export interface UserRow {
  id: string
  aud: string
  role: string
  email: string
  phone: string
  passwordHash: string | null
  emailConfirmedAt?: number
  phoneConfirmedAt?: number
  invitedAt?: number
  confirmationSentAt?: number
  recoverySentAt?: number
  newEmail?: string
  emailChangeSentAt?: number
  newPhone?: string
  phoneChangeSentAt?: number
  reauthenticationSentAt?: number
  lastSignInAt?: number
  bannedUntil?: number
  deletedAt?: number
  createdAt: number
  updatedAt: number
  appMetadata: Json
  /** `null` only for admin users created from a password hash without metadata. */
  userMetadata: Json | null
  isAnonymous: boolean
  /** Created by SAML SSO: kept apart from password sign-in and email lookups, as GoTrue's `is_sso_user`. */
  isSsoUser?: boolean
  // One-time token hashes, as GoTrue keeps them on the user row (PKCE ones carry the `pkce_` prefix).
  confirmationToken: string
  recoveryToken: string
  emailChangeTokenCurrent: string
  emailChangeTokenNew: string
  emailChangeConfirmStatus: 0 | 1
  phoneChangeToken: string
  reauthenticationToken: string
}

/** True while `banned_until` is in the future at `now` (the server clock). */
export function isBanned(user: UserRow, now: number): boolean {
  return user.bannedUntil !== undefined && user.bannedUntil > now
}

export interface IdentityRow {
  identityId: string
  providerId: string
  userId: string
  provider: string
  identityData: Json
  lastSignInAt?: number
  createdAt: number
  updatedAt: number
}

export interface AmrEntry {
  method: string
  timestamp: number
  /** Only for `sso/saml`: the SSO provider's id. */
  provider?: string
}

export interface SessionRow {
  id: string
  userId: string
  createdAt: number
  updatedAt: number
  refreshedAt?: number
  factorId?: string
  /** Insertion order; serialized newest first. */
  amr: AmrEntry[]
  userAgent: string
  ip: string
  /** Refresh-token algorithm v2 only: the key that signs the session's tokens, and the current counter. */
  refreshTokenHmacKey?: Buffer
  refreshTokenCounter?: number
  /** Sessions the OAuth 2.1 server issued to a third-party app: the app (only it may refresh) and the granted scopes. */
  oauthClientId?: string
  scopes?: string
}

/** A legacy (algorithm v0/v1) refresh token: one row per token, chained by `parent`. */
export interface RefreshTokenRow {
  seq: number
  token: string
  sessionId: string
  userId: string
  parent: string | null
  revoked: boolean
  createdAt: number
  updatedAt: number
}

/** A WebAuthn public-key credential as the server keeps it, for MFA factors and passkeys alike. */
export interface WebAuthnCredential {
  /** Credential id, base64url. */
  id: string
  /** The COSE-encoded public key. */
  publicKey: Uint8Array
  /** COSE algorithm of the key (-7 ES256, -257 RS256, …). */
  alg: number
  /** The authenticator's signature counter as last seen. */
  counter: number
  transports: string[]
  /** The authenticator model, in UUID form; all zeros when it keeps that to itself. */
  aaguid: string
  backupEligible: boolean
  backedUp: boolean
}

export interface FactorRow {
  id: string
  userId: string
  friendlyName: string
  factorType: 'totp' | 'phone' | 'webauthn'
  status: 'unverified' | 'verified'
  /** TOTP secret; `''` for phone and WebAuthn factors. */
  secret: string
  /** Phone factors: digits without `+`, as GoTrue stores them. */
  phone?: string
  /** WebAuthn factors, once verified: the credential registered with them. */
  webauthnCredential?: WebAuthnCredential
  createdAt: number
  updatedAt: number
  lastChallengedAt?: number
}

export interface ChallengeRow {
  id: string
  factorId: string
  createdAt: number
  verifiedAt?: number
  ip: string
  /** Phone factors: the code that was sent. */
  otp?: string
  /** WebAuthn factors: the ceremony the challenge started and the challenge the response must sign. */
  webauthn?: { type: 'create' | 'request'; challenge: string }
}

/** A passkey: a discoverable credential that signs a user in by itself. Not an MFA factor. */
export interface PasskeyRow {
  id: string
  userId: string
  credential: WebAuthnCredential
  /** `''` when none; omitted from the JSON then. */
  friendlyName: string
  createdAt: number
  updatedAt: number
  lastUsedAt?: number
}

/** A pending passkey ceremony (GoTrue's `webauthn_challenges`); used once, whatever the outcome. */
export interface PasskeyChallengeRow {
  id: string
  /** Registration: the user adding a passkey. Authentication: none, the credential names the user. */
  userId?: string
  type: 'registration' | 'authentication'
  /** Base64url; what `clientDataJSON.challenge` must be. */
  challenge: string
  expiresAt: number
}

export type AuthMethod = 'email/signup' | 'magiclink' | 'recovery' | 'email_change' | 'invite' | 'oauth' | 'sso/saml'

export interface FlowStateRow {
  id: string
  /** Set at creation by email flows; OAuth and SSO flows get it from the provider's answer. */
  userId?: string
  /** `''` for implicit flows, which `grant_type=pkce` can never redeem. */
  authCode: string
  codeChallenge: string
  codeChallengeMethod: 's256' | 'plain' | ''
  providerType: string
  authMethod: AuthMethod
  createdAt: number
  authCodeIssuedAt?: number
  /** OAuth and SSO flows only. */
  external?: ExternalFlow
}

/** What an OAuth or SSO flow carries from its start to the provider's answer. */
export interface ExternalFlow {
  /** The validated `redirect_to`: where the app gets the result. */
  referrer: string
  /** `/user/identities/authorize`: the user the new identity is linked to. */
  linkTargetId?: string
  inviteToken?: string
  ssoProviderId?: string
  providerAccessToken?: string
  providerRefreshToken?: string
}

export interface SsoProviderRow {
  id: string
  resourceId?: string
  /** `undefined` until set, as GoTrue's nullable column (and then omitted from the JSON). */
  disabled?: boolean
  entityId: string
  metadataXml: string
  metadataUrl?: string
  attributeMapping: Json
  nameIdFormat?: string
  /** Lower-cased. */
  domains: string[]
  createdAt: number
  updatedAt: number
}
