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

export interface FactorRow {
  id: string
  userId: string
  friendlyName: string
  factorType: 'totp'
  status: 'unverified' | 'verified'
  secret: string
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
}

export type AuthMethod = 'email/signup' | 'magiclink' | 'recovery' | 'email_change' | 'invite'

export interface FlowStateRow {
  id: string
  userId: string
  authCode: string
  codeChallenge: string
  codeChallengeMethod: 's256' | 'plain'
  providerType: string
  authMethod: AuthMethod
  createdAt: number
  authCodeIssuedAt?: number
}
