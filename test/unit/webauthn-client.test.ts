/**
 * The browser side of WebAuthn without a browser: options from JSON into the shapes
 * `navigator.credentials` takes, credentials back to JSON, what each browser failure means, the factor
 * defaults, and one ceremony at a time.
 */
import { describe, expect, it } from 'vitest'
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../src/api/webauthn-wire.js'
import { AuthInvalidTokenResponseError } from '../../src/errors.js'
import { cancelCeremony, createCredential, credentialsOf, getCredential, type CredentialsLike } from '../../src/webauthn/ceremony.js'
import { FACTOR_CREATION_DEFAULTS, layered } from '../../src/webauthn/defaults.js'
import { ceremonyError, isWebAuthnError, WebAuthnError } from '../../src/webauthn/errors.js'
import { authenticationToJson, creationOptionsFromJson, registrationToJson, requestOptionsFromJson } from '../../src/webauthn/json.js'

const bytes = (...values: number[]) => new Uint8Array(values).buffer
const CREATION: CreationOptionsJSON = {
  rp: { id: 'example.com', name: 'Example' },
  user: { id: 'dXNlci0x', name: 'ada@example.com', displayName: 'Ada' },
  challenge: 'AQID',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  excludeCredentials: [{ id: 'BAUG', type: 'public-key', transports: ['usb'] }],
}
const REQUEST: RequestOptionsJSON = { challenge: 'AQID', rpId: 'example.com', allowCredentials: [{ id: 'BAUG', type: 'public-key' }] }

function attestation(): PublicKeyCredential {
  return {
    id: 'BAUG',
    type: 'public-key',
    rawId: bytes(4, 5, 6),
    authenticatorAttachment: 'cross-platform',
    response: { clientDataJSON: bytes(1), attestationObject: bytes(2, 3), getTransports: () => ['usb'] },
    getClientExtensionResults: () => ({}),
  } as unknown as PublicKeyCredential
}

function assertion(userHandle: ArrayBuffer | null): PublicKeyCredential {
  return {
    id: 'BAUG',
    type: 'public-key',
    rawId: bytes(4, 5, 6),
    authenticatorAttachment: null,
    response: { clientDataJSON: bytes(1), authenticatorData: bytes(2), signature: bytes(3), userHandle },
    getClientExtensionResults: () => ({ credProps: { rk: true } }),
  } as unknown as PublicKeyCredential
}

describe('WebAuthn JSON', () => {
  it('turns the base64url fields of registration options into buffers and keeps the rest', () => {
    const options = creationOptionsFromJson(CREATION)
    expect(new Uint8Array(options.challenge as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]))
    expect(new TextDecoder().decode(options.user.id as ArrayBuffer)).toBe('user-1')
    expect(new Uint8Array(options.excludeCredentials?.[0]?.id as ArrayBuffer)).toEqual(new Uint8Array([4, 5, 6]))
    expect(options.rp).toEqual({ id: 'example.com', name: 'Example' })
    expect(options.excludeCredentials?.[0]?.transports).toEqual(['usb'])
  })

  it('turns assertion options into buffers; no allowCredentials stays absent (discoverable)', () => {
    const options = requestOptionsFromJson(REQUEST)
    expect(new Uint8Array(options.allowCredentials?.[0]?.id as ArrayBuffer)).toEqual(new Uint8Array([4, 5, 6]))
    expect('allowCredentials' in requestOptionsFromJson({ challenge: 'AQID' })).toBe(false)
  })

  it('a challenge that is not base64url is a malformed server answer, not a crash', () => {
    expect(() => creationOptionsFromJson({ ...CREATION, challenge: 'not base64!' })).toThrow(AuthInvalidTokenResponseError)
    expect(() => requestOptionsFromJson({ challenge: 'AQID=' })).toThrow(AuthInvalidTokenResponseError)
  })

  it('serializes a new credential and an assertion as GoTrue reads them', () => {
    expect(registrationToJson(attestation())).toEqual({
      id: 'BAUG',
      rawId: 'BAUG',
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: {},
      response: { clientDataJSON: 'AQ', attestationObject: 'AgM', transports: ['usb'] },
    })
    const json = authenticationToJson(assertion(bytes(117, 49)))
    expect(json.response).toEqual({ clientDataJSON: 'AQ', authenticatorData: 'Ag', signature: 'Aw', userHandle: 'dTE' })
    expect(json.clientExtensionResults).toEqual({ credProps: { rk: true } })
    expect('authenticatorAttachment' in json).toBe(false)
    expect('userHandle' in authenticationToJson(assertion(null)).response).toBe(false)
  })
})

describe('what a failed ceremony means', () => {
  const signal = new AbortController().signal
  const create = { kind: 'create' as const, publicKey: creationOptionsFromJson(CREATION), signal }
  const get = { kind: 'get' as const, publicKey: requestOptionsFromJson(REQUEST), signal }

  it.each([
    ['InvalidStateError', create, 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED'],
    ['NotSupportedError', create, 'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG'],
    ['UnknownError', get, 'ERROR_AUTHENTICATOR_GENERAL_ERROR'],
    ['NotAllowedError', get, 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY'],
    ['AbortError', get, 'ERROR_CEREMONY_ABORTED'],
    // Outside a page there is no host name, which is no valid domain.
    ['SecurityError', get, 'ERROR_INVALID_DOMAIN'],
  ] as const)('%s in a %s ceremony → %s', (name, ceremony, code) => {
    const cause = new DOMException('browser words', name)
    const error = ceremonyError(cause, ceremony)
    expect(error).toBeInstanceOf(WebAuthnError)
    expect(isWebAuthnError(error)).toBe(true)
    expect(error.code).toBe(code)
    expect(error.cause).toBe(cause)
  })

  it('resident keys required but not supported, and no public-key algorithm at all', () => {
    const resident = { ...create, publicKey: { ...create.publicKey, authenticatorSelection: { requireResidentKey: true } } }
    expect(ceremonyError(new DOMException('', 'ConstraintError'), resident).code).toBe('ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT')
    const noParams = { ...create, publicKey: { ...create.publicKey, pubKeyCredParams: [] } }
    expect(ceremonyError(new DOMException('', 'NotSupportedError'), noParams).code).toBe('ERROR_MALFORMED_PUBKEYCREDPARAMS')
  })
})

describe('factor defaults', () => {
  it('lays the server options over auth-js defaults, and overrides over both, without merging arrays', () => {
    const merged = layered<CreationOptionsJSON>(FACTOR_CREATION_DEFAULTS, { ...CREATION, authenticatorSelection: { userVerification: 'required' } }, { hints: ['client-device'] })
    expect(merged.authenticatorSelection).toEqual({
      authenticatorAttachment: 'cross-platform',
      requireResidentKey: false,
      residentKey: 'discouraged',
      userVerification: 'required',
    })
    expect(merged.hints).toEqual(['client-device'])
    expect(merged.attestation).toBe('direct')
    expect(merged.challenge).toBe('AQID')
  })
})

describe('one ceremony at a time', () => {
  /** A prompt that stays open until its signal aborts. */
  const waiting: CredentialsLike = {
    create: (options) => new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason))),
    get: (options) => new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason))),
  }

  it('a new ceremony aborts the pending one, whose caller gets ERROR_CEREMONY_ABORTED', async () => {
    const first = getCredential(waiting, requestOptionsFromJson(REQUEST), undefined).catch((error: unknown) => error)
    const second = createCredential(waiting, creationOptionsFromJson(CREATION), undefined).catch((error: unknown) => error)
    expect(await first).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_CEREMONY_ABORTED' })
    cancelCeremony()
    expect(await second).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_CEREMONY_ABORTED' })
  })

  it('a caller with its own signal is left alone by newer ceremonies', async () => {
    const own = new AbortController()
    let settled = false
    const first = getCredential(waiting, requestOptionsFromJson(REQUEST), own.signal).finally(() => (settled = true)).catch((error: unknown) => error)
    const second = getCredential(waiting, requestOptionsFromJson(REQUEST), undefined).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(settled).toBe(false)
    own.abort()
    expect(await first).toMatchObject({ code: 'ERROR_CEREMONY_ABORTED' })
    cancelCeremony()
    await second
  })

  it('an authenticator that returns nothing is a typed error; no WebAuthn here and none given is too', async () => {
    const empty: CredentialsLike = { create: async () => null, get: async () => null }
    expect(await getCredential(empty, requestOptionsFromJson(REQUEST), undefined).catch((error: unknown) => error)).toMatchObject({
      code: 'ERROR_AUTHENTICATOR_GENERAL_ERROR',
    })
    expect(() => credentialsOf(undefined)).toThrow(expect.objectContaining({ code: 'webauthn_unsupported' }))
  })
})
