import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, signUp, start, uniqueEmail } from '../support/server-helpers.js'

let auto: AuthServer
let confirm: AuthServer
beforeAll(async () => {
  auto = await start()
  confirm = await start({ mailerAutoconfirm: false, smsAutoconfirm: false })
})
afterAll(async () => {
  await auto.close()
  await confirm.close()
})

describe('POST /signup with autoconfirm', () => {
  it('returns a session with the documented shape and claims', async () => {
    const email = uniqueEmail('Ada').toUpperCase()
    const s = await signUp(auto, email)
    expect(s.token_type).toBe('bearer')
    expect(s.expires_in).toBe(3600)
    expect(s.refresh_token).toMatch(/^[a-z2-7]{12}$/)
    expect(s.user.email).toBe(email.toLowerCase())
    expect(s.user.email_confirmed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z$/)
    expect(s.user.user_metadata).toMatchObject({ email_verified: true, sub: s.user.id })
    expect(s.user.app_metadata).toEqual({ provider: 'email', providers: ['email'] })
    const c = claims(s.access_token)
    expect(c).toMatchObject({ aud: 'authenticated', role: 'authenticated', aal: 'aal1', sub: s.user.id, is_anonymous: false, phone: '' })
    expect(c.amr[0].method).toBe('password')
    expect(c.exp).toBe(s.expires_at)
    expect(c.iss).toBe(auto.url)
  })

  it('answers without confirmed_at (a generated column), which a later read has', async () => {
    const s = await signUp(auto)
    expect(s.user.email_confirmed_at).toBeDefined()
    expect(s.user).not.toHaveProperty('confirmed_at')
    const read = await call(auto, 'GET', '/user', { token: s.access_token })
    expect(read.body.confirmed_at).toBe(s.user.email_confirmed_at)
  })

  it('merges the identity claims into user_metadata and copies data into identity_data', async () => {
    const email = uniqueEmail()
    const res = await call(auto, 'POST', '/signup', { body: { email, password: 'password123', data: { plan: 'pro', email: 'spoof@example.com' } } })
    const { user } = res.body
    // The claims win over a clashing data key.
    const expected = { plan: 'pro', sub: user.id, email, email_verified: true, phone_verified: false }
    expect(user.user_metadata).toEqual(expected)
    expect(user.identities[0].identity_data).toEqual(expected)
  })

  it('refuses an already registered email with user_already_exists', async () => {
    const email = uniqueEmail()
    await signUp(auto, email)
    const res = await call(auto, 'POST', '/signup', { body: { email, password: 'another123' } })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ error_code: 'user_already_exists', msg: 'User already registered' })
  })

  it('reports weak passwords with reasons in both shapes', async () => {
    const initial = await call(auto, 'POST', '/signup', { body: { email: uniqueEmail(), password: '123' } })
    expect(initial.status).toBe(422)
    expect(initial.body).toEqual({
      code: 422,
      error_code: 'weak_password',
      msg: 'Password should be at least 6 characters.',
      weak_password: { reasons: ['length'] },
    })
    expect(initial.headers.get('x-sb-error-code')).toBe('weak_password')
    const v2 = await call(auto, 'POST', '/signup', {
      body: { email: uniqueEmail(), password: '123' },
      headers: { 'X-Supabase-Api-Version': '2024-01-01' },
    })
    expect(v2.body).toEqual({ code: 'weak_password', message: 'Password should be at least 6 characters.', weak_password: { reasons: ['length'] } })
    expect(v2.headers.get('x-sb-error-code')).toBeNull()
  })

  it('rejects passwords over 72 bytes as validation_failed', async () => {
    const res = await call(auto, 'POST', '/signup', { body: { email: uniqueEmail(), password: 'x'.repeat(73) } })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error_code: 'validation_failed', msg: 'Password cannot be longer than 72 characters' })
  })

  it('signs up a phone user without the plus sign', async () => {
    const res = await call(auto, 'POST', '/signup', { body: { phone: '+1 555 000 1234', password: 'password123' } })
    expect(res.status).toBe(200)
    expect(res.body.user.phone).toBe('15550001234')
    expect(res.body.user.phone_confirmed_at).toBeDefined()
  })

  it('signs in anonymously', async () => {
    const res = await call(auto, 'POST', '/signup', { body: { data: { theme: 'dark' } } })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ is_anonymous: true, email: '', phone: '', app_metadata: {}, identities: [] })
    expect(res.body.user.user_metadata).toEqual({ theme: 'dark' })
    const c = claims(res.body.access_token)
    expect(c.is_anonymous).toBe(true)
    expect(c.amr[0].method).toBe('anonymous')
  })

  it('refuses anonymous sign-in when disabled, and signups when disabled', async () => {
    const off = await start({ anonymousSignIns: false, disableSignup: true })
    try {
      const anon = await call(off, 'POST', '/signup', { body: {} })
      expect(anon.body).toMatchObject({ error_code: 'anonymous_provider_disabled', msg: 'Anonymous sign-ins are disabled' })
      const email = await call(off, 'POST', '/signup', { body: { email: uniqueEmail(), password: 'password123' } })
      expect(email.body).toMatchObject({ code: 422, error_code: 'signup_disabled' })
    } finally {
      await off.close()
    }
  })
})

describe('POST /signup with confirmations on', () => {
  it('returns the user, mails a confirmation, and /verify confirms it', async () => {
    const email = uniqueEmail()
    const res = await call(confirm, 'POST', '/signup', { body: { email, password: 'password123' } })
    expect(res.status).toBe(200)
    expect(res.body.access_token).toBeUndefined()
    expect(res.body.email_confirmed_at).toBeUndefined()
    expect(res.body.confirmation_sent_at).toBeDefined()
    const mail = confirm.outbox.latest(email, 'signup')!
    expect(mail.otp).toMatch(/^\d{6}$/)
    expect(mail.channel).toBe('email')
    expect(mail.link).toContain('/auth/v1/verify?token=')
    const verified = await call(confirm, 'POST', '/verify', { body: { type: 'email', email, token: mail.otp } })
    expect(verified.status).toBe(200)
    expect(verified.body.user.email_confirmed_at).toBeDefined()
    expect(claims(verified.body.access_token).amr[0].method).toBe('otp')
    const again = await call(confirm, 'POST', '/verify', { body: { type: 'email', email, token: mail.otp } })
    expect(again.status).toBe(403)
    expect(again.body).toMatchObject({ error_code: 'otp_expired', msg: 'Token has expired or is invalid' })
  })

  it('answers a fake user for an already confirmed email (anti-enumeration)', async () => {
    const email = uniqueEmail()
    await call(confirm, 'POST', '/signup', { body: { email, password: 'password123' } })
    const mail = confirm.outbox.latest(email, 'signup')!
    const ok = await call(confirm, 'POST', '/verify', { body: { type: 'signup', token_hash: mail.tokenHash } })
    const res = await call(confirm, 'POST', '/signup', { body: { email, password: 'password123', data: { a: 1 } } })
    expect(res.status).toBe(200)
    expect(res.body.id).not.toBe(ok.body.user.id)
    expect(res.body.identities).toEqual([])
    expect(res.body.role).toBe('')
    expect(res.body.user_metadata).toEqual({ a: 1 })
    expect(res.body.email_confirmed_at).toBeUndefined()
  })

  it('enforces the resend interval on repeated signups', async () => {
    const email = uniqueEmail()
    await call(confirm, 'POST', '/signup', { body: { email, password: 'password123' } })
    const res = await call(confirm, 'POST', '/signup', { body: { email, password: 'password123' } })
    expect(res.status).toBe(429)
    expect(res.body.error_code).toBe('over_email_send_rate_limit')
    expect(res.body.msg).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/)
  })

  it('confirms a phone signup by SMS', async () => {
    const res = await call(confirm, 'POST', '/signup', { body: { phone: '+15550009876', password: 'password123' } })
    expect(res.status).toBe(200)
    const sms = confirm.outbox.latest('+15550009876', 'sms')!
    expect(sms.channel).toBe('sms')
    const ok = await call(confirm, 'POST', '/verify', { body: { type: 'sms', phone: '15550009876', token: sms.otp } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.phone_confirmed_at).toBeDefined()
  })
})

describe('POST /token?grant_type=password', () => {
  it('signs in, with invalid_credentials for wrong or unknown users', async () => {
    const email = uniqueEmail()
    await signUp(auto, email)
    const ok = await call(auto, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.last_sign_in_at).toBeDefined()
    // The key is always there on this grant, null when the password meets the policy.
    expect(ok.body).toHaveProperty('weak_password', null)
    const wrong = await call(auto, 'POST', '/token?grant_type=password', { body: { email, password: 'nope12345' } })
    expect(wrong.body).toMatchObject({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
    const unknown = await call(auto, 'POST', '/token?grant_type=password', { body: { email: uniqueEmail(), password: 'x1234567' } })
    expect(unknown.body.error_code).toBe('invalid_credentials')
  })

  it('reports email_not_confirmed only with the correct password', async () => {
    const email = uniqueEmail()
    await call(confirm, 'POST', '/signup', { body: { email, password: 'password123' } })
    const wrong = await call(confirm, 'POST', '/token?grant_type=password', { body: { email, password: 'wrong12345' } })
    expect(wrong.body.error_code).toBe('invalid_credentials')
    const right = await call(confirm, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })
    expect(right.status).toBe(400)
    expect(right.body).toMatchObject({ error_code: 'email_not_confirmed', msg: 'Email not confirmed' })
  })

  it('validates the email/phone combination', async () => {
    const both = await call(auto, 'POST', '/token?grant_type=password', { body: { email: 'a@b.co', phone: '123', password: 'x' } })
    expect(both.body.msg).toBe('Only an email address or phone number should be provided on login.')
    const none = await call(auto, 'POST', '/token?grant_type=password', { body: { password: 'x' } })
    expect(none.body.msg).toBe('missing email or phone')
  })

  it('adds weak_password when the correct password no longer meets the policy', async () => {
    const strict = await start({ passwordRequiredCharacters: ['0123456789'] })
    try {
      const email = uniqueEmail()
      await call(strict, 'POST', '/admin/users', { token: strict.serviceRoleKey, body: { email, password: 'lettersonly', email_confirm: true } })
      const res = await call(strict, 'POST', '/token?grant_type=password', { body: { email, password: 'lettersonly' } })
      expect(res.status).toBe(200)
      expect(res.body.weak_password).toEqual({
        message: 'Password should contain at least one character of each: 0123456789.',
        reasons: ['characters'],
      })
    } finally {
      await strict.close()
    }
  })
})
