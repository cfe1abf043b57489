/**
 * Between GoTrue's WebAuthn JSON and the browser's objects: options in (base64url → `ArrayBuffer`), credentials
 * out (`ArrayBuffer` → base64url). Written out rather than using `PublicKeyCredential.parse*FromJSON` and
 * `toJSON`, which older browsers lack, so one code path runs everywhere (and in Node, with a test authenticator).
 * @module
 */
import type {
  AuthenticationResponseJSON,
  CreationOptionsJSON,
  CredentialDescriptorJSON,
  RegistrationResponseJSON,
  RequestOptionsJSON,
} from '../api/webauthn-wire.js'
import { malformedResponse } from '../api/session-response.js'
import { base64UrlToBytes, bytesToBase64Url } from '../encoding/base64url.js'

function toBuffer(value: string): ArrayBuffer {
  const bytes = base64UrlToBytes(value)
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/**
 * Runs a conversion of options the server sent. They are checked only as far as the ceremony needs them,
 * so whatever else is wrong with them (a `user` missing, `allowCredentials` that is not a list, a descriptor
 * that is `null`) meets the conversion: that is the server's malformed answer, never a `TypeError`.
 */
function fromServer<T>(convert: () => T): T {
  try {
    return convert()
  } catch {
    throw malformedResponse('WebAuthn options')
  }
}

function toBase64Url(value: ArrayBuffer | ArrayBufferView): string {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return bytesToBase64Url(bytes)
}

function descriptors(list: CredentialDescriptorJSON[] | undefined): PublicKeyCredentialDescriptor[] | undefined {
  return list?.map((d) => ({ ...d, id: toBuffer(d.id), transports: d.transports as AuthenticatorTransport[] | undefined }))
}

/**
 * Registration options ready for `navigator.credentials.create({ publicKey })`.
 *
 * @example
 * const publicKey = creationOptionsFromJson(challenge.webauthn.credential_options.publicKey)
 */
export function creationOptionsFromJson(json: CreationOptionsJSON): PublicKeyCredentialCreationOptions {
  return fromServer(() => {
    const { challenge, user, excludeCredentials, ...rest } = json
    return {
      ...rest,
      challenge: toBuffer(challenge),
      user: { ...user, id: toBuffer(user.id) },
      ...(excludeCredentials === undefined ? {} : { excludeCredentials: descriptors(excludeCredentials) }),
    }
  })
}

/**
 * Assertion options ready for `navigator.credentials.get({ publicKey })`.
 *
 * @example
 * const publicKey = requestOptionsFromJson(challenge.options)
 */
export function requestOptionsFromJson(json: RequestOptionsJSON): PublicKeyCredentialRequestOptions {
  return fromServer(() => {
    const { challenge, allowCredentials, ...rest } = json
    return {
      ...rest,
      challenge: toBuffer(challenge),
      ...(allowCredentials === undefined ? {} : { allowCredentials: descriptors(allowCredentials) }),
    }
  })
}

/** What every credential carries, whichever ceremony made it. */
function common(credential: PublicKeyCredential): Pick<RegistrationResponseJSON, 'id' | 'rawId' | 'type' | 'clientExtensionResults' | 'authenticatorAttachment'> {
  const attachment = credential.authenticatorAttachment
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: 'public-key',
    clientExtensionResults: { ...credential.getClientExtensionResults() },
    ...(typeof attachment === 'string' ? { authenticatorAttachment: attachment } : {}),
  }
}

/**
 * A new credential from `navigator.credentials.create`, as the JSON GoTrue verifies.
 *
 * @example
 * const json = registrationToJson(await navigator.credentials.create({ publicKey }) as PublicKeyCredential)
 */
export function registrationToJson(credential: PublicKeyCredential): RegistrationResponseJSON {
  const response = credential.response as AuthenticatorAttestationResponse
  const transports = typeof response.getTransports === 'function' ? response.getTransports() : undefined
  return {
    ...common(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      attestationObject: toBase64Url(response.attestationObject),
      ...(transports === undefined ? {} : { transports }),
    },
  }
}

/**
 * An assertion from `navigator.credentials.get`, as the JSON GoTrue verifies.
 *
 * @example
 * const json = authenticationToJson(await navigator.credentials.get({ publicKey }) as PublicKeyCredential)
 */
export function authenticationToJson(credential: PublicKeyCredential): AuthenticationResponseJSON {
  const response = credential.response as AuthenticatorAssertionResponse
  const userHandle = response.userHandle
  return {
    ...common(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      authenticatorData: toBase64Url(response.authenticatorData),
      signature: toBase64Url(response.signature),
      ...(userHandle === null || userHandle === undefined ? {} : { userHandle: toBase64Url(userHandle) }),
    },
  }
}
