import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signIn, signUp, start, uniqueEmail } from '../support/server-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

describe('GET/PUT /user', () => {
  it('reads the user with identities', async () => {
    const s = await signUp(server)
    const res = await call(server, 'GET', '/user', { token: s.access_token })
    expect(res.status).toBe(200)
    expect(res.body.id).toBe(s.user.id)
    expect(res.body.identities).toHaveLength(1)
    expect(res.body.identities[0]).toMatchObject({ provider: 'email', user_id: s.user.id, id: s.user.id })
    expect(res.body.factors).toBeUndefined()
  })

  it('merges user_metadata shallowly and deletes null keys', async () => {
    const s = await signUp(server)
    await call(server, 'PUT', '/user', { token: s.access_token, body: { data: { a: 1, b: 2 } } })
    const res = await call(server, 'PUT', '/user', { token: s.access_token, body: { data: { b: null, c: 3 } } })
    expect(res.body.user_metadata).toMatchObject({ a: 1, c: 3 })
    expect(res.body.user_metadata).not.toHaveProperty('b')
  })

  it('refuses app_metadata from a non-admin', async () => {
    const s = await signUp(server)
    const res = await call(server, 'PUT', '/user', { token: s.access_token, body: { app_metadata: { plan: 'pro' } } })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ error_code: 'not_admin', msg: 'Updating app_metadata requires admin privileges' })
  })

  it('changes the password and revokes the other sessions only', async () => {
    const email = uniqueEmail()
    const a = await signUp(server, email)
    const b = await signIn(server, email)
    const res = await call(server, 'PUT', '/user', { token: a.access_token, body: { password: 'newpassword1' } })
    expect(res.status).toBe(200)
    expect((await call(server, 'GET', '/user', { token: a.access_token })).status).toBe(200)
    const other = await call(server, 'GET', '/user', { token: b.access_token })
    expect(other.status).toBe(403)
    expect(other.body.error_code).toBe('session_not_found')
    expect((await call(server, 'POST', '/token?grant_type=password', { body: { email, password: 'newpassword1' } })).status).toBe(200)
  })

  it('refuses the same password', async () => {
    const s = await signUp(server)
    const res = await call(server, 'PUT', '/user', { token: s.access_token, body: { password: 'password123' } })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ error_code: 'same_password', msg: 'New password should be different from the old password.' })
  })

  it('refuses an email already taken', async () => {
    const taken = uniqueEmail()
    await signUp(server, taken)
    const s = await signUp(server)
    const res = await call(server, 'PUT', '/user', { token: s.access_token, body: { email: taken } })
    expect(res.body).toMatchObject({ code: 422, error_code: 'email_exists' })
  })

  it('refuses a password for an anonymous user without email or phone', async () => {
    const anon = await call(server, 'POST', '/signup', { body: {} })
    const res = await call(server, 'PUT', '/user', { token: anon.body.access_token, body: { password: 'password123' } })
    expect(res.body).toMatchObject({ code: 422, msg: 'Updating password of an anonymous user without an email or phone is not allowed' })
  })

  it('converts an anonymous user with an email directly under autoconfirm', async () => {
    const anon = await call(server, 'POST', '/signup', { body: {} })
    const email = uniqueEmail()
    const res = await call(server, 'PUT', '/user', { token: anon.body.access_token, body: { email, password: 'password123' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ email, is_anonymous: false, email_confirmed_at: expect.any(String) })
    // Confirmed by this very update, and answered from memory: no generated confirmed_at yet.
    expect(res.body).not.toHaveProperty('confirmed_at')
    expect((await signIn(server, email)).user.confirmed_at).toBe(res.body.email_confirmed_at)
    expect((await signIn(server, email)).user.id).toBe(anon.body.user.id)
  })

  it('keeps confirmed_at in updates of a user confirmed before', async () => {
    const s = await signUp(server)
    const res = await call(server, 'PUT', '/user', { token: s.access_token, body: { data: { a: 1 } } })
    expect(res.body.confirmed_at).toBe(s.user.email_confirmed_at)
  })
})

describe('email change', () => {
  it('needs both confirmations in secure mode, then issues a session', async () => {
    const srv = await start({ mailerAutoconfirm: false })
    try {
      const email = uniqueEmail()
      await call(srv, 'POST', '/signup', { body: { email, password: 'password123' } })
      const signupMail = srv.outbox.latest(email, 'signup')!
      const s = (await call(srv, 'POST', '/verify', { body: { type: 'signup', email, token: signupMail.otp } })).body
      const newEmail = uniqueEmail('new')
      const put = await call(srv, 'PUT', '/user', { token: s.access_token, body: { email: newEmail } })
      expect(put.status).toBe(200)
      expect(put.body.new_email).toBe(newEmail)
      expect(put.body.email_change_sent_at).toBeDefined()
      const current = srv.outbox.latest(email, 'email_change_current')!
      const next = srv.outbox.latest(newEmail, 'email_change_new')!
      const first = await call(srv, 'POST', '/verify', { body: { type: 'email_change', email, token: current.otp } })
      expect(first.status).toBe(200)
      expect(first.body).toEqual({ code: '200', msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email' })
      const second = await call(srv, 'POST', '/verify', { body: { type: 'email_change', token_hash: next.tokenHash } })
      expect(second.status).toBe(200)
      expect(second.body.user.email).toBe(newEmail)
      expect(second.body.user.new_email).toBeUndefined()
    } finally {
      await srv.close()
    }
  })

  it('changes the phone through an SMS code when SMS autoconfirm is off', async () => {
    const srv = await start({ smsAutoconfirm: false })
    try {
      const s = await signUp(srv)
      const put = await call(srv, 'PUT', '/user', { token: s.access_token, body: { phone: '+15551230000' } })
      expect(put.body.new_phone).toBe('15551230000')
      const sms = srv.outbox.latest('15551230000', 'phone_change')!
      const ok = await call(srv, 'POST', '/verify', { body: { type: 'phone_change', phone: '+15551230000', token: sms.otp } })
      expect(ok.status).toBe(200)
      expect(ok.body.user.phone).toBe('15551230000')
      expect(ok.body.user.app_metadata.providers).toEqual(['email', 'phone'])
    } finally {
      await srv.close()
    }
  })
})

describe('reauthentication', () => {
  it('requires a nonce for password changes in sessions older than 24 h', async () => {
    const clock = fakeClock()
    const srv = await start({ now: clock.now, passwordRequireReauthentication: true })
    try {
      const s = await signUp(srv)
      clock.advance(25 * 3600 * 1000)
      const fresh = (await call(srv, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: s.refresh_token } })).body
      const noNonce = await call(srv, 'PUT', '/user', { token: fresh.access_token, body: { password: 'newpassword1' } })
      expect(noNonce.status).toBe(400)
      expect(noNonce.body).toMatchObject({ error_code: 'reauthentication_needed', msg: 'Password update requires reauthentication' })
      const reauth = await call(srv, 'GET', '/reauthenticate', { token: fresh.access_token })
      expect(reauth.status).toBe(200)
      expect(reauth.body).toEqual({})
      const mail = srv.outbox.latest(s.user.email, 'reauthentication')!
      const wrong = await call(srv, 'PUT', '/user', { token: fresh.access_token, body: { password: 'newpassword1', nonce: '000000' === mail.otp ? '111111' : '000000' } })
      expect(wrong.body).toMatchObject({ code: 422, error_code: 'reauthentication_not_valid', msg: 'Nonce has expired or is invalid' })
      const ok = await call(srv, 'PUT', '/user', { token: fresh.access_token, body: { password: 'newpassword1', nonce: mail.otp } })
      expect(ok.status).toBe(200)
    } finally {
      await srv.close()
    }
  })

  it('rate-limits repeated reauthentication requests', async () => {
    const s = await signUp(server)
    expect((await call(server, 'GET', '/reauthenticate', { token: s.access_token })).status).toBe(200)
    const again = await call(server, 'GET', '/reauthenticate', { token: s.access_token })
    expect(again.status).toBe(429)
  })
})

describe('POST /logout', () => {
  it('local signs out only this session; a second logout is 403 session_not_found', async () => {
    const email = uniqueEmail()
    const a = await signUp(server, email)
    const b = await signIn(server, email)
    expect((await call(server, 'POST', '/logout?scope=local', { token: a.access_token })).status).toBe(204)
    expect((await call(server, 'GET', '/user', { token: b.access_token })).status).toBe(200)
    const again = await call(server, 'POST', '/logout', { token: a.access_token })
    expect(again.status).toBe(403)
    expect(again.body).toMatchObject({ error_code: 'session_not_found', msg: 'Session from session_id claim in JWT does not exist' })
  })

  it('others keeps this session; global ends all', async () => {
    const email = uniqueEmail()
    const a = await signUp(server, email)
    const b = await signIn(server, email)
    const c = await signIn(server, email)
    expect((await call(server, 'POST', '/logout?scope=others', { token: a.access_token })).status).toBe(204)
    expect((await call(server, 'GET', '/user', { token: a.access_token })).status).toBe(200)
    expect((await call(server, 'GET', '/user', { token: b.access_token })).status).toBe(403)
    const d = await signIn(server, email)
    expect((await call(server, 'POST', '/logout', { token: d.access_token })).status).toBe(204)
    expect((await call(server, 'GET', '/user', { token: a.access_token })).status).toBe(403)
    expect(c).toBeDefined()
  })

  it('rejects unknown scopes after authentication', async () => {
    const s = await signUp(server)
    const res = await call(server, 'POST', '/logout?scope=everyone', { token: s.access_token })
    expect(res.body).toMatchObject({ code: 400, msg: 'Unsupported logout scope "everyone"' })
  })
})
