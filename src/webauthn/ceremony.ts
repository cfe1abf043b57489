/**
 * The browser ceremonies: `navigator.credentials.create` and `.get`, one at a time. A page can have only
 * one WebAuthn prompt; starting a second ceremony while one is pending makes the browser refuse it, so a
 * new ceremony first aborts the one before (its caller gets `ERROR_CEREMONY_ABORTED`) — unless the caller
 * manages cancellation with a signal of its own.
 * @module
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../api/webauthn-wire.js'
import { AuthError } from '../errors.js'
import { ceremonyError, WebAuthnError } from './errors.js'
import { authenticationToJson, registrationToJson } from './json.js'

/** The part of `navigator.credentials` a ceremony uses; outside a browser, pass one (a test authenticator, a native bridge). */
export interface CredentialsLike {
  create(options: CredentialCreationOptions): Promise<Credential | null>
  get(options: CredentialRequestOptions): Promise<Credential | null>
}

let pending: AbortController | undefined

/** The signal for a new ceremony: the caller's own, or one that the next ceremony will abort. */
function ceremonySignal(own: AbortSignal | undefined): AbortSignal {
  if (own !== undefined) return own
  pending?.abort(new DOMException('Cancelled for a newer WebAuthn ceremony', 'AbortError'))
  pending = new AbortController()
  return pending.signal
}

/**
 * Cancels the ceremony in progress (started without a signal of its own), e.g. when the user leaves the form.
 *
 * @example
 * ```ts
 * onDestroy(() => cancelCeremony())
 * ```
 */
export function cancelCeremony(): void {
  pending?.abort(new DOMException('The WebAuthn ceremony was cancelled', 'AbortError'))
  pending = undefined
}

/**
 * True where this page can run WebAuthn ceremonies (a browser with `PublicKeyCredential`).
 *
 * @example
 * ```ts
 * if (browserSupportsWebAuthn()) showPasskeyButton()
 * ```
 */
export function browserSupportsWebAuthn(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function' && typeof globalThis.navigator?.credentials?.create === 'function'
}

/** The credentials container to use: the one given, or the browser's; none is a typed error. */
export function credentialsOf(given: CredentialsLike | undefined): CredentialsLike {
  if (given !== undefined) return given
  if (browserSupportsWebAuthn()) return globalThis.navigator.credentials
  throw new AuthError('This environment does not support WebAuthn; pass `credentials` to use another authenticator', undefined, 'webauthn_unsupported')
}

function asPublicKeyCredential(credential: Credential | null, what: string): PublicKeyCredential {
  const candidate = credential as PublicKeyCredential | null
  // `== null`: an authenticator stand-in (a native bridge) may answer `undefined` rather than `null`.
  if (candidate == null || candidate.type !== 'public-key' || typeof candidate.rawId !== 'object' || typeof candidate.response !== 'object') {
    throw new WebAuthnError(`The authenticator returned no ${what}`, 'ERROR_AUTHENTICATOR_GENERAL_ERROR', credential)
  }
  return candidate
}

/**
 * Makes a new credential; resolves with it as JSON for the server.
 *
 * @example
 * const json = await createCredential(credentialsOf(undefined), publicKey, undefined)
 */
export async function createCredential(
  credentials: CredentialsLike,
  publicKey: PublicKeyCredentialCreationOptions,
  own: AbortSignal | undefined,
): Promise<RegistrationResponseJSON> {
  const signal = ceremonySignal(own)
  let credential: Credential | null
  try {
    credential = await credentials.create({ publicKey, signal })
  } catch (cause) {
    throw ceremonyError(cause, { kind: 'create', publicKey, signal })
  }
  return registrationToJson(asPublicKeyCredential(credential, 'credential'))
}

/**
 * Asks an authenticator to sign the challenge; resolves with the assertion as JSON for the server.
 * `mediation: 'conditional'` waits for the user to pick a passkey from the browser's autofill.
 *
 * @example
 * const json = await getCredential(credentialsOf(undefined), publicKey, undefined)
 */
export async function getCredential(
  credentials: CredentialsLike,
  publicKey: PublicKeyCredentialRequestOptions,
  own: AbortSignal | undefined,
  mediation?: CredentialMediationRequirement,
): Promise<AuthenticationResponseJSON> {
  const signal = ceremonySignal(own)
  let credential: Credential | null
  try {
    credential = await credentials.get({ publicKey, signal, ...(mediation === undefined ? {} : { mediation }) })
  } catch (cause) {
    throw ceremonyError(cause, { kind: 'get', publicKey, signal })
  }
  return authenticationToJson(asPublicKeyCredential(credential, 'assertion'))
}
