/**
 * WebAuthn second factors through `webauthn(auth)` and `mfa(auth)`, over HTTP, with a software
 * authenticator standing in for `navigator.credentials`: register a key (aal2), sign in again through
 * `mfaChallenge` with it, the low-level challenge/verify pair, a cancelled prompt and a wrong origin that
 * leave the session as it was, and bad input refused before any request.
 *
 * Against a real GoTrue these run when it has WebAuthn MFA on and `GOTRUE_WEBAUTHN_RP_ORIGIN` names one of
 * its `GOTRUE_WEBAUTHN_RP_ORIGINS` (the authenticator writes that origin into what it signs).
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { AuthInvalidCredentialsError } from '../../src/errors.js'
import type { AuthClient } from '../../src/index.js'
import { mfa } from '../../src/mfa/index.js'
import { webauthn, type CredentialsLike } from '../../src/webauthn/index.js'
import { claimsOf, countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { SoftAuthenticator } from '../support/soft-authenticator.js'
import { openTarget, PASSWORD, realGotrue, type Target } from '../support/target.js'

const ORIGIN = process.env['GOTRUE_WEBAUTHN_RP_ORIGIN'] ?? 'http://localhost:5173'
const RP = { rpId: new URL(ORIGIN).hostname, rpOrigins: [ORIGIN] }

let target: Target
let available = !realGotrue || process.env['GOTRUE_WEBAUTHN_RP_ORIGIN'] !== undefined

beforeAll(async () => {
  target = await openTarget({ mfaWebAuthnEnroll: true, mfaWebAuthnVerify: true, webauthnRpId: RP.rpId, webauthnRpOrigins: [ORIGIN] })
  if (realGotrue && available) {
    // A real server may have WebAuthn factors off (the default): then there is nothing to test against.
    const { auth } = await signedInClient(target, 'webauthn-probe')
    const probe = await webauthn(auth).enroll({ friendlyName: 'probe' }).catch((error: unknown) => error)
    available = !(probe instanceof Error && 'code' in probe && probe.code === 'mfa_webauthn_enroll_not_enabled')
  }
})
afterAll(async () => {
  await target?.close()
})

function needsWebAuthn(ctx: TestContext): void {
  if (!available) ctx.skip('the real GoTrue has WebAuthn MFA off, or GOTRUE_WEBAUTHN_RP_ORIGIN is not set')
}

/** A client whose user has a security key registered as a verified factor (the session is at aal2). */
async function withKey(tag: string, key = new SoftAuthenticator({ origin: ORIGIN })) {
  const signedIn = await signedInClient(target, tag)
  const credentials: CredentialsLike = key.container()
  const factors = webauthn(signedIn.auth, { credentials })
  const tokens = await factors.register({ friendlyName: 'Key', webauthn: RP })
  const { all } = await mfa(signedIn.auth).listFactors()
  const factorId = all.find((f) => f.factor_type === 'webauthn')?.id ?? ''
  return { ...signedIn, key, credentials, tokens, factorId }
}

describe('WebAuthn factors', () => {
  it('registers a security key: aal2 with mfa/webauthn, the factor verified, MFA_CHALLENGE_VERIFIED announced', async (ctx) => {
    needsWebAuthn(ctx)
    const { auth, session } = await signedInClient(target, 'webauthn-register')
    const rec = record(auth)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const tokens = await webauthn(auth, { credentials: key.container() }).register({ friendlyName: 'YubiKey', webauthn: RP })
    expect(claimsOf(tokens.access_token)).toMatchObject({ aal: 'aal2', session_id: claimsOf(session.access_token)['session_id'] })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])
    expect(key.credentials).toHaveLength(1)

    const listed = await mfa(auth).listFactors()
    expect(listed.webauthn).toEqual([expect.objectContaining({ friendly_name: 'YubiKey', factor_type: 'webauthn', status: 'verified' })])
    const aal = await mfa(auth).getAuthenticatorAssuranceLevel()
    expect(aal).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
    expect(aal.currentAuthenticationMethods.map((entry) => entry.method)).toEqual(['mfa/webauthn', 'password'])
  })

  it('signs in again: password → mfaChallenge → the key → authenticated at aal2', async (ctx) => {
    needsWebAuthn(ctx)
    const first = await withKey('webauthn-signin')
    await first.auth.signOut()

    const auth = target.client()
    await auth.signInWithPassword({ email: first.email, password: PASSWORD })
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })

    const rec = record(auth)
    const signCount = first.key.credentials[0]?.signCount ?? 0
    await webauthn(auth, { credentials: first.credentials }).authenticate({ factorId: first.factorId, webauthn: RP })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(rec.statuses).toEqual(['mfaChallenge', 'signingIn', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])
    expect(first.key.credentials[0]?.signCount).toBeGreaterThan(signCount)
  })

  it('the low-level pair: mfa(auth).challenge gives browser-ready options, verify takes the credential itself', async (ctx) => {
    needsWebAuthn(ctx)
    const { auth } = await signedInClient(target, 'webauthn-low-level')
    const key = new SoftAuthenticator({ origin: ORIGIN, alg: 'RS256', attestation: 'packed' })
    const factor = await mfa(auth).enroll({ factorType: 'webauthn', friendlyName: 'Laptop' })
    expect(factor).toEqual({ id: expect.any(String), type: 'webauthn', friendly_name: 'Laptop' })

    const challenge = await mfa(auth).challenge({ factorId: factor.id, webauthn: RP })
    expect(challenge.webauthn?.type).toBe('create')
    if (challenge.webauthn?.type !== 'create') throw new Error('expected registration options')
    const publicKey = challenge.webauthn.credential_options.publicKey
    expect(publicKey.challenge).toBeInstanceOf(ArrayBuffer)
    expect(publicKey.user.id).toBeInstanceOf(ArrayBuffer)

    const credential = (await key.container().create({ publicKey })) as PublicKeyCredential
    const tokens = await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, webauthn: { type: 'create', ...RP, credential_response: credential } })
    expect(claimsOf(tokens.access_token)).toMatchObject({ aal: 'aal2' })

    // A verified factor is challenged for an assertion.
    const again = await mfa(auth).challenge({ factorId: factor.id, webauthn: RP })
    expect(again.webauthn?.type).toBe('request')
  })

  it('a cancelled prompt: a typed WebAuthnError, the session as it was, no half-made factor left behind', async (ctx) => {
    needsWebAuthn(ctx)
    const { auth, session } = await signedInClient(target, 'webauthn-cancel')
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const credentials = key.container()
    credentials.refuseNext()
    const error = await rejection(webauthn(auth, { credentials }).register({ friendlyName: 'Key', webauthn: RP }))
    expect(error).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' })
    expect((error.cause as DOMException).name).toBe('NotAllowedError')
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal1' })
    expect((await auth.getSession()).session?.access_token).toBe(session.access_token)
    expect((await mfa(auth).listFactors()).all).toEqual([])

    // The same name is free for the retry (auth-js would meet mfa_factor_name_conflict here).
    await webauthn(auth, { credentials }).register({ friendlyName: 'Key', webauthn: RP })
    expect(auth.snapshot).toMatchObject({ aal: 'aal2' })
  })

  it('a key that signs for another origin is refused by the server; mfaChallenge and the session stay', async (ctx) => {
    needsWebAuthn(ctx)
    const first = await withKey('webauthn-origin')
    await first.auth.signOut()
    const auth = target.client()
    await auth.signInWithPassword({ email: first.email, password: PASSWORD })
    const { session: before } = await auth.getSession()

    const { factorId } = first
    // The same key material answering for the wrong page: only the origin in clientDataJSON differs.
    const answered = await webauthn(auth, { credentials: first.key.container({ origin: 'https://evil.example' }) })
      .authenticate({ factorId, webauthn: RP })
      .catch((error: unknown) => error)
    // GoTrue answers a failed MFA assertion with 500 unexpected_failure ("Failed to validate WebAuthn MFA response").
    // A 5xx is retryable for the client: the session is never dropped for one.
    expect(answered).toMatchObject({ name: 'AuthRetryableFetchError', status: 500, message: 'Failed to validate WebAuthn MFA response' })
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })
    expect((await auth.getSession()).session?.refresh_token).toBe(before?.refresh_token)

    // The right origin still works afterwards.
    await webauthn(auth, { credentials: first.credentials }).authenticate({ factorId, webauthn: RP })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
  })
})

describe('WebAuthn factor arguments', () => {
  const UUID = '00000000-0000-4000-8000-000000000000'
  const junk = <T>(value: unknown): T => value as T
  const cases: Array<[string, (auth: AuthClient) => Promise<unknown>]> = [
    ['verify with an unknown webauthn type', (a) => webauthn(a).verify(junk({ factorId: UUID, challengeId: UUID, webauthn: { type: 'sign', rpId: 'x', credential_response: { id: 'a', response: {} } } }))],
    ['verify without a credential', (a) => webauthn(a).verify(junk({ factorId: UUID, challengeId: UUID, webauthn: { type: 'request', rpId: 'x' } }))],
    ['verify without an rpId', (a) => mfa(a).verify(junk({ factorId: UUID, challengeId: UUID, webauthn: { type: 'request', credential_response: { id: 'a', response: {} } } }))],
    ['challenge with rpOrigins not a list', (a) => mfa(a).challenge(junk({ factorId: UUID, webauthn: { rpId: 'x', rpOrigins: 'https://x' } }))],
    ['authenticate outside a page without an rpId', (a) => webauthn(a, { credentials: new SoftAuthenticator({ origin: ORIGIN }).container() }).authenticate({ factorId: UUID })],
  ]
  for (const [label, call] of cases) {
    it(`${label}: AuthInvalidCredentialsError before any request`, async () => {
      const counter = countingFetch()
      const { auth } = await signedInClient(target, 'webauthn-args', { fetch: counter.fetch })
      counter.reset()
      expect(await rejection(call(auth))).toBeInstanceOf(AuthInvalidCredentialsError)
      expect(counter.count).toBe(0)
    })
  }
})
