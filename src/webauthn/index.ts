/**
 * `supabase-auth-machine/webauthn`: WebAuthn second factors and passkeys, in an entry of their own so the
 * apps that use neither do not carry them. auth-js's `auth.mfa.webauthn.x()` is `webauthn(auth).x()` here,
 * `auth.passkey.x()` is `passkey(auth).x()`, and `auth.signInWithPasskey()` / `auth.registerPasskey()` are
 * `signInWithPasskey(auth)` / `registerPasskey(auth)`. Ceremonies use the browser's `navigator.credentials`,
 * one at a time; elsewhere pass `credentials` (a native bridge, a test authenticator).
 *
 * @example
 * ```ts
 * import { signInWithPasskey, webauthn } from 'supabase-auth-machine/webauthn'
 * await signInWithPasskey(auth)                                     // passwordless
 * await webauthn(auth).register({ friendlyName: 'YubiKey' })        // a security key as second factor
 * if (auth.snapshot.status === 'mfaChallenge') await webauthn(auth).authenticate({ factorId })
 * ```
 * @module
 */
import type { AuthClient } from '../client/auth-client.js'
import { coreOf } from '../client/core-key.js'
import type { AuthResponse } from '../client/types.js'
import type { Passkey } from '../api/passkeys.js'
import type { CredentialsLike } from './ceremony.js'
import { WebAuthnFactorApi } from './factor-api.js'
import { PasskeyApi, type SignInWithPasskeyOptions } from './passkey-api.js'

export { browserSupportsWebAuthn, cancelCeremony, type CredentialsLike } from './ceremony.js'
export { isWebAuthnError, WebAuthnError } from './errors.js'
export { authenticationToJson, creationOptionsFromJson, registrationToJson, requestOptionsFromJson } from './json.js'
export { WebAuthnFactorApi, type AnsweredChallenge, type CeremonyOverrides } from './factor-api.js'
export { PasskeyApi, type SignInWithPasskeyOptions } from './passkey-api.js'
export type { CeremonyParams } from './relying-party.js'
export type { Passkey, PasskeyChallenge } from '../api/passkeys.js'
export type {
  AuthenticationResponseJSON,
  CreationOptionsJSON,
  CredentialDescriptorJSON,
  FactorChallengeWebAuthn,
  FactorVerifyWebAuthn,
  RegistrationResponseJSON,
  RelyingParty,
  RequestOptionsJSON,
} from '../api/webauthn-wire.js'
export type { WebAuthnEnrollResponse } from '../api/mfa.js'
export type { WebAuthnErrorCode } from '../errors.js'

/** Where ceremonies run: the browser's `navigator.credentials` unless given. */
export interface WebAuthnOptions {
  credentials?: CredentialsLike
}

/**
 * The WebAuthn second factors of `auth`'s user (auth-js's `auth.mfa.webauthn`).
 *
 * @example
 * ```ts
 * await webauthn(auth).register({ friendlyName: 'YubiKey' })
 * ```
 */
export function webauthn(auth: AuthClient, options?: WebAuthnOptions): WebAuthnFactorApi {
  return new WebAuthnFactorApi(coreOf(auth), options?.credentials)
}

/**
 * The passkeys of `auth`'s user, and the halves of each passkey ceremony (auth-js's `auth.passkey`).
 *
 * @example
 * ```ts
 * const passkeys = await passkey(auth).list()
 * ```
 */
export function passkey(auth: AuthClient, options?: WebAuthnOptions): PasskeyApi {
  return new PasskeyApi(coreOf(auth), options?.credentials)
}

/**
 * Signs in with a passkey: no password, no email. GoTrue needs `GOTRUE_PASSKEY_ENABLED`.
 *
 * @example
 * ```ts
 * const { session } = await signInWithPasskey(auth)
 * await signInWithPasskey(auth, { options: { mediation: 'conditional' } })   // from the autofill
 * ```
 */
export async function signInWithPasskey(auth: AuthClient, params?: { options?: SignInWithPasskeyOptions & WebAuthnOptions }): Promise<AuthResponse> {
  return passkey(auth, params?.options).signIn(params?.options)
}

/**
 * Registers a new passkey for the signed-in user.
 *
 * @example
 * ```ts
 * const { id, friendly_name } = await registerPasskey(auth)
 * ```
 */
export async function registerPasskey(auth: AuthClient, params?: { options?: { signal?: AbortSignal } & WebAuthnOptions }): Promise<Passkey> {
  return passkey(auth, params?.options).register(params?.options)
}
