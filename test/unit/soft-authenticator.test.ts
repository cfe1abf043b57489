/**
 * The software authenticator against `@simplewebauthn/server` directly: its registrations (ES256 and
 * RS256, attestation none and packed) and assertions verify, counters move forward, a cloned counter and
 * a foreign origin are refused, and the `navigator.credentials` stand-in behaves like a browser prompt.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server'
import { describe, expect, it } from 'vitest'
import { encodeCbor, type CborKey, type CborValue } from '../support/cbor.js'
import { SoftAuthenticator, type SoftAuthenticatorOptions } from '../support/soft-authenticator.js'

const ORIGIN = 'http://localhost:3000'
const RP_ID = 'localhost'

async function registered(options: Omit<SoftAuthenticatorOptions, 'origin'>) {
  const key = new SoftAuthenticator({ origin: ORIGIN, ...options })
  const creation = await generateRegistrationOptions({
    rpName: 'Test',
    rpID: RP_ID,
    userName: 'ada@example.com',
    userID: new TextEncoder().encode('0b1c2d3e-0000-4000-8000-000000000001'),
    attestationType: 'none',
  })
  const response = key.register(creation)
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: creation.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: false,
  })
  if (!result.verified) throw new Error('registration did not verify')
  return { key, creation, response, info: result.registrationInfo }
}

async function assertWith(key: SoftAuthenticator, credential: WebAuthnCredential, overrides: { origin?: string; signCount?: number } = {}) {
  const request = await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: [{ id: credential.id }] })
  const response = key.authenticate(request, overrides)
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: request.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: false,
  })
}

describe('CBOR', () => {
  it('encodes the shapes authenticators write', () => {
    const hex = (v: CborValue) => Buffer.from(encodeCbor(v)).toString('hex')
    expect(hex(new Map<CborKey, CborValue>([[1, 2], [3, -7]]))).toBe('a2010203' + '26')
    expect(hex(-257)).toBe('390100')
    expect(hex('fmt')).toBe('63666d74')
    expect(hex(Uint8Array.of(1, 2))).toBe('420102')
    expect(hex([500, 70000])).toBe('821901f41a00011170')
  })
})

describe('SoftAuthenticator registrations verify', () => {
  it.each([
    ['ES256', 'none', -7],
    ['ES256', 'packed', -7],
    ['RS256', 'packed', -257],
    ['RS256', 'none', -257],
  ] as const)('%s with attestation %s', async (alg, attestation, cose) => {
    const { key, response, info } = await registered({ alg, attestation })
    expect(info.fmt).toBe(attestation)
    expect(info.credential.id).toBe(response.id)
    expect(info.credential.counter).toBe(0)
    expect(info.aaguid).toBe('00000000-0000-0000-0000-000000000000')
    expect(info.origin).toBe(ORIGIN)
    expect(key.credentials).toEqual([{ id: response.id, rpId: RP_ID, userHandle: expect.any(String), signCount: 0, alg }])
    const decoded = Buffer.from(info.credential.publicKey).toString('hex')
    // The COSE alg parameter (3) as written: -7 is 0x26, -257 is 0x39 0100.
    expect(decoded).toContain(cose === -7 ? '0326' : '03390100')
  })

  it('claims the AAGUID it was given', async () => {
    const { info } = await registered({ aaguid: '08987058-cadc-4b81-b6e1-30de50dcbe96' })
    expect(info.aaguid).toBe('08987058-cadc-4b81-b6e1-30de50dcbe96')
  })

  it('is refused for another origin and for another challenge', async () => {
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const creation = await generateRegistrationOptions({ rpName: 'Test', rpID: RP_ID, userName: 'x' })
    const expected = { expectedChallenge: creation.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: false }
    await expect(verifyRegistrationResponse({ ...expected, response: key.register(creation, { origin: 'https://evil.example' }) })).rejects.toThrow(/origin/)
    await expect(verifyRegistrationResponse({ ...expected, response: key.register(creation, { challenge: 'AAAA' }) })).rejects.toThrow(/challenge/)
  })

  it('honors excludeCredentials and pubKeyCredParams', async () => {
    const { key, response } = await registered({})
    const again = await generateRegistrationOptions({ rpName: 'Test', rpID: RP_ID, userName: 'x', excludeCredentials: [{ id: response.id }] })
    expect(() => key.register(again)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }))
    const rsaOnly = await generateRegistrationOptions({ rpName: 'Test', rpID: RP_ID, userName: 'x', supportedAlgorithmIDs: [-257] })
    expect(() => key.register(rsaOnly)).toThrow(expect.objectContaining({ name: 'NotSupportedError' }))
  })
})

describe('SoftAuthenticator assertions verify', () => {
  it.each(['ES256', 'RS256'] as const)('%s: each assertion moves the counter forward', async (alg) => {
    const { key, info } = await registered({ alg })
    const first = await assertWith(key, info.credential)
    expect(first).toMatchObject({ verified: true, authenticationInfo: { newCounter: 1 } })
    const second = await assertWith(key, { ...info.credential, counter: 1 })
    expect(second).toMatchObject({ verified: true, authenticationInfo: { newCounter: 2 } })
    expect(key.credentials[0]?.signCount).toBe(2)
  })

  it('a cloned counter (not above the stored one) is refused, and does not move the stored counter', async () => {
    const { key, info } = await registered({})
    await assertWith(key, info.credential)
    await expect(assertWith(key, { ...info.credential, counter: 1 }, { signCount: 1 })).rejects.toThrow(/counter/)
    expect(key.credentials[0]?.signCount).toBe(1)
  })

  it('signs for the origin it is told; the server refuses a foreign one', async () => {
    const { key, info } = await registered({})
    await expect(assertWith(key, info.credential, { origin: 'https://evil.example' })).rejects.toThrow(/origin/)
  })

  it('uses the newest resident credential when no credentials are allowed, and returns its user handle', async () => {
    const { key, creation } = await registered({})
    const second = key.register({ ...creation, user: { ...creation.user, id: Buffer.from('second').toString('base64url') } })
    const assertion = key.authenticate({ challenge: 'abc', rpId: RP_ID })
    expect(assertion.id).toBe(second.id)
    expect(Buffer.from(assertion.response.userHandle ?? '', 'base64url').toString()).toBe('second')
    expect(() => key.authenticate({ challenge: 'abc', rpId: 'example.org' })).toThrow(expect.objectContaining({ name: 'NotAllowedError' }))
  })
})

describe('the navigator.credentials stand-in', () => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  const publicKey = (): PublicKeyCredentialCreationOptions => ({
    rp: { id: RP_ID, name: 'Test' },
    user: { id: bytes('user-1'), name: 'ada', displayName: 'Ada' },
    challenge: bytes('challenge-one'),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  })

  it('create and get return PublicKeyCredential-like objects whose toJSON verifies', async () => {
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const credentials = key.container()
    const created = (await credentials.create({ publicKey: publicKey() })) as PublicKeyCredential
    expect(created.rawId).toBeInstanceOf(ArrayBuffer)
    const attestation = created.response as AuthenticatorAttestationResponse
    expect(attestation.attestationObject).toBeInstanceOf(ArrayBuffer)
    expect(attestation.getTransports()).toEqual(['internal'])
    const json = created.toJSON() as ReturnType<SoftAuthenticator['register']>
    const result = await verifyRegistrationResponse({
      response: json,
      expectedChallenge: Buffer.from('challenge-one').toString('base64url'),
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: false,
    })
    expect(result.verified).toBe(true)

    const got = (await credentials.get({ publicKey: { challenge: bytes('challenge-two'), rpId: RP_ID } })) as PublicKeyCredential
    const assertion = got.response as AuthenticatorAssertionResponse
    expect(assertion.userHandle && Buffer.from(assertion.userHandle).toString()).toBe('user-1')
    expect(got.getClientExtensionResults()).toEqual({})
  })

  it('refuseNext: one NotAllowedError, then normal again', async () => {
    const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
    credentials.refuseNext()
    await expect(credentials.create({ publicKey: publicKey() })).rejects.toMatchObject({ name: 'NotAllowedError' })
    await expect(credentials.create({ publicKey: publicKey() })).resolves.toMatchObject({ type: 'public-key' })
  })

  it('an aborted signal rejects with AbortError, before or during the prompt; holdNext waits for it', async () => {
    const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
    await expect(credentials.create({ publicKey: publicKey(), signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })

    const during = new AbortController()
    const pending = credentials.create({ publicKey: publicKey(), signal: during.signal })
    during.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })

    const held = new AbortController()
    credentials.holdNext()
    let settled = false
    const waiting = credentials.create({ publicKey: publicKey(), signal: held.signal }).finally(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(settled).toBe(false)
    held.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('container({ origin }) answers with the same keys for another page', async () => {
    const key = new SoftAuthenticator({ origin: ORIGIN })
    await key.container().create({ publicKey: publicKey() })
    const evil = (await key.container({ origin: 'https://evil.example' }).get({ publicKey: { challenge: bytes('c'), rpId: RP_ID } })) as PublicKeyCredential
    const clientData = JSON.parse(Buffer.from(evil.response.clientDataJSON).toString()) as { origin: string; type: string }
    expect(clientData).toMatchObject({ origin: 'https://evil.example', type: 'webauthn.get' })
    expect(key.credentials).toHaveLength(1)
  })
})
