import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signUp, start, uniqueEmail } from '../support/server-helpers.js'

const clock = fakeClock()
let server: AuthServer
beforeAll(async () => {
  server = await start({ now: clock.now })
})
afterAll(() => server.close())

const sha224 = (s: string) => createHash('sha224').update(s).digest('hex')

describe('POST /otp', () => {
  it('emails a code for an existing user; /verify type email signs in', async () => {
    const s = await signUp(server)
    const res = await call(server, 'POST', '/otp', { body: { email: s.user.email } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({})
    const mail = server.outbox.latest(s.user.email, 'magiclink')!
    expect(mail.tokenHash).toBe(sha224(s.user.email + mail.otp))
    const ok = await call(server, 'POST', '/verify', { body: { type: 'email', email: s.user.email, token: mail.otp } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.id).toBe(s.user.id)
  })

  it('creates the user by default, and refuses with create_user false', async () => {
    const email = uniqueEmail()
    const refused = await call(server, 'POST', '/otp', { body: { email, create_user: false } })
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({ error_code: 'otp_disabled', msg: 'Signups not allowed for otp' })
    expect((await call(server, 'POST', '/otp', { body: { email } })).status).toBe(200)
    expect(server.outbox.latest(email, 'magiclink')).toBeDefined()
  })

  it('texts a code to a phone; /verify type sms signs in', async () => {
    const phone = '+15557654321'
    expect((await call(server, 'POST', '/otp', { body: { phone } })).body).toEqual({})
    const sms = server.outbox.latest(phone, 'sms')!
    expect(sms.to).toBe('15557654321')
    expect(sms.tokenHash).toBe(sha224('15557654321' + sms.otp))
    const ok = await call(server, 'POST', '/verify', { body: { type: 'sms', phone, token: sms.otp } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.phone).toBe('15557654321')
  })

  it('expires SMS codes after 60 s', async () => {
    const phone = '+15557650000'
    await call(server, 'POST', '/otp', { body: { phone } })
    const sms = server.outbox.latest(phone, 'sms')!
    clock.advance(61_000)
    const res = await call(server, 'POST', '/verify', { body: { type: 'sms', phone, token: sms.otp } })
    expect(res.status).toBe(403)
    expect(res.body.error_code).toBe('otp_expired')
  })

  it('answers 500 "Unable to get SMS provider" for a phone when no SMS provider is configured', async () => {
    const srv = await start({ smsProvider: '' })
    try {
      const settings = await call(srv, 'GET', '/settings')
      expect(settings.body.sms_provider).toBe('')
      const before = srv.outbox.length
      const res = await call(srv, 'POST', '/otp', { body: { phone: '+15557651111' } })
      expect(res.status).toBe(500)
      expect(res.body).toMatchObject({ code: 500, error_code: 'unexpected_failure', msg: 'Unable to get SMS provider' })
      // GoTrue raised this one itself, so unlike an unhandled error it names its code.
      expect(res.headers.get('x-sb-error-code')).toBe('unexpected_failure')
      expect(srv.outbox.length).toBe(before)
      // Email is unaffected.
      expect((await call(srv, 'POST', '/otp', { body: { email: uniqueEmail() } })).status).toBe(200)
    } finally {
      await srv.close()
    }
  })

  it('validates parameters', async () => {
    const both = await call(server, 'POST', '/otp', { body: { email: 'a@b.co', phone: '123' } })
    expect(both.body.msg).toBe('Only an email address or phone number should be provided')
    const neither = await call(server, 'POST', '/otp', { body: {} })
    expect(neither.body.msg).toBe('One of email or phone must be set')
  })
})

describe('magic link, recovery, resend', () => {
  it('sends a magic link and enforces the resend interval', async () => {
    const s = await signUp(server)
    expect((await call(server, 'POST', '/magiclink', { body: { email: s.user.email } })).status).toBe(200)
    const limited = await call(server, 'POST', '/magiclink', { body: { email: s.user.email } })
    expect(limited.status).toBe(429)
    expect(limited.body.error_code).toBe('over_email_send_rate_limit')
    clock.advance(61_000)
    expect((await call(server, 'POST', '/magiclink', { body: { email: s.user.email } })).status).toBe(200)
  })

  it('recovers: {} for unknown emails, a recovery session for known ones', async () => {
    expect((await call(server, 'POST', '/recover', { body: { email: uniqueEmail() } })).body).toEqual({})
    const s = await signUp(server)
    expect((await call(server, 'POST', '/recover', { body: { email: s.user.email } })).body).toEqual({})
    const mail = server.outbox.latest(s.user.email, 'recovery')!
    const ok = await call(server, 'POST', '/verify', { body: { type: 'recovery', token_hash: mail.tokenHash } })
    expect(ok.status).toBe(200)
    const missing = await call(server, 'POST', '/recover', { body: {} })
    expect(missing.body.msg).toBe('Password recovery requires an email')
  })

  it('resends a signup confirmation and no-ops for confirmed users', async () => {
    const srv = await start({ mailerAutoconfirm: false, smtpMaxFrequency: 0 })
    try {
      const email = uniqueEmail()
      await call(srv, 'POST', '/signup', { body: { email, password: 'password123' } })
      const before = srv.outbox.length
      expect((await call(srv, 'POST', '/resend', { body: { type: 'signup', email } })).body).toEqual({})
      expect(srv.outbox.length).toBe(before + 1)
      const otp = srv.outbox.latest(email, 'signup')!.otp
      await call(srv, 'POST', '/verify', { body: { type: 'signup', email, token: otp } })
      await call(srv, 'POST', '/resend', { body: { type: 'signup', email } })
      expect(srv.outbox.length).toBe(before + 1)
      const bad = await call(srv, 'POST', '/resend', { body: { type: 'magic', email } })
      expect(bad.body.msg).toBe('Missing one of these types: signup, email_change, sms, phone_change')
    } finally {
      await srv.close()
    }
  })
})

describe('POST /verify validation', () => {
  it('checks type, token/token_hash and address', async () => {
    expect((await call(server, 'POST', '/verify', { body: { token: '1' } })).body.msg).toBe('Verify requires a verification type')
    expect((await call(server, 'POST', '/verify', { body: { type: 'email' } })).body.msg).toBe('Verify requires either a token or a token hash')
    expect((await call(server, 'POST', '/verify', { body: { type: 'email', token: '1' } })).body.msg).toBe(
      'Only an email address or phone number should be provided on verify',
    )
    const hashPlus = await call(server, 'POST', '/verify', { body: { type: 'email', token_hash: 'x', email: 'a@b.co' } })
    expect(hashPlus.body.msg).toBe('Only the token_hash and type should be provided')
    const smsHash = await call(server, 'POST', '/verify', { body: { type: 'sms', token_hash: 'x' } })
    expect(smsHash.body.msg).toBe('Invalid email verification type')
    const unknown = await call(server, 'POST', '/verify', { body: { type: 'signup', token_hash: 'nope' } })
    expect(unknown.body).toMatchObject({ code: 403, error_code: 'otp_expired', msg: 'Email link is invalid or has expired' })
  })

  it('answers an unknown type on the token path like a wrong code: 403 otp_expired', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/otp', { body: { email: s.user.email } })
    const mail = server.outbox.latest(s.user.email, 'magiclink')!
    const res = await call(server, 'POST', '/verify', { body: { type: 'login', email: s.user.email, token: mail.otp } })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ error_code: 'otp_expired', msg: 'Token has expired or is invalid' })
    const phone = await call(server, 'POST', '/verify', { body: { type: 'login', phone: '+15550001111', token: '123456' } })
    expect(phone.body).toMatchObject({ code: 403, error_code: 'otp_expired' })
    // The code was not spent on the bad request.
    expect((await call(server, 'POST', '/verify', { body: { type: 'magiclink', email: s.user.email, token: mail.otp } })).status).toBe(200)
  })
})

describe('GET /verify', () => {
  it('redirects with tokens in the fragment', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/magiclink', { body: { email: s.user.email } })
    const mail = server.outbox.latest(s.user.email, 'magiclink')!
    const res = await call(server, 'GET', `/verify?token=${mail.tokenHash}&type=magiclink&redirect_to=http://localhost:3000/welcome`)
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    expect(location.startsWith('http://localhost:3000/welcome#access_token=')).toBe(true)
    const frag = new URLSearchParams(location.split('#')[1])
    expect(frag.get('token_type')).toBe('bearer')
    expect(frag.get('type')).toBe('magiclink')
    expect(frag.has('sb')).toBe(true)
    expect(claims(frag.get('access_token')!).sub).toBe(s.user.id)
  })

  it('puts redirect_to into mailed links raw, escaping it only when it has &, = or #', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/recover', { body: { email: s.user.email, redirect_to: 'http://localhost:3000/reset' } })
    const raw = server.outbox.latest(s.user.email, 'recovery')!
    expect(raw.link).toBe(`${server.url}/verify?token=${raw.tokenHash}&type=recovery&redirect_to=http://localhost:3000/reset`)
    clock.advance(61_000)
    await call(server, 'POST', '/recover', { body: { email: s.user.email, redirect_to: 'http://localhost:3000/reset?step=2' } })
    const escaped = server.outbox.latest(s.user.email, 'recovery')!
    expect(escaped.link!.endsWith('&redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset%3Fstep%3D2')).toBe(true)
    // Either way the link leads back to the target.
    const res = await fetch(escaped.link!, { redirect: 'manual' })
    expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:3000\/reset\?step=2#access_token=/)
  })

  it('follows the emailed link as-is', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/recover', { body: { email: s.user.email } })
    const mail = server.outbox.latest(s.user.email, 'recovery')!
    const res = await fetch(mail.link!, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:3000#access_token=/)
  })

  it('redirects errors in the fragment, ignoring disallowed redirect targets', async () => {
    const res = await call(server, 'GET', '/verify?token=nope&type=signup&redirect_to=https://evil.example/x')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(
      'http://localhost:3000#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=',
    )
  })

  it('answers JSON 400 when parameters are missing', async () => {
    const res = await call(server, 'GET', '/verify?type=signup')
    expect(res.status).toBe(400)
    expect(res.body.msg).toBe('Verify requires a token or a token hash')
  })
})

describe('PKCE', () => {
  const verifier = 'v'.repeat(20) + '-verifier-' + 'x'.repeat(30)
  const challenge = createHash('sha256').update(verifier).digest('base64url')

  it('signup → GET /verify ?code= → grant_type=pkce', async () => {
    const srv = await start({ mailerAutoconfirm: false })
    try {
      const email = uniqueEmail()
      const up = await call(srv, 'POST', '/signup', {
        body: { email, password: 'password123', code_challenge: challenge, code_challenge_method: 's256' },
      })
      expect(up.status).toBe(200)
      const mail = srv.outbox.latest(email, 'signup')!
      expect(mail.tokenHash.startsWith('pkce_')).toBe(true)
      const res = await call(srv, 'GET', `/verify?token=${mail.tokenHash}&type=signup&redirect_to=http://localhost:3000/cb?x=1`)
      expect(res.status).toBe(303)
      const location = new URL(res.headers.get('location')!)
      expect(location.searchParams.get('x')).toBe('1')
      const code = location.searchParams.get('code')!
      const wrong = await call(srv, 'POST', '/token?grant_type=pkce', { body: { auth_code: code, code_verifier: 'w'.repeat(50) } })
      expect(wrong.body).toMatchObject({ error_code: 'bad_code_verifier', msg: 'code challenge does not match previously saved code verifier' })
      const ok = await call(srv, 'POST', '/token?grant_type=pkce', { body: { auth_code: code, code_verifier: verifier } })
      expect(ok.status).toBe(200)
      expect(claims(ok.body.access_token).amr[0].method).toBe('email/signup')
      const reused = await call(srv, 'POST', '/token?grant_type=pkce', { body: { auth_code: code, code_verifier: verifier } })
      expect(reused.status).toBe(404)
      expect(reused.body).toMatchObject({ error_code: 'flow_state_not_found', msg: 'invalid flow state, no valid flow state found' })
    } finally {
      await srv.close()
    }
  })

  it('expires flow states after 300 s and validates parameters', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/recover', { body: { email: s.user.email, code_challenge: verifier, code_challenge_method: 'plain' } })
    const mail = server.outbox.latest(s.user.email, 'recovery')!
    const res = await call(server, 'GET', `/verify?token=${mail.tokenHash}&type=recovery`)
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    clock.advance(301_000)
    const expired = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: code, code_verifier: verifier } })
    expect(expired.status).toBe(422)
    expect(expired.body.error_code).toBe('flow_state_expired')
    const half = await call(server, 'POST', '/recover', { body: { email: s.user.email, code_challenge: challenge } })
    expect(half.body.msg).toBe('PKCE flow requires code_challenge_method and code_challenge')
    const empty = await call(server, 'POST', '/token?grant_type=pkce', { body: {} })
    expect(empty.body.msg).toBe('invalid request: both auth code and code verifier should be non-empty')
  })
})
