/**
 * The option documents a ceremony starts with (`navigator.credentials.create/get` over JSON), shaped as
 * go-webauthn renders them for GoTrue: empty credential lists are left out, times are milliseconds.
 * Building them needs no library, so a challenge works even without `@simplewebauthn/server`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { WebAuthnConfig } from '../config/webauthn-options.js'
import { isUuid } from '../crypto/hash.js'
import type { UserRow, WebAuthnCredential } from '../store/records.js'

/** Who credentials are scoped to, and where ceremonies may run. */
export interface RelyingParty {
  id: string
  name: string
  origins: string[]
}

export interface CredentialDescriptorJSON {
  type: 'public-key'
  /** Base64url. */
  id: string
  transports?: string[]
}

export interface UserEntityJSON {
  /** Base64url of the user handle. */
  id: string
  name: string
  displayName: string
}

export interface AuthenticatorSelectionJSON {
  requireResidentKey: boolean
  residentKey: 'required' | 'discouraged'
  userVerification: 'preferred'
}

/** `PublicKeyCredentialCreationOptionsJSON`. */
export interface CreationOptionsJSON {
  rp: { name: string; id: string }
  user: UserEntityJSON
  challenge: string
  pubKeyCredParams: Array<{ type: 'public-key'; alg: number }>
  timeout: number
  excludeCredentials?: CredentialDescriptorJSON[]
  authenticatorSelection: AuthenticatorSelectionJSON
  attestation: 'none'
}

/** `PublicKeyCredentialRequestOptionsJSON`. */
export interface RequestOptionsJSON {
  challenge: string
  timeout: number
  rpId: string
  allowCredentials?: CredentialDescriptorJSON[]
  userVerification: 'preferred'
}

/** go-webauthn's default key types, in its order: ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA. */
export const SUPPORTED_ALGORITHMS: readonly number[] = [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8]

// go-webauthn's default ceremony timeout when user verification is not discouraged.
const TIMEOUT_MS = 300_000

/**
 * The relying party the server is configured as.
 *
 * @example
 * relyingParty(ctx.cfg)   // { id: 'localhost', name: 'Supabase Auth', origins: ['http://localhost:3000'] }
 */
export function relyingParty(cfg: WebAuthnConfig): RelyingParty {
  return { id: cfg.webauthnRpId, name: cfg.webauthnRpDisplayName, origins: cfg.webauthnRpOrigins }
}

/**
 * A fresh challenge: 32 random bytes, base64url, as go-webauthn makes them.
 *
 * @example
 * const challenge = newChallenge()   // 43 characters
 */
export function newChallenge(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * The user as authenticators see them. The handle is the UTF-8 text of the user's id (GoTrue's
 * `WebAuthnID`), which is how a passkey assertion names its user again.
 *
 * @example
 * userEntity(user).id   // base64url('3f0c…-…')
 */
export function userEntity(user: UserRow): UserEntityJSON {
  const name = user.email || user.phone
  const metaName = user.userMetadata?.name
  return {
    id: Buffer.from(user.id, 'utf8').toString('base64url'),
    name,
    displayName: typeof metaName === 'string' && metaName !== '' ? metaName : name,
  }
}

/**
 * The user id an assertion's `userHandle` names, or `undefined` when it names none.
 *
 * @example
 * userIdFromHandle(userEntity(user).id) === user.id   // true
 */
export function userIdFromHandle(handle: string | undefined): string | undefined {
  if (!handle) return undefined
  const text = Buffer.from(handle, 'base64url').toString('utf8')
  return isUuid(text) ? text.toLowerCase() : undefined
}

/**
 * A descriptor naming a stored credential; `transports` replaces the stored ones when given (GoTrue's
 * MFA exclusion list always says `usb`, `nfc`).
 *
 * @example
 * descriptor(factor.webauthnCredential!)   // { type: 'public-key', id: '…', transports: ['internal'] }
 */
export function descriptor(credential: WebAuthnCredential, transports = credential.transports): CredentialDescriptorJSON {
  return transports.length > 0 ? { type: 'public-key', id: credential.id, transports } : { type: 'public-key', id: credential.id }
}

/**
 * Options for `navigator.credentials.create`. Passkeys need a resident (discoverable) key; MFA factors
 * do not ask for one.
 *
 * @example
 * const options = creationOptions(relyingParty(ctx.cfg), user, newChallenge(), [], 'required')
 */
export function creationOptions(
  rp: RelyingParty,
  user: UserRow,
  challenge: string,
  exclude: CredentialDescriptorJSON[],
  residentKey: 'required' | 'discouraged',
): CreationOptionsJSON {
  return {
    rp: { name: rp.name, id: rp.id },
    user: userEntity(user),
    challenge,
    pubKeyCredParams: SUPPORTED_ALGORITHMS.map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: TIMEOUT_MS,
    ...(exclude.length > 0 ? { excludeCredentials: exclude } : {}),
    authenticatorSelection: { requireResidentKey: residentKey === 'required', residentKey, userVerification: 'preferred' },
    attestation: 'none',
  }
}

/**
 * Options for `navigator.credentials.get`; no allowed credentials means a discoverable (passkey) login.
 *
 * @example
 * const options = requestOptions(relyingParty(ctx.cfg), newChallenge(), [])
 */
export function requestOptions(rp: RelyingParty, challenge: string, allow: CredentialDescriptorJSON[]): RequestOptionsJSON {
  return {
    challenge,
    timeout: TIMEOUT_MS,
    rpId: rp.id,
    ...(allow.length > 0 ? { allowCredentials: allow } : {}),
    userVerification: 'preferred',
  }
}
