/**
 * Passkeys over raw HTTP (GoTrue's passkey routes, contract §4.23), with the software authenticator: off by
 * default behind `404 passkey_disabled`, registration on a signed-in account, discoverable sign-in to a new
 * session with AMR `passkey`, single-use challenges, GoTrue's 400/403/404/422 answers, management and the
 * admin view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode, type AuthServer, type AuthServerOptions } from '../../src/testing/index.js'
import { call, claims, fakeClock, signIn, signUp, start, uniqueEmail, type Res } from '../support/server-helpers.js'
import { SoftAuthenticator, type RegistrationResponseJSON } from '../support/soft-authenticator.js'

const ORIGIN = 'http://localhost:5173'
const ON: AuthServerOptions = { passkeyEnabled: true, webauthnRpOrigins: [ORIGIN] }

const registrationOptions = (server: AuthServer, token: string): Promise<Res> => call(server, 'POST', '/passkeys/registration/options', { token, body: {} })
const registrationVerify = (server: AuthServer, token: string, challengeId: string, credential: unknown): Promise<Res> =>
  call(server, 'POST', '/passkeys/registration/verify', { token, body: { challenge_id: challengeId, credential } })
const authenticationOptions = (server: AuthServer): Promise<Res> =>
  call(server, 'POST', '/passkeys/authentication/options', { body: { gotrue_meta_security: { captcha_token: 'unused' } } })
const authenticationVerify = (server: AuthServer, challengeId: string, credential: unknown): Promise<Res> =>
  call(server, 'POST', '/passkeys/authentication/verify', { body: { challenge_id: challengeId, credential } })

/** Only the error fields: a response that unexpectedly succeeded must not print its tokens in a diff. */
const failure = (res: Res): { code: unknown; error_code: unknown; msg: unknown } => ({ code: res.body?.code, error_code: res.body?.error_code, msg: res.body?.msg })

/** Registers a passkey made by `key` on the account of `token`. */
async function addPasskey(server: AuthServer, token: string, key = new SoftAuthenticator({ origin: ORIGIN })) {
  const options = await registrationOptions(server, token)
  const res = await registrationVerify(server, token, options.body.challenge_id, key.register(options.body.options))
  if (res.status !== 200) throw new Error(`passkey registration failed ${res.status} ${res.text}`)
  return { key, passkey: res.body }
}

/** A fresh user with one passkey. */
async function userWithPasskey(server: AuthServer, key?: SoftAuthenticator) {
  const s = await signUp(server, uniqueEmail('passkey'))
  return { s, ...(await addPasskey(server, s.access_token, key)) }
}

/** Signs in with the newest passkey of `key`. */
async function passkeySignIn(server: AuthServer, key: SoftAuthenticator, overrides?: { origin?: string; signCount?: number }): Promise<Res> {
  const options = await authenticationOptions(server)
  return authenticationVerify(server, options.body.challenge_id, key.authenticate(options.body.options, overrides))
}

/** The same credential answering a new challenge: with attestation `none` only clientDataJSON changes. */
function replayFor(registration: RegistrationResponseJSON, challenge: string): RegistrationResponseJSON {
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge, origin: ORIGIN })).toString('base64url')
  return { ...registration, response: { ...registration.response, clientDataJSON } }
}

describe('passkeys switched off (the default)', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start()
  })
  afterAll(() => server.close())

  it('reports passkeys_enabled: false, and every passkey route answers 404 passkey_disabled, before any auth', async () => {
    expect((await call(server, 'GET', '/settings')).body.passkeys_enabled).toBe(false)
    const s = await signUp(server)
    const userRoutes: Array<[string, string]> = [
      ['POST', '/passkeys/registration/options'],
      ['POST', '/passkeys/registration/verify'],
      ['POST', '/passkeys/authentication/options'],
      ['POST', '/passkeys/authentication/verify'],
      ['GET', '/passkeys'],
      ['PATCH', `/passkeys/${crypto.randomUUID()}`],
      ['DELETE', `/passkeys/${crypto.randomUUID()}`],
    ]
    const expected = { code: 404, error_code: 'passkey_disabled', msg: 'Passkeys are disabled' }
    for (const [method, path] of userRoutes) {
      const body = method === 'GET' ? undefined : {}
      expect((await call(server, method, path, { token: s.access_token, body })).body, `${method} ${path}`).toEqual(expected)
      expect((await call(server, method, path)).body, `${method} ${path} without a token`).toEqual(expected)
    }
    const adminRoutes: Array<[string, string]> = [
      ['GET', `/admin/users/${s.user.id}/passkeys`],
      ['DELETE', `/admin/users/${s.user.id}/passkeys/${crypto.randomUUID()}`],
    ]
    for (const [method, path] of adminRoutes) {
      expect((await call(server, method, path, { token: server.serviceRoleKey })).body, `${method} ${path}`).toEqual(expected)
      expect((await call(server, method, path, { token: s.access_token })).body.error_code).toBe('not_admin')
    }
  })
})

describe('passkeys switched on', () => {
  const clock = fakeClock()
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ ...ON, now: clock.now })
  })
  afterAll(() => server.close())

  it('reports passkeys_enabled: true', async () => {
    expect((await call(server, 'GET', '/settings')).body.passkeys_enabled).toBe(true)
  })

  it('hands out creation options without a publicKey wrapper, for a resident key of this user', async () => {
    const res = await call(server, 'POST', '/signup', { body: { email: uniqueEmail(), password: 'password123', data: { name: 'Ada Lovelace' } } })
    const s = res.body
    const options = await registrationOptions(server, s.access_token)
    expect(options.status).toBe(200)
    expect(Object.keys(options.body).sort()).toEqual(['challenge_id', 'expires_at', 'options'])
    expect(options.body.challenge_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(options.body.expires_at).toBe(Math.floor(clock.now() / 1000) + 300)
    expect(options.body.options).toMatchObject({
      rp: { id: 'localhost', name: 'Supabase Auth' },
      user: { id: Buffer.from(s.user.id).toString('base64url'), name: s.user.email, displayName: 'Ada Lovelace' },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
    })
    expect(options.body.options.publicKey).toBeUndefined()
    expect(options.body.options.excludeCredentials).toBeUndefined()
  })

  it('registers: {id, friendly_name, created_at}; the list shows it; the next options exclude it', async () => {
    const { s, key, passkey } = await userWithPasskey(server)
    expect(passkey).toEqual({ id: expect.any(String), friendly_name: 'Passkey', created_at: new Date(clock.now()).toISOString() })
    const list = await call(server, 'GET', '/passkeys', { token: s.access_token })
    expect(list.body).toEqual([{ id: passkey.id, friendly_name: 'Passkey', created_at: passkey.created_at }])
    const again = await registrationOptions(server, s.access_token)
    expect(again.body.options.excludeCredentials).toEqual([{ type: 'public-key', id: key.credentials[0]?.id }])
    expect(() => key.register(again.body.options)).toThrow(expect.objectContaining({ name: 'InvalidStateError' }))
    // A passkey is no MFA factor.
    expect((await call(server, 'GET', '/user', { token: s.access_token })).body.factors).toBeUndefined()
  })

  it('names a passkey after a known authenticator; RS256 and packed attestation register too', async () => {
    const hello = await userWithPasskey(server, new SoftAuthenticator({ origin: ORIGIN, aaguid: '08987058-cadc-4b81-b6e1-30de50dcbe96' }))
    expect(hello.passkey.friendly_name).toBe('Windows Hello')
    const rsa = await userWithPasskey(server, new SoftAuthenticator({ origin: ORIGIN, alg: 'RS256', attestation: 'packed' }))
    expect((await passkeySignIn(server, rsa.key)).status).toBe(200)
    const packed = await userWithPasskey(server, new SoftAuthenticator({ origin: ORIGIN, attestation: 'packed' }))
    expect((await passkeySignIn(server, packed.key)).status).toBe(200)
  })

  it('checks the verify body in GoTrue\'s order', async () => {
    const s = await signUp(server)
    const path = '/passkeys/registration/verify'
    const send = (init: { body?: unknown; raw?: string }) => call(server, 'POST', path, { token: s.access_token, ...init })
    expect((await send({ raw: '{' })).body).toMatchObject({ code: 400, error_code: 'bad_json' })
    expect((await send({ body: { credential: {} } })).body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'challenge_id is required' })
    expect((await send({ body: { challenge_id: 'x' } })).body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'credential is required' })
    expect((await send({ body: { challenge_id: 'x', credential: {} } })).body).toMatchObject({ code: 400, msg: 'challenge_id must be a valid UUID' })
    expect((await send({ body: { challenge_id: 7, credential: {} } })).body).toMatchObject({ code: 400, error_code: 'bad_json' })
    const unknown = await send({ body: { challenge_id: crypto.randomUUID(), credential: {} } })
    expect(unknown.body).toMatchObject({ code: 400, error_code: 'webauthn_challenge_not_found', msg: 'Challenge not found or already used' })
  })

  it('uses a challenge once, whatever the outcome; another user\'s or another ceremony\'s challenge is not found and not used up', async () => {
    const s = await signUp(server)
    const other = await signUp(server)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const options = await registrationOptions(server, s.access_token)
    const response = key.register(options.body.options)

    const stolen = await registrationVerify(server, other.access_token, options.body.challenge_id, response)
    expect(stolen.body).toMatchObject({ code: 400, error_code: 'webauthn_challenge_not_found' })
    const signInChallenge = await authenticationOptions(server)
    const crossed = await registrationVerify(server, s.access_token, signInChallenge.body.challenge_id, response)
    expect(crossed.body.error_code).toBe('webauthn_challenge_not_found')

    const junk = await registrationVerify(server, s.access_token, options.body.challenge_id, { id: 'x' })
    expect(failure(junk)).toEqual({ code: 400, error_code: 'webauthn_verification_failed', msg: 'Invalid credential response' })
    const afterJunk = await registrationVerify(server, s.access_token, options.body.challenge_id, response)
    expect(afterJunk.body).toMatchObject({ code: 400, error_code: 'webauthn_challenge_not_found' })

    const fresh = await registrationOptions(server, s.access_token)
    const wrongOrigin = await registrationVerify(server, s.access_token, fresh.body.challenge_id, key.register(fresh.body.options, { origin: 'https://evil.example' }))
    expect(wrongOrigin.body).toMatchObject({ code: 400, error_code: 'webauthn_verification_failed', msg: 'Credential verification failed' })
    expect((await call(server, 'GET', '/passkeys', { token: s.access_token })).body).toEqual([])
  })

  it('expires a challenge after webauthnChallengeExpiry, and it is gone after that answer', async () => {
    const s = await signUp(server)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const options = await registrationOptions(server, s.access_token)
    clock.advance(301_000)
    const late = await registrationVerify(server, s.access_token, options.body.challenge_id, key.register(options.body.options))
    expect(late.body).toMatchObject({ code: 400, error_code: 'webauthn_challenge_expired', msg: 'Challenge has expired' })
    const again = await registrationVerify(server, s.access_token, options.body.challenge_id, key.register(options.body.options))
    expect(again.body.error_code).toBe('webauthn_challenge_not_found')
  })

  it('refuses a credential registered before, by this user or another', async () => {
    const { s, key } = await userWithPasskey(server)
    const first = key.register((await registrationOptions(server, (await signUp(server)).access_token)).body.options)
    const mine = await registrationOptions(server, s.access_token)
    const otherUser = await signUp(server)
    const theirs = await registrationOptions(server, otherUser.access_token)
    // Register `first` for the other user, then present the same credential again on both accounts.
    expect((await registrationVerify(server, otherUser.access_token, theirs.body.challenge_id, replayFor(first, theirs.body.options.challenge))).status).toBe(200)
    const dup = await registrationVerify(server, s.access_token, mine.body.challenge_id, replayFor(first, mine.body.options.challenge))
    expect(dup.body).toMatchObject({ code: 422, error_code: 'webauthn_credential_exists', msg: 'This credential is already registered' })
    const theirsAgain = await registrationOptions(server, otherUser.access_token)
    const dupOwn = await registrationVerify(server, otherUser.access_token, theirsAgain.body.challenge_id, replayFor(first, theirsAgain.body.options.challenge))
    expect(dupOwn.body.error_code).toBe('webauthn_credential_exists')
  })

  it('signs in with a passkey: a new aal1 session with amr passkey, last_used_at recorded', async () => {
    const { s, key, passkey } = await userWithPasskey(server)
    const options = await authenticationOptions(server)
    expect(options.body).toMatchObject({ challenge_id: expect.any(String), expires_at: Math.floor(clock.now() / 1000) + 300 })
    expect(options.body.options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred', challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    expect(options.body.options.allowCredentials).toBeUndefined()

    clock.advance(1000)
    const res = await authenticationVerify(server, options.body.challenge_id, key.authenticate(options.body.options))
    expect(res.status).toBe(200)
    expect(res.body.token_type).toBe('bearer')
    expect(res.body.user).toMatchObject({ id: s.user.id, last_sign_in_at: new Date(clock.now()).toISOString() })
    const c = claims(res.body.access_token)
    expect(c).toMatchObject({ sub: s.user.id, aal: 'aal1' })
    expect(c.session_id).not.toBe(claims(s.access_token).session_id)
    expect(c.amr.map((a: { method: string }) => a.method)).toEqual(['passkey'])
    expect(res.body.weak_password).toBeUndefined()
    const refreshed = await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: res.body.refresh_token } })
    expect(refreshed.status).toBe(200)
    const list = await call(server, 'GET', '/passkeys', { token: res.body.access_token })
    expect(list.body).toEqual([{ ...passkey, last_used_at: new Date(clock.now()).toISOString() }])

    const replay = await authenticationVerify(server, options.body.challenge_id, key.authenticate(options.body.options))
    expect(failure(replay)).toMatchObject({ code: 400, error_code: 'webauthn_challenge_not_found' })
  })

  it('refuses foreign origins, cloned counters and credentials that do not belong to the handle\'s user', async () => {
    const { key } = await userWithPasskey(server)
    const refused = { code: 400, error_code: 'webauthn_verification_failed', msg: 'Credential verification failed' }
    expect(failure(await passkeySignIn(server, key, { origin: 'https://evil.example' }))).toMatchObject(refused)
    expect((await passkeySignIn(server, key)).status).toBe(200) // counter 2 after the refused 1
    expect(failure(await passkeySignIn(server, key, { signCount: 2 }))).toMatchObject(refused)

    // A key with its own credential but another user's handle; a handle naming nobody; no handle at all.
    const victim = await userWithPasskey(server)
    const stranger = new SoftAuthenticator({ origin: ORIGIN })
    const creation = (await registrationOptions(server, (await signUp(server)).access_token)).body.options
    stranger.register({ ...creation, user: { ...creation.user, id: Buffer.from(victim.s.user.id).toString('base64url') } })
    expect(failure(await passkeySignIn(server, stranger))).toMatchObject(refused)
    stranger.register({ ...creation, user: { ...creation.user, id: Buffer.from(crypto.randomUUID()).toString('base64url') } })
    expect(failure(await passkeySignIn(server, stranger))).toMatchObject(refused)
    const options = await authenticationOptions(server)
    const anonymous = victim.key.authenticate(options.body.options)
    delete anonymous.response.userHandle
    expect(failure(await authenticationVerify(server, options.body.challenge_id, anonymous))).toMatchObject(refused)
    const junk = await authenticationVerify(server, (await authenticationOptions(server)).body.challenge_id, { id: 'x', rawId: 'x', type: 'public-key' })
    expect(failure(junk)).toEqual({ code: 400, error_code: 'webauthn_verification_failed', msg: 'Invalid credential response' })
  })

  it('refuses unconfirmed emails and phones and banned users, after the assertion verified', async () => {
    const admin = (method: string, path: string, body: object) => call(server, method, path, { token: server.serviceRoleKey, body })
    const phoneUser = await call(server, 'POST', '/signup', { body: { phone: `+1555${String(Date.now()).slice(-7)}`, password: 'password123' } })
    const byPhone = await addPasskey(server, phoneUser.body.access_token)
    await admin('PUT', `/admin/users/${phoneUser.body.user.id}`, { email: uniqueEmail('unconfirmed') })
    expect(failure(await passkeySignIn(server, byPhone.key))).toMatchObject({ code: 403, error_code: 'email_not_confirmed', msg: 'Email not confirmed' })

    const emailUser = await userWithPasskey(server)
    await admin('PUT', `/admin/users/${emailUser.s.user.id}`, { phone: `+1555${String(Date.now() + 1).slice(-7)}` })
    expect(failure(await passkeySignIn(server, emailUser.key))).toMatchObject({ code: 403, error_code: 'phone_not_confirmed', msg: 'Phone not confirmed' })

    const banned = await userWithPasskey(server)
    await admin('PUT', `/admin/users/${banned.s.user.id}`, { ban_duration: '24h' })
    expect(failure(await passkeySignIn(server, banned.key))).toMatchObject({ code: 403, error_code: 'user_banned', msg: 'User is banned' })
  })

  it('lists, renames (up to 120 characters) and deletes with 204', async () => {
    const { s, passkey } = await userWithPasskey(server)
    const token = s.access_token
    const patch = (id: string, init: { body?: unknown; raw?: string }) => call(server, 'PATCH', `/passkeys/${id}`, { token, ...init })
    const renamed = await patch(passkey.id, { body: { friendly_name: 'Laptop' } })
    expect(renamed.body).toEqual({ id: passkey.id, friendly_name: 'Laptop', created_at: passkey.created_at })
    expect((await patch(passkey.id, { body: {} })).body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'friendly_name is required' })
    expect((await patch(passkey.id, { body: { friendly_name: 'x'.repeat(121) } })).body).toMatchObject({ code: 400, msg: 'friendly_name must be 120 characters or less' })
    // 120 characters of four UTF-8 bytes each still fit: the limit counts characters.
    expect((await patch(passkey.id, { body: { friendly_name: '🔑'.repeat(120) } })).status).toBe(200)
    expect((await patch(passkey.id, { raw: '[' })).body).toMatchObject({ code: 400, error_code: 'bad_json' })
    expect((await patch('not-a-uuid', { body: { friendly_name: 'x' } })).body).toMatchObject({ code: 404, error_code: 'validation_failed', msg: 'Passkey not found' })
    const stranger = await signUp(server)
    const foreign = await call(server, 'PATCH', `/passkeys/${passkey.id}`, { token: stranger.access_token, body: { friendly_name: 'mine' } })
    expect(foreign.body).toMatchObject({ code: 404, msg: 'Passkey not found' })
    expect((await call(server, 'DELETE', `/passkeys/${passkey.id}`, { token: stranger.access_token })).status).toBe(404)

    const del = await call(server, 'DELETE', `/passkeys/${passkey.id}`, { token })
    expect(del.status).toBe(204)
    expect(del.text).toBe('')
    expect((await call(server, 'DELETE', `/passkeys/${passkey.id}`, { token })).body).toMatchObject({ code: 404, msg: 'Passkey not found' })
    expect((await call(server, 'GET', '/passkeys', { token })).body).toEqual([])
  })

  it('needs aal2 to add or delete a passkey once the user has a verified TOTP factor; renaming does not', async () => {
    const email = uniqueEmail('passkey-mfa')
    const s = await signUp(server, email)
    const { passkey } = await addPasskey(server, s.access_token)
    const enroll = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'totp' } })
    const ch = await call(server, 'POST', `/factors/${enroll.body.id}/challenge`, { token: s.access_token })
    const aal2 = await call(server, 'POST', `/factors/${enroll.body.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: totpCode(enroll.body.totp.secret, clock.now()) },
    })
    expect(claims(aal2.body.access_token).aal).toBe('aal2')

    const aal1 = await signIn(server, email)
    const gated = { code: 403, error_code: 'insufficient_aal', msg: 'AAL2 session is required to manage passkeys when MFA is enabled' }
    expect((await registrationOptions(server, aal1.access_token)).body).toEqual(gated)
    const options = await registrationOptions(server, aal2.body.access_token)
    expect((await registrationVerify(server, aal1.access_token, options.body.challenge_id, {})).body).toEqual(gated)
    expect((await call(server, 'DELETE', `/passkeys/${passkey.id}`, { token: aal1.access_token })).body).toEqual(gated)
    expect((await call(server, 'PATCH', `/passkeys/${passkey.id}`, { token: aal1.access_token, body: { friendly_name: 'ok' } })).status).toBe(200)

    const added = await registrationVerify(server, aal2.body.access_token, options.body.challenge_id, new SoftAuthenticator({ origin: ORIGIN }).register(options.body.options))
    expect(added.status).toBe(200)
    expect((await call(server, 'DELETE', `/passkeys/${passkey.id}`, { token: aal2.body.access_token })).status).toBe(204)
  })

  it('refuses anonymous users', async () => {
    const anon = await call(server, 'POST', '/signup', { body: {} })
    const res = await registrationOptions(server, anon.body.access_token)
    expect(res.body).toMatchObject({ code: 403, error_code: 'no_authorization', msg: 'Anonymous user not allowed to perform these actions' })
  })

  it('admins list and delete a user\'s passkeys', async () => {
    const { s, passkey } = await userWithPasskey(server)
    const admin = (method: string, path: string) => call(server, method, path, { token: server.serviceRoleKey })
    expect((await admin('GET', `/admin/users/${s.user.id}/passkeys`)).body).toEqual([passkey])
    expect((await admin('GET', `/admin/users/${crypto.randomUUID()}/passkeys`)).body).toMatchObject({ code: 404, error_code: 'user_not_found' })
    expect((await call(server, 'GET', `/admin/users/${s.user.id}/passkeys`, { token: s.access_token })).body.error_code).toBe('not_admin')
    const unknown = await admin('DELETE', `/admin/users/${s.user.id}/passkeys/${crypto.randomUUID()}`)
    expect(unknown.body).toMatchObject({ code: 404, error_code: 'validation_failed', msg: 'Passkey not found' })
    const del = await admin('DELETE', `/admin/users/${s.user.id}/passkeys/${passkey.id}`)
    expect(del.status).toBe(204)
    expect((await admin('GET', `/admin/users/${s.user.id}/passkeys`)).body).toEqual([])
  })

  it('deleting a user (hard or soft) deletes their passkeys', async () => {
    for (const softly of [false, true]) {
      const { s, key } = await userWithPasskey(server)
      await call(server, 'DELETE', `/admin/users/${s.user.id}`, { token: server.serviceRoleKey, body: { should_soft_delete: softly } })
      expect((await passkeySignIn(server, key)).body.error_code, softly ? 'soft' : 'hard').toBe('webauthn_verification_failed')
    }
  })
})

describe('passkey limits', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ ...ON, passkeyMaxPerUser: 1 })
  })
  afterAll(() => server.close())

  it('refuses options at the limit, and a verify that would pass it (counted again at verify)', async () => {
    const s = await signUp(server)
    const first = await registrationOptions(server, s.access_token)
    const second = await registrationOptions(server, s.access_token)
    const key = new SoftAuthenticator({ origin: ORIGIN })
    expect((await registrationVerify(server, s.access_token, first.body.challenge_id, key.register(first.body.options))).status).toBe(200)
    const tooMany = { code: 422, error_code: 'too_many_passkeys', msg: 'Maximum number of passkeys reached' }
    expect((await registrationOptions(server, s.access_token)).body).toEqual(tooMany)
    const late = await registrationVerify(server, s.access_token, second.body.challenge_id, new SoftAuthenticator({ origin: ORIGIN }).register(second.body.options))
    expect(late.body).toEqual(tooMany)
  })
})
