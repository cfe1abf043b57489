/**
 * Reading an authenticator's response (the JSON a browser's `PublicKeyCredential.toJSON()` gives) before
 * verifying it. GoTrue separates the two steps too: a response go-webauthn cannot parse is a bad request,
 * one that parses but does not verify is refused differently, so the split decides the error a client sees.
 * @module
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { CredentialParseError } from './errors.js'
import { loadSimpleWebAuthn } from './library.js'

export interface ParsedRegistration {
  response: RegistrationResponseJSON
}

export interface ParsedAssertion {
  response: AuthenticationResponseJSON
  /** The credential id, base64url. */
  credentialId: string
  /** Base64url; present for discoverable credentials. */
  userHandle: string | undefined
}

type Fields = Record<string, unknown>

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function base64url(fields: Fields, key: string): string {
  const value = fields[key]
  if (typeof value !== 'string' || !BASE64URL.test(value)) throw new CredentialParseError(`${key} is not base64url`)
  return value
}

function bytes(value: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(value, 'base64url'))
}

/** The fields both ceremonies share: ids, type and a client data document that is JSON. */
function envelope(raw: unknown): { id: string; response: Fields; extensions: Fields; attachment: string | undefined } {
  if (!isObject(raw)) throw new CredentialParseError('credential is not an object')
  const id = base64url(raw, 'id')
  if (raw.rawId !== id) throw new CredentialParseError('rawId does not match id')
  if (raw.type !== 'public-key') throw new CredentialParseError('type is not public-key')
  const response = raw.response
  if (!isObject(response)) throw new CredentialParseError('response is missing')
  let clientData: unknown
  try {
    clientData = JSON.parse(Buffer.from(base64url(response, 'clientDataJSON'), 'base64url').toString('utf8'))
  } catch {
    throw new CredentialParseError('clientDataJSON is not JSON')
  }
  if (!isObject(clientData) || ['type', 'challenge', 'origin'].some((k) => typeof clientData[k] !== 'string')) {
    throw new CredentialParseError('clientDataJSON lacks type, challenge or origin')
  }
  const extensions = isObject(raw.clientExtensionResults) ? raw.clientExtensionResults : {}
  const attachment = typeof raw.authenticatorAttachment === 'string' ? raw.authenticatorAttachment : undefined
  return { id, response, extensions, attachment }
}

/**
 * A registration (`navigator.credentials.create`) response: client data, a CBOR attestation object whose
 * authenticator data carries a new credential. Throws {@link CredentialParseError} for anything else.
 *
 * @example
 * const parsed = await parseRegistration(body.credential)
 */
export async function parseRegistration(raw: unknown): Promise<ParsedRegistration> {
  const { helpers } = await loadSimpleWebAuthn()
  const { id, response, extensions, attachment } = envelope(raw)
  const attestationObject = base64url(response, 'attestationObject')
  try {
    const decoded = helpers.decodeAttestationObject(bytes(attestationObject))
    const authData = helpers.parseAuthenticatorData(decoded.get('authData'))
    if (typeof decoded.get('fmt') !== 'string' || !authData.credentialID || !authData.credentialPublicKey) throw new Error('no credential')
  } catch {
    throw new CredentialParseError('attestationObject does not hold a credential')
  }
  const transports = Array.isArray(response.transports) ? response.transports.filter((t): t is string => typeof t === 'string') : []
  return {
    response: {
      id,
      rawId: id,
      type: 'public-key',
      response: { clientDataJSON: base64url(response, 'clientDataJSON'), attestationObject, transports },
      clientExtensionResults: extensions,
      ...(attachment === 'platform' || attachment === 'cross-platform' ? { authenticatorAttachment: attachment } : {}),
    },
  }
}

/**
 * An assertion (`navigator.credentials.get`) response: client data, authenticator data, a signature and,
 * for discoverable credentials, the user handle. Throws {@link CredentialParseError} for anything else.
 *
 * @example
 * const { credentialId, userHandle } = await parseAssertion(body.credential)
 */
export async function parseAssertion(raw: unknown): Promise<ParsedAssertion> {
  const { helpers } = await loadSimpleWebAuthn()
  const { id, response, extensions, attachment } = envelope(raw)
  const authenticatorData = base64url(response, 'authenticatorData')
  try {
    helpers.parseAuthenticatorData(bytes(authenticatorData))
  } catch {
    throw new CredentialParseError('authenticatorData is malformed')
  }
  const signature = base64url(response, 'signature')
  const handle = response.userHandle
  if (handle !== undefined && handle !== null && (typeof handle !== 'string' || (handle !== '' && !BASE64URL.test(handle)))) {
    throw new CredentialParseError('userHandle is not base64url')
  }
  const userHandle = typeof handle === 'string' && handle !== '' ? handle : undefined
  return {
    credentialId: id,
    userHandle,
    response: {
      id,
      rawId: id,
      type: 'public-key',
      response: { clientDataJSON: base64url(response, 'clientDataJSON'), authenticatorData, signature, ...(userHandle ? { userHandle } : {}) },
      clientExtensionResults: extensions,
      ...(attachment === 'platform' || attachment === 'cross-platform' ? { authenticatorAttachment: attachment } : {}),
    },
  }
}
