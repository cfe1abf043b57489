/**
 * The WebAuthn JSON shapes GoTrue sends and expects (WebAuthn Level 3 `*JSON` types): binary fields are
 * base64url strings. The browser's own types use `ArrayBuffer`s; `src/webauthn/json.ts` converts.
 * @module
 */

/** A credential the ceremony should (or should not) use. */
export interface CredentialDescriptorJSON {
  id: string
  type: 'public-key'
  transports?: string[]
}

/** Registration options (`navigator.credentials.create({ publicKey })`), as JSON. */
export interface CreationOptionsJSON {
  rp: { id?: string; name: string }
  user: { id: string; name: string; displayName: string }
  challenge: string
  pubKeyCredParams: { type: 'public-key'; alg: number }[]
  timeout?: number
  excludeCredentials?: CredentialDescriptorJSON[]
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform'
    requireResidentKey?: boolean
    residentKey?: 'discouraged' | 'preferred' | 'required'
    userVerification?: 'discouraged' | 'preferred' | 'required'
  }
  attestation?: 'none' | 'indirect' | 'direct' | 'enterprise'
  hints?: string[]
  extensions?: Record<string, unknown>
}

/** Assertion options (`navigator.credentials.get({ publicKey })`), as JSON. */
export interface RequestOptionsJSON {
  challenge: string
  timeout?: number
  rpId?: string
  allowCredentials?: CredentialDescriptorJSON[]
  userVerification?: 'discouraged' | 'preferred' | 'required'
  hints?: string[]
  extensions?: Record<string, unknown>
}

/** What `navigator.credentials.create` made, as JSON. */
export interface RegistrationResponseJSON {
  id: string
  rawId: string
  type: 'public-key'
  response: { clientDataJSON: string; attestationObject: string; transports?: string[] }
  authenticatorAttachment?: string
  clientExtensionResults: Record<string, unknown>
}

/** What `navigator.credentials.get` returned, as JSON. */
export interface AuthenticationResponseJSON {
  id: string
  rawId: string
  type: 'public-key'
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string }
  authenticatorAttachment?: string
  clientExtensionResults: Record<string, unknown>
}

/** The relying party a WebAuthn factor's ceremony is for (auth-js sends it with challenge and verify). */
export interface RelyingParty {
  /** The RP ID: the page's registrable domain, e.g. `example.com` (auth-js: `location.hostname`). */
  rpId: string
  /** Origins the credential may be used from (auth-js: `[location.origin]`). */
  rpOrigins?: string[]
}

/** The WebAuthn part of a factor challenge: registration for an unverified factor, assertion for a verified one. */
export type FactorChallengeWebAuthn =
  | { type: 'create'; credential_options: { publicKey: CreationOptionsJSON } }
  | { type: 'request'; credential_options: { publicKey: RequestOptionsJSON } }

/** What a WebAuthn factor's verify sends: the ceremony's result for the challenge's type. */
export type FactorVerifyWebAuthn = RelyingParty &
  (
    | { type: 'create'; credential_response: RegistrationResponseJSON }
    | { type: 'request'; credential_response: AuthenticationResponseJSON }
  )
