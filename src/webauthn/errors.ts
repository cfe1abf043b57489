/**
 * What a failed browser ceremony means. The browser reports a `DOMException` whose name alone is vague
 * (`NotAllowedError` is both "cancelled" and "timed out"); with the options that were asked for, the name
 * says more. The codes and the reading of each name are auth-js's (from SimpleWebAuthn's browser library).
 * @module
 */
import { AuthError, type WebAuthnErrorCode } from '../errors.js'

/**
 * A WebAuthn ceremony failed in the browser (or the authenticator). `code` says why; `cause` holds the
 * browser's own error.
 *
 * @example
 * ```ts
 * try { await signInWithPasskey(auth) } catch (error) {
 *   if (isWebAuthnError(error) && error.code === 'ERROR_CEREMONY_ABORTED') return   // replaced by a newer prompt
 * }
 * ```
 */
export class WebAuthnError extends AuthError {
  override readonly name = 'WebAuthnError'
  declare readonly code: WebAuthnErrorCode
  constructor(message: string, code: WebAuthnErrorCode, cause?: unknown) {
    super(message, undefined, code, { cause })
  }
}

/** True for a {@link WebAuthnError} (realm-safe: checks the name, not the class). */
export function isWebAuthnError(error: unknown): error is WebAuthnError {
  return error instanceof Error && error.name === 'WebAuthnError' && 'code' in error
}

/** auth-js's rule: `localhost`, or a dotted name whose last label is letters. */
function isValidDomain(hostname: string): boolean {
  return hostname === 'localhost' || /^([a-z0-9]+(-[a-z0-9]+)*\.)+[a-z]{2,}$/i.test(hostname)
}

/** The ceremony that failed, with what it asked for. */
export type FailedCeremony =
  | { kind: 'create'; publicKey: PublicKeyCredentialCreationOptions; signal: AbortSignal }
  | { kind: 'get'; publicKey: PublicKeyCredentialRequestOptions; signal: AbortSignal }

function rpIdOf(ceremony: FailedCeremony): string | undefined {
  return ceremony.kind === 'create' ? ceremony.publicKey.rp.id : ceremony.publicKey.rpId
}

function securityError(ceremony: FailedCeremony, cause: unknown): WebAuthnError | undefined {
  const hostname = globalThis.location?.hostname ?? ''
  if (!isValidDomain(hostname)) return new WebAuthnError(`${hostname || 'This page'} is not a valid domain for WebAuthn`, 'ERROR_INVALID_DOMAIN', cause)
  const rpId = rpIdOf(ceremony)
  if (rpId !== hostname) return new WebAuthnError(`The RP ID "${rpId ?? ''}" is invalid for this domain`, 'ERROR_INVALID_RP_ID', cause)
  return undefined
}

function createError(name: string, publicKey: PublicKeyCredentialCreationOptions, cause: unknown): WebAuthnError | undefined {
  const selection = publicKey.authenticatorSelection
  switch (name) {
    case 'ConstraintError':
      if (selection?.requireResidentKey === true) {
        return new WebAuthnError('Discoverable credentials were required but no available authenticator supported it', 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT', cause)
      }
      if (selection?.userVerification === 'required') {
        return new WebAuthnError('User verification was required but no available authenticator supported it', 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT', cause)
      }
      return undefined
    case 'InvalidStateError':
      return new WebAuthnError('The authenticator was previously registered', 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED', cause)
    case 'NotSupportedError':
      if (!publicKey.pubKeyCredParams.some((param) => param.type === 'public-key')) {
        return new WebAuthnError('No entry in pubKeyCredParams was of type "public-key"', 'ERROR_MALFORMED_PUBKEYCREDPARAMS', cause)
      }
      return new WebAuthnError('No available authenticator supported any of the specified pubKeyCredParams algorithms', 'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG', cause)
    case 'TypeError': {
      const length = (publicKey.user.id as ArrayBuffer).byteLength
      return length < 1 || length > 64 ? new WebAuthnError('User ID was not between 1 and 64 bytes', 'ERROR_INVALID_USER_ID_LENGTH', cause) : undefined
    }
    default:
      return undefined
  }
}

/**
 * The typed error for a ceremony that threw `cause`.
 *
 * @example
 * const error = ceremonyError(caught, { kind: 'get', publicKey, signal })
 */
export function ceremonyError(cause: unknown, ceremony: FailedCeremony): WebAuthnError {
  const name = cause instanceof Error || cause instanceof DOMException ? cause.name : ''
  const message = cause instanceof Error || cause instanceof DOMException ? cause.message : String(cause)
  const what = ceremony.kind === 'create' ? 'Registration' : 'Authentication'
  let known: WebAuthnError | undefined
  if (name === 'AbortError' || ceremony.signal.aborted) known = new WebAuthnError(`${what} ceremony was sent an abort signal`, 'ERROR_CEREMONY_ABORTED', cause)
  else if (name === 'SecurityError') known = securityError(ceremony, cause)
  else if (name === 'UnknownError') {
    known = new WebAuthnError('The authenticator was unable to process the specified options, or could not create a new credential', 'ERROR_AUTHENTICATOR_GENERAL_ERROR', cause)
  } else if (ceremony.kind === 'create') known = createError(name, ceremony.publicKey, cause)
  // NotAllowedError (cancelled, timed out, no matching credential) is passed through with the browser's words.
  return known ?? new WebAuthnError(message || `${what} ceremony failed`, 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY', cause)
}
