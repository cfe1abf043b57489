import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { logout } from '../../src/api/logout.js'
import { challengeFactor, checkedProof, enrollFactor, unenrollFactor, verifyFactor } from '../../src/api/mfa.js'
import { getHealth, getSettings } from '../../src/api/settings.js'
import { getUser, reauthenticate, updateUser } from '../../src/api/user.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError, AuthSessionMissingError } from '../../src/errors.js'
import { createHttp, type Http } from '../../src/http/client.js'
import { json, startTestServer, tokenBody, userBody, type TestServer } from '../support/http-test-server.js'

const JWT = 'user-access-jwt'
const FACTOR = '0b9c1a52-8d64-4f0e-a3a5-2f4d6c7e8f90'
const CHALLENGE = '7d2e4f60-1b3c-4d5e-8f9a-0b1c2d3e4f5a'

let server: TestServer
let http: Http
beforeAll(async () => {
  server = await startTestServer()
  http = createHttp({ url: server.url, apiKey: 'anon-key-value' })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  server.handler = (_req, res) => json(res, 200, userBody())
})

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => 'resolved', (e: unknown) => e)
}

describe('user', () => {
  it('getUser sends the jwt and parses the user', async () => {
    const user = await getUser(http, JWT)
    expect(server.last()).toMatchObject({ method: 'GET', path: '/user' })
    expect(server.last().headers['authorization']).toBe(`Bearer ${JWT}`)
    expect(user.id).toBe(userBody()['id'])
  })

  it('getUser: session_not_found → AuthSessionMissingError; garbage → AuthInvalidTokenResponseError', async () => {
    server.handler = (_req, res) => json(res, 403, { code: 403, error_code: 'session_not_found', msg: 'Session from session_id claim in JWT does not exist' })
    expect(await rejection(getUser(http, JWT))).toBeInstanceOf(AuthSessionMissingError)
    server.handler = (_req, res) => json(res, 200, [])
    expect(await rejection(getUser(http, JWT))).toBeInstanceOf(AuthInvalidTokenResponseError)
  })

  it('getUser without a jwt rejects locally', async () => {
    expect(await rejection(getUser(http, ''))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('updateUser PUTs the attributes plus PKCE and redirect_to', async () => {
    await updateUser(http, JWT, { email: 'new@example.com', data: { a: 1 } }, { redirectTo: 'https://app.example.com', codeChallenge: 'c', codeChallengeMethod: 's256' })
    const req = server.last()
    expect(req).toMatchObject({ method: 'PUT', path: '/user' })
    expect(req.body).toEqual({ email: 'new@example.com', data: { a: 1 }, code_challenge: 'c', code_challenge_method: 's256' })
    expect(req.query.get('redirect_to')).toBe('https://app.example.com')
    expect(req.headers['authorization']).toBe(`Bearer ${JWT}`)
  })

  it('reauthenticate GETs /reauthenticate', async () => {
    server.handler = (_req, res) => json(res, 200, {})
    await reauthenticate(http, JWT)
    expect(server.last()).toMatchObject({ method: 'GET', path: '/reauthenticate' })
  })
})

describe('logout', () => {
  it('POSTs /logout?scope= with the jwt and accepts 204', async () => {
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    await logout(http, JWT, 'others')
    expect(server.last()).toMatchObject({ method: 'POST', path: '/logout' })
    expect(server.last().query.get('scope')).toBe('others')
    expect(server.last().headers['authorization']).toBe(`Bearer ${JWT}`)
  })

  it('rejects an unknown scope locally and surfaces session_not_found', async () => {
    expect(await rejection(logout(http, JWT, 'everyone' as never))).toBeInstanceOf(AuthInvalidCredentialsError)
    server.handler = (_req, res) => json(res, 403, { code: 'session_not_found', message: 'gone' }, { 'X-Supabase-Api-Version': '2024-01-01' })
    expect(await rejection(logout(http, JWT, 'local'))).toBeInstanceOf(AuthSessionMissingError)
  })
})

describe('mfa', () => {
  it('enrollFactor TOTP: body keys and qr_code turned into a data URI', async () => {
    server.handler = (_req, res) =>
      json(res, 200, { id: FACTOR, type: 'totp', friendly_name: 'app', totp: { qr_code: '<?xml version="1.0"?><svg/>', secret: 'BASE32', uri: 'otpauth://totp/x' } })
    const r = await enrollFactor(http, JWT, { factorType: 'totp', friendlyName: 'app', issuer: 'example.com' })
    expect(server.last()).toMatchObject({ method: 'POST', path: '/factors', body: { factor_type: 'totp', friendly_name: 'app', issuer: 'example.com' } })
    expect(r.type).toBe('totp')
    if (r.type === 'totp') expect(r.totp.qr_code).toBe('data:image/svg+xml;utf-8,<?xml version="1.0"?><svg/>')
  })

  it('enrollFactor phone', async () => {
    server.handler = (_req, res) => json(res, 200, { id: FACTOR, type: 'phone', friendly_name: '', phone: '15551234567' })
    const r = await enrollFactor(http, JWT, { factorType: 'phone', phone: '+15551234567' })
    expect(server.last().body).toEqual({ factor_type: 'phone', phone: '+15551234567' })
    expect(r).toEqual({ id: FACTOR, type: 'phone', friendly_name: '', phone: '15551234567' })
  })

  it('enrollFactor rejects a malformed answer', async () => {
    server.handler = (_req, res) => json(res, 200, { id: FACTOR, type: 'totp' })
    expect(await rejection(enrollFactor(http, JWT, { factorType: 'totp' }))).toBeInstanceOf(AuthInvalidTokenResponseError)
  })

  it('challengeFactor always sends a JSON body', async () => {
    server.handler = (_req, res) => json(res, 200, { id: CHALLENGE, type: 'totp', expires_at: 1_900_000_000 })
    const r = await challengeFactor(http, JWT, { factorId: FACTOR })
    expect(server.last()).toMatchObject({ path: `/factors/${FACTOR}/challenge`, body: {} })
    expect(r).toEqual({ id: CHALLENGE, type: 'totp', expires_at: 1_900_000_000 })
    await challengeFactor(http, JWT, { factorId: FACTOR, channel: 'whatsapp' })
    expect(server.last().body).toEqual({ channel: 'whatsapp' })
  })

  it('verifyFactor posts challenge_id and code and parses the session', async () => {
    server.handler = (_req, res) => json(res, 200, tokenBody())
    const r = await verifyFactor(http, JWT, { factorId: FACTOR, challengeId: CHALLENGE, proof: checkedProof({ code: '123456' }) })
    expect(server.last()).toMatchObject({ path: `/factors/${FACTOR}/verify`, body: { challenge_id: CHALLENGE, code: '123456' } })
    expect(r.access_token).toBe(tokenBody()['access_token'])
  })

  it('unenrollFactor DELETEs the factor', async () => {
    server.handler = (_req, res) => json(res, 200, { id: FACTOR })
    expect(await unenrollFactor(http, JWT, { factorId: FACTOR })).toEqual({ id: FACTOR })
    expect(server.last()).toMatchObject({ method: 'DELETE', path: `/factors/${FACTOR}` })
  })

  it('rejects a non-UUID factor id and an empty code locally', async () => {
    expect(await rejection(challengeFactor(http, JWT, { factorId: '../user' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(() => checkedProof({ code: '' })).toThrow(AuthInvalidCredentialsError)
    expect(await rejection(verifyFactor(http, JWT, { factorId: FACTOR, challengeId: '1', proof: { code: '123456' } }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })
})

describe('settings and health', () => {
  it('getSettings and getHealth', async () => {
    server.handler = (req, res) =>
      req.path === '/settings'
        ? json(res, 200, { external: { email: true }, disable_signup: false, mailer_autoconfirm: false, phone_autoconfirm: false, sms_provider: '', saml_enabled: false })
        : json(res, 200, { version: 'v2', name: 'GoTrue', description: 'x' })
    expect((await getSettings(http)).external['email']).toBe(true)
    expect((await getHealth(http)).name).toBe('GoTrue')
    server.handler = (_req, res) => json(res, 200, { nope: true })
    expect(await rejection(getSettings(http))).toBeInstanceOf(AuthInvalidTokenResponseError)
  })
})
