import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { recover, resend, sendOtp } from '../../src/api/otp.js'
import { signInAnonymously, signUp } from '../../src/api/signup.js'
import { exchangeCodeForSession, refreshAccessToken, signInWithPassword } from '../../src/api/token.js'
import { verifyOtp } from '../../src/api/verify.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError, AuthRetryableFetchError, AuthWeakPasswordError } from '../../src/errors.js'
import { createHttp, type Http } from '../../src/http/client.js'
import { json, startTestServer, tokenBody, userBody, type TestServer } from '../support/http-test-server.js'

let server: TestServer
let http: Http
beforeAll(async () => {
  server = await startTestServer('/auth/v1')
  http = createHttp({ url: server.url, apiKey: 'anon-key-value' })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  server.handler = (_req, res) => json(res, 200, tokenBody())
})

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => 'resolved', (e: unknown) => e)
}

describe('token grants', () => {
  it('signInWithPassword posts to /token?grant_type=password with auth-js body keys', async () => {
    const res = await signInWithPassword(http, { email: 'ada@example.com', password: 'pw-123456', captchaToken: 'cap' })
    const req = server.last()
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/token')
    expect(req.query.get('grant_type')).toBe('password')
    expect(req.body).toEqual({ email: 'ada@example.com', password: 'pw-123456', gotrue_meta_security: { captcha_token: 'cap' } })
    expect(res.access_token).toBe(tokenBody()['access_token'])
  })

  it('signInWithPassword by phone sends phone, not email', async () => {
    await signInWithPassword(http, { phone: '15551234567', password: 'pw-123456' })
    expect(server.last().body).toEqual({ phone: '15551234567', password: 'pw-123456', gotrue_meta_security: {} })
  })

  it('returns weak_password info from a successful sign-in', async () => {
    server.handler = (_req, res) => json(res, 200, tokenBody({ weak_password: { reasons: ['pwned'], message: 'Known weak' } }))
    const res = await signInWithPassword(http, { email: 'ada@example.com', password: 'password' })
    expect(res.weak_password).toEqual({ reasons: ['pwned'], message: 'Known weak' })
  })

  it.each([
    ['neither email nor phone', { password: 'x' }],
    ['both email and phone', { email: 'a@example.com', phone: '1555', password: 'x' }],
    ['empty password', { email: 'a@example.com', password: '' }],
    ['non-string password', { email: 'a@example.com', password: 123 }],
    ['non-string email', { email: 42, password: 'x' }],
  ])('signInWithPassword rejects %s before any request', async (_label, params) => {
    const e = await rejection(signInWithPassword(http, params as never))
    expect(e).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('refreshAccessToken posts the refresh token to grant_type=refresh_token', async () => {
    await refreshAccessToken(http, 'rt-value')
    const req = server.last()
    expect(req.path).toBe('/token')
    expect(req.query.get('grant_type')).toBe('refresh_token')
    expect(req.body).toEqual({ refresh_token: 'rt-value' })
  })

  it('refreshAccessToken rejects garbage 2xx bodies', async () => {
    server.handler = (_req, res) => json(res, 200, { access_token: 'a', refresh_token: 'b' })
    expect(await rejection(refreshAccessToken(http, 'rt-value'))).toBeInstanceOf(AuthInvalidTokenResponseError)
    server.handler = (_req, res) => json(res, 200, { hello: 'world' })
    expect(await rejection(refreshAccessToken(http, 'rt-value'))).toBeInstanceOf(AuthInvalidTokenResponseError)
  })

  it('refreshAccessToken surfaces a 2xx HTML body as retryable, not invalid', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<html></html>')
    }
    expect(await rejection(refreshAccessToken(http, 'rt-value'))).toBeInstanceOf(AuthRetryableFetchError)
  })

  it('exchangeCodeForSession posts auth_code + code_verifier to grant_type=pkce', async () => {
    await exchangeCodeForSession(http, { authCode: 'code-1', codeVerifier: 'verifier-1' })
    const req = server.last()
    expect(req.query.get('grant_type')).toBe('pkce')
    expect(req.body).toEqual({ auth_code: 'code-1', code_verifier: 'verifier-1' })
  })

  it('exchangeCodeForSession requires both values', async () => {
    expect(await rejection(exchangeCodeForSession(http, { authCode: 'c', codeVerifier: '' }))).toBeInstanceOf(AuthInvalidCredentialsError)
  })
})

describe('signup', () => {
  it('email sign-up sends data, PKCE and redirect_to; answers a user when confirmation is needed', async () => {
    server.handler = (_req, res) => json(res, 200, userBody({ confirmation_sent_at: '2026-01-01T00:00:00Z' }))
    const r = await signUp(http, {
      email: 'ada@example.com',
      password: 'pw-123456',
      data: { plan: 'free' },
      redirectTo: 'https://app.example.com/welcome',
      codeChallenge: 'challenge',
      codeChallengeMethod: 's256',
    })
    const req = server.last()
    expect(req.path).toBe('/signup')
    expect(req.query.get('redirect_to')).toBe('https://app.example.com/welcome')
    expect(req.body).toEqual({
      email: 'ada@example.com',
      password: 'pw-123456',
      data: { plan: 'free' },
      gotrue_meta_security: {},
      code_challenge: 'challenge',
      code_challenge_method: 's256',
    })
    expect(r.kind).toBe('user')
  })

  it('phone sign-up defaults channel to sms and answers a session when autoconfirmed', async () => {
    const r = await signUp(http, { phone: '15551234567', password: 'pw-123456' })
    expect(server.last().body).toEqual({ phone: '15551234567', password: 'pw-123456', data: {}, channel: 'sms', gotrue_meta_security: {} })
    expect(server.last().query.has('redirect_to')).toBe(false)
    expect(r.kind).toBe('session')
  })

  it('signUp surfaces AuthWeakPasswordError with reasons', async () => {
    server.handler = (_req, res) =>
      json(res, 422, { code: 'weak_password', message: 'Password should be at least 6 characters.', weak_password: { reasons: ['length'] } }, { 'X-Supabase-Api-Version': '2024-01-01' })
    const e = await rejection(signUp(http, { email: 'ada@example.com', password: 'abc' }))
    expect(e).toBeInstanceOf(AuthWeakPasswordError)
    expect((e as AuthWeakPasswordError).reasons).toEqual(['length'])
  })

  it('signUp validates its arguments', async () => {
    expect(await rejection(signUp(http, { password: 'x' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(signUp(http, { email: 'a@example.com', password: '' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(signUp(http, { phone: '1555', password: 'x', channel: 'pigeon' as never }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(signUp(http, { email: 'a@example.com', password: 'x', codeChallengeMethod: 's256' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('signInAnonymously always sends a JSON body with data', async () => {
    await signInAnonymously(http)
    expect(server.last().path).toBe('/signup')
    expect(server.last().body).toEqual({ data: {}, gotrue_meta_security: {} })
  })
})

describe('otp, resend, recover', () => {
  it('sendOtp email: create_user default true, data, PKCE, redirect_to', async () => {
    server.handler = (_req, res) => json(res, 200, {})
    const r = await sendOtp(http, { email: 'ada@example.com', redirectTo: 'https://app.example.com', codeChallenge: 'c', codeChallengeMethod: 'plain' })
    const req = server.last()
    expect(req.path).toBe('/otp')
    expect(req.query.get('redirect_to')).toBe('https://app.example.com')
    expect(req.body).toEqual({ email: 'ada@example.com', data: {}, create_user: true, gotrue_meta_security: {}, code_challenge: 'c', code_challenge_method: 'plain' })
    expect(r).toEqual({ messageId: null })
  })

  it('sendOtp phone: channel, create_user false, message_id', async () => {
    server.handler = (_req, res) => json(res, 200, { message_id: 'test-otp' })
    const r = await sendOtp(http, { phone: '15551234567', shouldCreateUser: false, channel: 'whatsapp' })
    expect(server.last().body).toEqual({ phone: '15551234567', data: {}, create_user: false, gotrue_meta_security: {}, channel: 'whatsapp' })
    expect(r).toEqual({ messageId: 'test-otp' })
  })

  it('resend sends type and the matching contact', async () => {
    server.handler = (_req, res) => json(res, 200, {})
    await resend(http, { type: 'signup', email: 'ada@example.com', redirectTo: 'https://app.example.com' })
    expect(server.last().path).toBe('/resend')
    expect(server.last().body).toEqual({ email: 'ada@example.com', type: 'signup', gotrue_meta_security: {} })
    expect(server.last().query.get('redirect_to')).toBe('https://app.example.com')
    await resend(http, { type: 'sms', phone: '15551234567' })
    expect(server.last().body).toEqual({ phone: '15551234567', type: 'sms', gotrue_meta_security: {} })
  })

  it('resend rejects a type/contact mismatch and unknown types', async () => {
    expect(await rejection(resend(http, { type: 'sms', email: 'ada@example.com' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(resend(http, { type: 'magiclink' as never, email: 'ada@example.com' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('recover posts the email with PKCE and redirect_to and resolves {}', async () => {
    server.handler = (_req, res) => json(res, 200, {})
    const r = await recover(http, 'ada@example.com', { redirectTo: 'https://app.example.com/reset', codeChallenge: 'c', codeChallengeMethod: 's256', captchaToken: 't' })
    expect(server.last().path).toBe('/recover')
    expect(server.last().body).toEqual({ email: 'ada@example.com', code_challenge: 'c', code_challenge_method: 's256', gotrue_meta_security: { captcha_token: 't' } })
    expect(server.last().query.get('redirect_to')).toBe('https://app.example.com/reset')
    expect(r).toEqual({})
  })
})

describe('verifyOtp', () => {
  it('token + email → session', async () => {
    const r = await verifyOtp(http, { type: 'email', email: 'ada@example.com', token: '123456', redirectTo: 'https://app.example.com' })
    const req = server.last()
    expect(req.path).toBe('/verify')
    expect(req.body).toEqual({ type: 'email', token: '123456', email: 'ada@example.com', gotrue_meta_security: {} })
    expect(req.query.get('redirect_to')).toBe('https://app.example.com')
    expect(r.kind).toBe('session')
  })

  it('token_hash alone → session', async () => {
    await verifyOtp(http, { type: 'magiclink', token_hash: 'abc123' })
    expect(server.last().body).toEqual({ type: 'magiclink', token_hash: 'abc123', gotrue_meta_security: {} })
  })

  it('first leg of a secure email change → pending', async () => {
    server.handler = (_req, res) =>
      json(res, 200, { code: '200', msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email' })
    const r = await verifyOtp(http, { type: 'email_change', email: 'ada@example.com', token: '123456' })
    expect(r).toEqual({ kind: 'pending', message: 'Confirmation link accepted. Please proceed to confirm link sent to the other email' })
  })

  it('a user body → user; garbage → AuthInvalidTokenResponseError', async () => {
    server.handler = (_req, res) => json(res, 200, userBody())
    expect((await verifyOtp(http, { type: 'sms', phone: '15551234567', token: '123456' })).kind).toBe('user')
    server.handler = (_req, res) => json(res, 200, { foo: 1 })
    expect(await rejection(verifyOtp(http, { type: 'sms', phone: '15551234567', token: '123456' }))).toBeInstanceOf(AuthInvalidTokenResponseError)
    server.handler = (_req, res) => json(res, 200, tokenBody({ user: null }))
    expect(await rejection(verifyOtp(http, { type: 'sms', phone: '15551234567', token: '123456' }))).toBeInstanceOf(AuthInvalidTokenResponseError)
  })

  it.each([
    ['no token and no hash', { type: 'email', email: 'a@example.com' }],
    ['both token and hash', { type: 'email', email: 'a@example.com', token: '1', token_hash: 'h' }],
    ['token without contact', { type: 'email', token: '1' }],
    ['hash with email', { type: 'email', token_hash: 'h', email: 'a@example.com' }],
    ['unknown type', { type: 'bogus', token_hash: 'h' }],
  ])('rejects %s before any request', async (_label, params) => {
    expect(await rejection(verifyOtp(http, params as never))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })
})
