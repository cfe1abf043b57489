/**
 * WebAuthn MFA factors over raw HTTP (contract §4.16, §7), with the software authenticator: off by
 * default, registration options then assertion options, verify to aal2 with `mfa/webauthn`, GoTrue's
 * 400/422/500 answers for bad params, foreign origins, replayed, expired and foreign-IP challenges,
 * unknown credentials and cloned counters, and the lazily loaded verification library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer, AuthServerOptions } from '../../src/testing/index.js'
import { OptionalPackageMissing } from '../../src/testing/server/optional-package.js'
import { loadSimpleWebAuthn } from '../../src/testing/webauthn/library.js'
import { call, claims, fakeClock, signIn, signUp, start, uniqueEmail, type Res } from '../support/server-helpers.js'
import { SoftAuthenticator } from '../support/soft-authenticator.js'

const ORIGIN = 'http://localhost:5173'
const ON: AuthServerOptions = { mfaWebAuthnEnroll: true, mfaWebAuthnVerify: true, webauthnRpOrigins: [ORIGIN] }
const UNEXPECTED = 'Unexpected failure, please check server logs for more information'

/** Only the error fields: a response that unexpectedly succeeded must not print its tokens in a diff. */
const failure = (res: Res): { code: unknown; error_code: unknown; msg: unknown } => ({ code: res.body?.code, error_code: res.body?.error_code, msg: res.body?.msg })

const methods = (jwt: string): string[] => claims(jwt).amr.map((a: { method: string }) => a.method)

async function enroll(server: AuthServer, token: string, friendlyName = 'Key'): Promise<string> {
  const res = await call(server, 'POST', '/factors', { token, body: { factor_type: 'webauthn', friendly_name: friendlyName } })
  if (res.status !== 200) throw new Error(`enroll failed ${res.status} ${res.text}`)
  return res.body.id
}

/** auth-js sends the relying party it assumes along; GoTrue ignores it. */
function challenge(server: AuthServer, token: string, factorId: string, headers?: Record<string, string>): Promise<Res> {
  return call(server, 'POST', `/factors/${factorId}/challenge`, { token, headers, body: { webauthn: { rpId: 'ignored.example', rpOrigins: [ORIGIN] } } })
}

function verify(server: AuthServer, token: string, factorId: string, challengeId: string, type: string, response: unknown, headers?: Record<string, string>): Promise<Res> {
  return call(server, 'POST', `/factors/${factorId}/verify`, {
    token,
    headers,
    body: { challenge_id: challengeId, webauthn: { type, rpId: 'ignored.example', rpOrigins: [ORIGIN], credential_response: response } },
  })
}

/** Enrols, challenges and registers `key` as a verified factor; returns the aal2 session. */
async function registered(server: AuthServer, key = new SoftAuthenticator({ origin: ORIGIN })) {
  const email = uniqueEmail('webauthn')
  const s = await signUp(server, email)
  const factorId = await enroll(server, s.access_token)
  const ch = await challenge(server, s.access_token, factorId)
  const res = await verify(server, s.access_token, factorId, ch.body.id, 'create', key.register(ch.body.webauthn.credential_options.publicKey))
  if (res.status !== 200) throw new Error(`registration failed ${res.status} ${res.text}`)
  return { email, key, factorId, first: s, aal2: res.body }
}

describe('WebAuthn factors switched off (the default)', () => {
  it('refuses to enroll with mfa_webauthn_enroll_not_enabled', async () => {
    const off = await start()
    try {
      const s = await signUp(off)
      const res = await call(off, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'webauthn' } })
      expect(res.body).toMatchObject({ code: 422, error_code: 'mfa_webauthn_enroll_not_enabled', msg: 'MFA enroll is disabled for WebAuthn' })
    } finally {
      await off.close()
    }
  })

  it('with enrolment only: challenge says verify_not_enabled, verify says enroll_not_enabled (GoTrue reuses the code)', async () => {
    const enrolOnly = await start({ mfaWebAuthnEnroll: true })
    try {
      const s = await signUp(enrolOnly)
      const factorId = await enroll(enrolOnly, s.access_token)
      const ch = await challenge(enrolOnly, s.access_token, factorId)
      expect(ch.body).toMatchObject({ code: 422, error_code: 'mfa_webauthn_verify_not_enabled', msg: 'MFA verification is disabled for WebAuthn' })
      // The switch is checked before the webauthn params, so even an empty verify body gets it.
      const res = await call(enrolOnly, 'POST', `/factors/${factorId}/verify`, { token: s.access_token, body: { challenge_id: crypto.randomUUID() } })
      expect(res.body).toMatchObject({ code: 422, error_code: 'mfa_webauthn_enroll_not_enabled', msg: 'MFA verification is disabled for WebAuthn' })
    } finally {
      await enrolOnly.close()
    }
  })
})

describe('WebAuthn factors switched on', () => {
  const clock = fakeClock()
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ ...ON, now: clock.now })
  })
  afterAll(() => server.close())

  it('enrolls with the exact response shape; the user lists an unverified webauthn factor', async () => {
    const s = await signUp(server)
    const res = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'webauthn', friendly_name: 'YubiKey' } })
    expect(res.body).toEqual({ id: expect.any(String), type: 'webauthn', friendly_name: 'YubiKey' })
    const user = await call(server, 'GET', '/user', { token: s.access_token })
    expect(user.body.factors).toEqual([expect.objectContaining({ id: res.body.id, factor_type: 'webauthn', status: 'unverified', phone: '' })])
  })

  it('challenges an unverified factor with registration options for the configured relying party', async () => {
    const s = await signUp(server)
    const factorId = await enroll(server, s.access_token)
    const empty = await call(server, 'POST', `/factors/${factorId}/challenge`, { token: s.access_token })
    expect(empty.body).toMatchObject({ code: 400, error_code: 'bad_json' })

    const ch = await challenge(server, s.access_token, factorId)
    expect(ch.status).toBe(200)
    expect(ch.body).toMatchObject({ id: expect.any(String), type: 'webauthn', expires_at: Math.floor(clock.now() / 1000) + 300 })
    expect(ch.body.webauthn.type).toBe('create')
    const publicKey = ch.body.webauthn.credential_options.publicKey
    expect(publicKey).toMatchObject({
      rp: { id: 'localhost', name: 'Supabase Auth' },
      user: { id: Buffer.from(s.user.id).toString('base64url'), name: s.user.email, displayName: s.user.email },
      timeout: 300000,
      attestation: 'none',
      authenticatorSelection: { userVerification: 'preferred' },
    })
    expect(publicKey.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(publicKey.pubKeyCredParams.map((p: { alg: number }) => p.alg)).toEqual(expect.arrayContaining([-7, -257]))
    expect(publicKey.excludeCredentials).toBeUndefined()
  })

  it('registers: the same session at aal2 with mfa/webauthn first; other aal1 sessions end', async () => {
    const s = await signUp(server)
    const other = await signIn(server, s.user.email)
    const factorId = await enroll(server, s.access_token)
    const ch = await challenge(server, s.access_token, factorId)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const res = await verify(server, s.access_token, factorId, ch.body.id, 'create', key.register(ch.body.webauthn.credential_options.publicKey))
    expect(res.status).toBe(200)
    const c = claims(res.body.access_token)
    expect(c).toMatchObject({ aal: 'aal2', session_id: claims(s.access_token).session_id })
    expect(methods(res.body.access_token)).toEqual(['mfa/webauthn', 'password'])
    expect(res.body.user.factors).toEqual([
      expect.objectContaining({ id: factorId, factor_type: 'webauthn', status: 'verified', web_authn_aaguid: '00000000-0000-0000-0000-000000000000' }),
    ])
    expect((await call(server, 'GET', '/user', { token: other.access_token })).body.error_code).toBe('session_not_found')

    // The challenge is gone once used: a replay finds nothing.
    const replay = await verify(server, res.body.access_token, factorId, ch.body.id, 'create', key.register(ch.body.webauthn.credential_options.publicKey))
    expect(failure(replay)).toMatchObject({ code: 422, error_code: 'mfa_factor_not_found' })
  })

  it('signs in again: password (aal1), a request challenge over the factor credential, then aal2', async () => {
    const { email, key, factorId } = await registered(server)
    const aal1 = await signIn(server, email)
    expect(claims(aal1.access_token).aal).toBe('aal1')
    const ch = await challenge(server, aal1.access_token, factorId)
    expect(ch.body.webauthn.type).toBe('request')
    const options = ch.body.webauthn.credential_options.publicKey
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred', allowCredentials: [{ type: 'public-key', id: key.credentials[0]?.id }] })
    const res = await verify(server, aal1.access_token, factorId, ch.body.id, 'request', key.authenticate(options))
    expect(res.status).toBe(200)
    expect(claims(res.body.access_token)).toMatchObject({ aal: 'aal2', session_id: claims(aal1.access_token).session_id })
    expect(methods(res.body.access_token)[0]).toBe('mfa/webauthn')

    // The stored counter moved to 1: the next assertion (2) passes, a clone still at 1 does not.
    const clone = await signIn(server, email)
    const cloneCh = await challenge(server, clone.access_token, factorId)
    const cloned = await verify(server, clone.access_token, factorId, cloneCh.body.id, 'request', key.authenticate(cloneCh.body.webauthn.credential_options.publicKey, { signCount: 1 }))
    expect(failure(cloned)).toMatchObject({ code: 500, error_code: 'unexpected_failure', msg: 'Failed to validate WebAuthn MFA response' })
    const next = await verify(server, clone.access_token, factorId, cloneCh.body.id, 'request', key.authenticate(cloneCh.body.webauthn.credential_options.publicKey))
    expect(claims(next.body.access_token).aal).toBe('aal2')
  })

  it('RS256 keys with packed attestation register and assert', async () => {
    const { email, key, factorId, aal2 } = await registered(server, new SoftAuthenticator({ origin: ORIGIN, alg: 'RS256', attestation: 'packed' }))
    expect(claims(aal2.access_token).aal).toBe('aal2')
    const aal1 = await signIn(server, email)
    const ch = await challenge(server, aal1.access_token, factorId)
    const res = await verify(server, aal1.access_token, factorId, ch.body.id, 'request', key.authenticate(ch.body.webauthn.credential_options.publicKey))
    expect(claims(res.body.access_token).aal).toBe('aal2')
  })

  it('a registration from another origin is GoTrue\'s bare 500; the challenge stays usable', async () => {
    const s = await signUp(server)
    const factorId = await enroll(server, s.access_token)
    const ch = await challenge(server, s.access_token, factorId)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const publicKey = ch.body.webauthn.credential_options.publicKey
    const wrong = await verify(server, s.access_token, factorId, ch.body.id, 'create', key.register(publicKey, { origin: 'https://evil.example' }))
    expect(wrong.status).toBe(500)
    expect(failure(wrong)).toEqual({ code: 500, error_code: 'unexpected_failure', msg: UNEXPECTED })
    // GoTrue's default branch: no error_id, no x-sb-error-code.
    expect(Object.keys(wrong.body).sort()).toEqual(['code', 'error_code', 'msg'])
    expect(wrong.headers.get('x-sb-error-code')).toBeNull()
    const otherChallenge = await verify(server, s.access_token, factorId, ch.body.id, 'create', key.register(publicKey, { challenge: 'bm90LXRoZS1jaGFsbGVuZ2U' }))
    expect(otherChallenge.status).toBe(500)
    const right = await verify(server, s.access_token, factorId, ch.body.id, 'create', key.register(publicKey))
    expect(right.status).toBe(200)
  })

  it('an assertion from another origin, or by a credential the user does not have, is a 500 with a message', async () => {
    const { email, key, factorId } = await registered(server)
    const aal1 = await signIn(server, email)
    const ch = await challenge(server, aal1.access_token, factorId)
    const options = ch.body.webauthn.credential_options.publicKey
    const expected = { code: 500, error_code: 'unexpected_failure', msg: 'Failed to validate WebAuthn MFA response' }
    expect(failure(await verify(server, aal1.access_token, factorId, ch.body.id, 'request', key.authenticate(options, { origin: 'https://evil.example' })))).toMatchObject(expected)

    // A key the server never saw, answering the same challenge.
    const stranger = new SoftAuthenticator({ origin: ORIGIN })
    const creation = { rp: { id: 'localhost', name: 'x' }, user: { id: 'dQ', name: 'u', displayName: 'u' }, challenge: 'abc', pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }] }
    stranger.register(creation)
    const foreign = stranger.authenticate({ challenge: options.challenge, rpId: 'localhost' })
    expect(failure(await verify(server, aal1.access_token, factorId, ch.body.id, 'request', foreign))).toMatchObject(expected)
    // A registration where an assertion was asked for does not verify either (go-webauthn's bare 500).
    const misplaced = await verify(server, aal1.access_token, factorId, ch.body.id, 'create', stranger.register({ ...creation, challenge: options.challenge }))
    expect(failure(misplaced)).toEqual({ code: 500, error_code: 'unexpected_failure', msg: UNEXPECTED })
    // None of this used the challenge up.
    const ok = await verify(server, aal1.access_token, factorId, ch.body.id, 'request', key.authenticate(options))
    expect(claims(ok.body.access_token).aal).toBe('aal2')
  })

  it('checks the webauthn params in GoTrue\'s order, before the challenge', async () => {
    const s = await signUp(server)
    const factorId = await enroll(server, s.access_token)
    const path = `/factors/${factorId}/verify`
    const send = (body: object) => call(server, 'POST', path, { token: s.access_token, body })
    expect(failure(await send({ challenge_id: crypto.randomUUID() }))).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'WebAuthn config required' })
    expect(failure(await send({ webauthn: { type: 'sign' } }))).toMatchObject({ code: 400, msg: 'WebAuthn type must be create or request' })
    expect(failure(await send({ webauthn: { type: 'create' } }))).toMatchObject({ code: 400, msg: 'credential_response required' })
    const unknown = await send({ challenge_id: crypto.randomUUID(), webauthn: { type: 'create', credential_response: {} } })
    expect(failure(unknown)).toMatchObject({ code: 422, error_code: 'mfa_factor_not_found', msg: 'MFA factor with the provided challenge ID not found' })

    const ch = await challenge(server, s.access_token, factorId)
    for (const junk of [{}, 'text', { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } }]) {
      const res = await verify(server, s.access_token, factorId, ch.body.id, 'create', junk)
      expect(failure(res)).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'Invalid credential_response' })
    }
  })

  it('refuses a challenge verified from another IP, and an expired one (which is then deleted)', async () => {
    const s = await signUp(server)
    const factorId = await enroll(server, s.access_token)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const ch = await challenge(server, s.access_token, factorId, { 'X-Forwarded-For': '10.0.0.1' })
    const response = key.register(ch.body.webauthn.credential_options.publicKey)
    const moved = await verify(server, s.access_token, factorId, ch.body.id, 'create', response, { 'X-Forwarded-For': '10.0.0.2' })
    expect(failure(moved)).toMatchObject({ code: 422, error_code: 'mfa_ip_address_mismatch' })

    clock.advance(301_000)
    const late = await verify(server, s.access_token, factorId, ch.body.id, 'create', response, { 'X-Forwarded-For': '10.0.0.1' })
    expect(failure(late)).toMatchObject({ code: 422, error_code: 'mfa_challenge_expired', msg: `MFA challenge ${ch.body.id} has expired, verify against another challenge or create a new challenge.` })
    const gone = await verify(server, s.access_token, factorId, ch.body.id, 'create', response, { 'X-Forwarded-For': '10.0.0.1' })
    expect(gone.body.error_code).toBe('mfa_factor_not_found')
  })

  it('a second key is enrolled from aal2; its options exclude the first credential, which the first key refuses to re-register', async () => {
    const { key, aal2 } = await registered(server)
    const secondId = await enroll(server, aal2.access_token, 'Backup key')
    const ch = await challenge(server, aal2.access_token, secondId)
    const publicKey = ch.body.webauthn.credential_options.publicKey
    expect(publicKey.excludeCredentials).toEqual([{ type: 'public-key', id: key.credentials[0]?.id, transports: ['usb', 'nfc'] }])
    expect(() => key.register(publicKey)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }))
    const backup = new SoftAuthenticator({ origin: ORIGIN })
    const res = await verify(server, aal2.access_token, secondId, ch.body.id, 'create', backup.register(publicKey))
    expect(res.status).toBe(200)
    expect(res.body.user.factors.filter((f: { status: string }) => f.status === 'verified')).toHaveLength(2)
  })

  it('applies the shared enrolment rules: aal2 once a factor is verified, name conflicts, the factor cap', async () => {
    const { email, aal2 } = await registered(server)
    const aal1 = await signIn(server, email)
    const gated = await call(server, 'POST', '/factors', { token: aal1.access_token, body: { factor_type: 'webauthn', friendly_name: 'Other' } })
    expect(gated.body).toMatchObject({ code: 403, error_code: 'insufficient_aal' })
    const clash = await call(server, 'POST', '/factors', { token: aal2.access_token, body: { factor_type: 'webauthn', friendly_name: 'Key' } })
    expect(clash.body).toMatchObject({ code: 422, error_code: 'mfa_factor_name_conflict' })

    const capped = await start({ ...ON, mfaMaxEnrolledFactors: 1 })
    try {
      const s = await signUp(capped)
      await enroll(capped, s.access_token, 'a')
      const second = await call(capped, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'webauthn', friendly_name: 'b' } })
      expect(second.body).toMatchObject({ code: 422, error_code: 'too_many_enrolled_mfa_factors' })
    } finally {
      await capped.close()
    }
  })

  it('refuses anonymous users', async () => {
    const anon = await call(server, 'POST', '/signup', { body: {} })
    const res = await call(server, 'POST', '/factors', { token: anon.body.access_token, body: { factor_type: 'webauthn' } })
    expect(res.body).toMatchObject({ code: 403, error_code: 'no_authorization' })
  })

  it('unenrolls like other factors: sessions fall back to aal1; admins list and delete webauthn factors', async () => {
    const { factorId, aal2 } = await registered(server)
    const admin = await call(server, 'GET', `/admin/users/${aal2.user.id}/factors`, { token: server.serviceRoleKey })
    expect(admin.body).toEqual([expect.objectContaining({ id: factorId, factor_type: 'webauthn', status: 'verified' })])
    const del = await call(server, 'DELETE', `/factors/${factorId}`, { token: aal2.access_token })
    expect(del.body).toEqual({ id: factorId })
    const refreshed = await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: aal2.refresh_token } })
    expect(claims(refreshed.body.access_token).aal).toBe('aal1')
    expect(methods(refreshed.body.access_token)).not.toContain('mfa/webauthn')

    const other = await registered(server)
    const adminDel = await call(server, 'DELETE', `/admin/users/${other.aal2.user.id}/factors/${other.factorId}`, { token: server.serviceRoleKey })
    expect(adminDel.body).toMatchObject({ id: other.factorId, factor_type: 'webauthn' })
  })
})

describe('the verification library is optional', () => {
  it('a failed import names the package to install', async () => {
    const missing = loadSimpleWebAuthn(() => Promise.reject(new Error("Cannot find package '@simplewebauthn/server'")))
    await expect(missing).rejects.toBeInstanceOf(OptionalPackageMissing)
    await expect(missing).rejects.toThrow(/optional package @simplewebauthn\/server.*npm i -D @simplewebauthn\/server/)
  })

  it('the real import works and is reused', async () => {
    const first = await loadSimpleWebAuthn()
    expect(typeof first.server.verifyRegistrationResponse).toBe('function')
    expect(await loadSimpleWebAuthn()).toBe(first)
  })
})
