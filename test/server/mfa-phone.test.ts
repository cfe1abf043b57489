/**
 * Phone MFA factors over raw HTTP (contract §4.16, §7): off by default, enrolment rules, the code a
 * challenge sends to the outbox (SMS or WhatsApp), verify to aal2 with `mfa/phone`, expiry and unenrol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signIn, signUp, start, uniqueEmail } from '../support/server-helpers.js'

let phoneCounter = 0
/** A fresh E.164 number, digits only. */
function newPhone(): string {
  phoneCounter += 1
  return `1555${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}${phoneCounter % 10}`
}

/** Enrolls a phone factor and answers a first challenge; returns what a test needs to verify it. */
async function enrollAndChallenge(server: AuthServer, token: string, phone = newPhone(), channel = 'sms') {
  const enroll = await call(server, 'POST', '/factors', { token, body: { factor_type: 'phone', phone: `+${phone}` } })
  const ch = await call(server, 'POST', `/factors/${enroll.body.id}/challenge`, { token, body: { channel } })
  return { phone, enroll, ch, otp: server.outbox.latest(phone)?.otp ?? '' }
}

describe('phone MFA refusals: switched off (the default), no SMS provider', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ mfaPhoneEnroll: true })
  })
  afterAll(() => server.close())

  it('refuses to enroll with mfa_phone_enroll_not_enabled', async () => {
    const off = await start()
    try {
      const s = await signUp(off)
      const res = await call(off, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'phone', phone: '+15550100' } })
      expect(res.body).toMatchObject({ code: 422, error_code: 'mfa_phone_enroll_not_enabled', msg: 'MFA enroll is disabled for Phone' })
    } finally {
      await off.close()
    }
  })

  it('answers 500 when no SMS provider is configured, and stores no challenge', async () => {
    const none = await start({ mfaPhoneEnroll: true, mfaPhoneVerify: true, smsProvider: '' })
    try {
      const s = await signUp(none)
      const { phone, ch } = await enrollAndChallenge(none, s.access_token)
      expect(ch.body).toMatchObject({ code: 500, msg: 'Failed to get SMS provider' })
      expect(none.outbox.latest(phone)).toBeUndefined()
    } finally {
      await none.close()
    }
  })

  it('refuses challenge and verify with mfa_phone_verify_not_enabled when only enrolment is on', async () => {
    const s = await signUp(server)
    const { enroll, ch } = await enrollAndChallenge(server, s.access_token)
    expect(enroll.status).toBe(200)
    const expected = { code: 422, error_code: 'mfa_phone_verify_not_enabled', msg: 'MFA verification is disabled for Phone' }
    expect(ch.body).toMatchObject(expected)
    const verify = await call(server, 'POST', `/factors/${enroll.body.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: crypto.randomUUID(), code: '123456' },
    })
    expect(verify.body).toMatchObject(expected)
    expect(server.outbox.latest(enroll.body.phone)).toBeUndefined()
  })
})

describe('phone MFA switched on', () => {
  const clock = fakeClock()
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ mfaPhoneEnroll: true, mfaPhoneVerify: true, now: clock.now })
  })
  afterAll(() => server.close())

  it('enrolls with the exact response shape; the user lists the factor with its normalized phone', async () => {
    const s = await signUp(server)
    const res = await call(server, 'POST', '/factors', {
      token: s.access_token,
      body: { factor_type: 'phone', phone: '+1 555 010 0200', friendly_name: 'Work phone' },
    })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(['friendly_name', 'id', 'phone', 'type'])
    expect(res.body).toMatchObject({ type: 'phone', friendly_name: 'Work phone', phone: '+1 555 010 0200' })
    const user = await call(server, 'GET', '/user', { token: s.access_token })
    expect(user.body.factors).toEqual([
      expect.objectContaining({ id: res.body.id, factor_type: 'phone', status: 'unverified', phone: '15550100200', friendly_name: 'Work phone' }),
    ])
  })

  it('validates the number', async () => {
    const s = await signUp(server)
    const missing = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'phone' } })
    expect(missing.body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'Phone number required to enroll Phone factor' })
    const bad = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'phone', phone: '+0123' } })
    expect(bad.body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'Invalid phone number format (E.164 required)' })
  })

  it('challenges by SMS and verifies: same session at aal2 with mfa/phone first', async () => {
    const s = await signUp(server)
    const other = await signIn(server, s.user.email)
    const { phone, enroll, ch, otp } = await enrollAndChallenge(server, s.access_token)
    expect(ch.status).toBe(200)
    expect(ch.body).toMatchObject({ type: 'phone', expires_at: Math.floor(clock.now() / 1000) + 300 })
    const sms = server.outbox.latest(phone)
    expect(sms).toMatchObject({ channel: 'sms', via: 'sms', type: 'sms', to: phone })
    expect(otp).toMatch(/^\d{6}$/)
    // What a Send SMS hook would have received (GoTrue's v0hooks.SendSMSInput).
    expect(sms?.smsHook).toMatchObject({
      metadata: { name: 'send-sms', uuid: expect.any(String), time: expect.any(String), ip_address: expect.any(String) },
      user: { id: s.user.id, email: s.user.email },
      sms: { otp, sms_type: 'mfa', phone },
    })
    const user = await call(server, 'GET', '/user', { token: s.access_token })
    expect(user.body.factors[0].last_challenged_at).not.toBeNull()

    const ok = await call(server, 'POST', `/factors/${enroll.body.id}/verify`, { token: s.access_token, body: { challenge_id: ch.body.id, code: otp } })
    expect(ok.status).toBe(200)
    const c = claims(ok.body.access_token)
    expect(c.aal).toBe('aal2')
    expect(c.session_id).toBe(claims(s.access_token).session_id)
    expect(c.amr.map((a: { method: string }) => a.method)).toEqual(['mfa/phone', 'password'])
    expect(ok.body.user.factors).toEqual([expect.objectContaining({ id: enroll.body.id, status: 'verified', phone })])
    expect((await call(server, 'GET', '/user', { token: other.access_token })).body.error_code).toBe('session_not_found')
  })

  it('rejects a wrong code without burning the challenge, then a reused challenge', async () => {
    const s = await signUp(server)
    const { enroll, ch, otp } = await enrollAndChallenge(server, s.access_token)
    const wrongCode = otp === '000000' ? '111111' : '000000'
    const path = `/factors/${enroll.body.id}/verify`
    const wrong = await call(server, 'POST', path, { token: s.access_token, body: { challenge_id: ch.body.id, code: wrongCode } })
    expect(wrong.body).toMatchObject({ code: 422, error_code: 'mfa_verification_failed', msg: 'Invalid MFA Phone code entered' })
    const ok = await call(server, 'POST', path, { token: s.access_token, body: { challenge_id: ch.body.id, code: otp } })
    expect(ok.status).toBe(200)
    const reused = await call(server, 'POST', path, { token: ok.body.access_token, body: { challenge_id: ch.body.id, code: otp } })
    expect(reused.body.error_code).toBe('mfa_ip_address_mismatch')
  })

  it('expires the challenge after 300 s', async () => {
    const s = await signUp(server)
    const { enroll, ch, otp } = await enrollAndChallenge(server, s.access_token)
    clock.advance(301_000)
    const res = await call(server, 'POST', `/factors/${enroll.body.id}/verify`, { token: s.access_token, body: { challenge_id: ch.body.id, code: otp } })
    expect(res.body).toMatchObject({
      code: 422,
      error_code: 'mfa_challenge_expired',
      msg: `MFA challenge ${ch.body.id} has expired, verify against another challenge or create a new challenge.`,
    })
  })

  it('holds a resend interval of 60 s per factor, then sends by WhatsApp; a bad channel is refused', async () => {
    const s = await signUp(server)
    const { phone, enroll } = await enrollAndChallenge(server, s.access_token)
    const path = `/factors/${enroll.body.id}/challenge`
    clock.advance(10_000)
    const early = await call(server, 'POST', path, { token: s.access_token, body: { channel: 'whatsapp' } })
    expect(early.body).toMatchObject({
      code: 429,
      error_code: 'over_sms_send_rate_limit',
      msg: 'For security purposes, you can only request this after 50 seconds.',
    })
    const bad = await call(server, 'POST', path, { token: s.access_token, body: { channel: 'pigeon' } })
    expect(bad.body).toMatchObject({ code: 400, error_code: 'validation_failed' })
    expect(bad.body.msg).toMatch(/^Invalid channel, supported values are 'sms' or 'whatsapp'/)

    clock.advance(51_000)
    const ch = await call(server, 'POST', path, { token: s.access_token, body: { channel: 'whatsapp' } })
    expect(ch.status).toBe(200)
    const msg = server.outbox.latest(phone)!
    expect(msg).toMatchObject({ type: 'sms', via: 'whatsapp' })
    const ok = await call(server, 'POST', `/factors/${enroll.body.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: msg.otp },
    })
    expect(claims(ok.body.access_token).aal).toBe('aal2')
  })

  it('replaces an unverified factor for the same number; the interval counts per factor', async () => {
    const s = await signUp(server)
    const phone = newPhone()
    const first = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'phone', phone } })
    const again = await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'phone', phone } })
    expect(again.status).toBe(200)
    const listed = (await call(server, 'GET', '/user', { token: s.access_token })).body.factors
    expect(listed.map((f: { id: string }) => f.id)).toEqual([again.body.id])
    expect(first.body.id).not.toBe(again.body.id)

    const sent = await call(server, 'POST', `/factors/${again.body.id}/challenge`, { token: s.access_token, body: {} })
    expect(sent.status).toBe(200)
    const resent = await call(server, 'POST', `/factors/${again.body.id}/challenge`, { token: s.access_token, body: {} })
    expect(resent.body.error_code).toBe('over_sms_send_rate_limit')
  })

  it('refuses a second verified factor for the same number and caps the number of factors', async () => {
    const email = uniqueEmail()
    const s = await signUp(server, email)
    const phone = newPhone()
    const { enroll, ch, otp } = await enrollAndChallenge(server, s.access_token, phone)
    const aal2 = (await call(server, 'POST', `/factors/${enroll.body.id}/verify`, { token: s.access_token, body: { challenge_id: ch.body.id, code: otp } })).body
    const dup = await call(server, 'POST', '/factors', { token: aal2.access_token, body: { factor_type: 'phone', phone, friendly_name: 'b' } })
    expect(dup.body).toMatchObject({
      code: 422,
      error_code: 'mfa_verified_factor_exists',
      msg: 'A verified phone factor already exists, unenroll the existing factor to continue',
    })
    const aal1 = await signIn(server, email)
    const gated = await call(server, 'POST', '/factors', { token: aal1.access_token, body: { factor_type: 'phone', phone: newPhone(), friendly_name: 'c' } })
    expect(gated.body).toMatchObject({ code: 403, error_code: 'insufficient_aal' })

    const capped = await start({ mfaPhoneEnroll: true, mfaPhoneVerify: true, mfaMaxEnrolledFactors: 2 })
    try {
      const u = await signUp(capped)
      for (const name of ['a', 'b']) {
        const ok = await call(capped, 'POST', '/factors', { token: u.access_token, body: { factor_type: 'phone', phone: newPhone(), friendly_name: name } })
        expect(ok.status).toBe(200)
      }
      const third = await call(capped, 'POST', '/factors', { token: u.access_token, body: { factor_type: 'phone', phone: newPhone(), friendly_name: 'c' } })
      expect(third.body).toMatchObject({ code: 422, error_code: 'too_many_enrolled_mfa_factors' })
    } finally {
      await capped.close()
    }
  })

  it('challenges a verified factor from a new aal1 session, and unenrolls it back to aal1', async () => {
    const email = uniqueEmail()
    const s = await signUp(server, email)
    const phone = newPhone()
    const first = await enrollAndChallenge(server, s.access_token, phone)
    await call(server, 'POST', `/factors/${first.enroll.body.id}/verify`, { token: s.access_token, body: { challenge_id: first.ch.body.id, code: first.otp } })

    clock.advance(61_000)
    const aal1 = await signIn(server, email)
    const factorId = first.enroll.body.id
    const ch = await call(server, 'POST', `/factors/${factorId}/challenge`, { token: aal1.access_token, body: { channel: 'sms' } })
    expect(ch.status).toBe(200)
    const code = server.outbox.latest(phone)!.otp
    const aal2 = (await call(server, 'POST', `/factors/${factorId}/verify`, { token: aal1.access_token, body: { challenge_id: ch.body.id, code } })).body
    expect(claims(aal2.access_token).aal).toBe('aal2')

    const other = await signIn(server, email)
    const refused = await call(server, 'DELETE', `/factors/${factorId}`, { token: other.access_token })
    expect(refused.body).toMatchObject({ code: 422, error_code: 'insufficient_aal' })
    const del = await call(server, 'DELETE', `/factors/${factorId}`, { token: aal2.access_token })
    expect(del.body).toEqual({ id: factorId })
    const refreshed = await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: aal2.refresh_token } })
    const c = claims(refreshed.body.access_token)
    expect(c.aal).toBe('aal1')
    expect(c.amr.map((a: { method: string }) => a.method)).not.toContain('mfa/phone')
    expect(refreshed.body.user.factors ?? []).toEqual([])
  })
})
