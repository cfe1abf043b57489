/**
 * signUp (email with and without confirmation, phone), the confirmation through verifyOtp, and resend.
 * Against a real GoTrue the tests read `/settings` and skip what its configuration cannot show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, record, rejection, serverSettings, type ServerSettings } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, type Target, uniqueEmail, uniquePhone } from '../support/target.js'
import { resend } from '../../src/confirmations/index.js'

let target: Target
/** A second server whose email sign-ups need confirmation (the same server when `GOTRUE_URL` is set). */
let confirming: Target
let settings: ServerSettings

beforeAll(async () => {
  target = await openTarget()
  confirming = await openTarget({ mailerAutoconfirm: false })
  settings = await serverSettings(target)
})
afterAll(async () => {
  await target?.close()
  await confirming?.close()
})

describe('signUp with email, autoconfirm on', () => {
  it('resolves user and session, signs in, and announces SIGNED_IN', async (ctx) => {
    ctx.skip(!settings.mailerAutoconfirm, 'the real server confirms email sign-ups by mail')
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    const email = uniqueEmail('signup')
    const data = await auth.signUp({ email, password: PASSWORD, options: { data: { plan: 'free' } } })

    expect(data.session).not.toBeNull()
    expect(data.user).toMatchObject({ email, aud: 'authenticated', user_metadata: { plan: 'free' } })
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    expect(data.session).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: expect.any(Number),
      expires_at: expect.any(Number),
      user: { id: data.user?.id, email },
    })
    expect(claimsOf(data.session!.access_token)).toMatchObject({ sub: data.user?.id, email, aal: 'aal1' })

    const state = auth.snapshot
    expect(state.status).toBe('authenticated')
    expect(state.session).toBe(data.session)
    expect(state.user?.id).toBe(data.user?.id)
    expect(state.error).toBeNull()
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
  })

  it('refuses an address already registered with user_already_exists and keeps the state', async (ctx) => {
    ctx.skip(!settings.mailerAutoconfirm, 'without autoconfirm GoTrue answers a fake user instead (anti-enumeration)')
    const email = uniqueEmail('dup')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const auth = target.client()
    await auth.ready
    const error = await rejection(auth.signUp({ email, password: PASSWORD }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'user_already_exists', status: 422 })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'initial', session: null })
    expect(auth.snapshot.error).toBe(error)
  })

  it('reports a weak password as AuthWeakPasswordError with its reasons', async () => {
    const auth = target.client()
    const error = await rejection(auth.signUp({ email: uniqueEmail('weak'), password: 'abc' }))
    expect(error).toMatchObject({ name: 'AuthWeakPasswordError', code: 'weak_password', status: 422 })
    expect((error as unknown as { reasons: string[] }).reasons).toContain('length')
    expect(auth.snapshot.status).toBe('signedOut')
  })
})

describe('signUp with email, confirmation required', () => {
  it('resolves the user only; verifyOtp type email confirms and signs in', async (ctx) => {
    ctx.skip(realGotrue && settings.mailerAutoconfirm, 'the real server confirms email sign-ups automatically')
    const auth = confirming.client()
    await auth.ready
    const rec = record(auth)
    const email = uniqueEmail('confirm')
    const data = await auth.signUp({ email, password: PASSWORD })

    expect(data.session).toBeNull()
    expect(data.user).toMatchObject({ email, confirmation_sent_at: expect.any(String) })
    expect(data.user?.email_confirmed_at).toBeUndefined()
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', session: null })
    expect(rec.events).toEqual(['INITIAL_SESSION'])
    if (confirming.local) expect(confirming.local.outbox.latest(email, 'signup')).toBeDefined()

    const verified = await auth.verifyOtp({ email, token: await confirming.emailOtp(email, 'signup'), type: 'email' })
    expect(verified.session).not.toBeNull()
    expect(verified.user).toMatchObject({ id: data.user?.id, email, email_confirmed_at: expect.any(String) })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.session).toBe(verified.session)
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
  })

  it('verifyOtp type signup confirms too, and the password works afterwards', async (ctx) => {
    ctx.skip(realGotrue && settings.mailerAutoconfirm, 'the real server confirms email sign-ups automatically')
    const auth = confirming.client()
    const email = uniqueEmail('confirm-signup')
    await auth.signUp({ email, password: PASSWORD })

    const before = await rejection(confirming.client().signInWithPassword({ email, password: PASSWORD }))
    expect(before).toMatchObject({ name: 'AuthApiError', code: 'email_not_confirmed', status: 400 })

    await auth.verifyOtp({ email, token: await confirming.emailOtp(email, 'signup'), type: 'signup' })
    expect(auth.snapshot.status).toBe('authenticated')
    const again = await confirming.client().signInWithPassword({ email, password: PASSWORD })
    expect(again.user.email).toBe(email)
  })

  it('resend sends a new signup confirmation whose code works', async (ctx) => {
    ctx.skip(realGotrue, 'needs SMTP max frequency 0: a real server refuses a second email within 60 s (429)')
    // The server refuses a second email of one kind within 60 s; a fresh server lets resend go out at once.
    const fresh = await openTarget({ mailerAutoconfirm: false, smtpMaxFrequency: 0 })
    try {
      const auth = fresh.client()
      const email = uniqueEmail('resend')
      await auth.signUp({ email, password: PASSWORD })
      const first = fresh.local?.outbox.latest(email, 'signup')

      const result = await resend(auth, { type: 'signup', email })
      expect(result).toEqual({ user: null, session: null, messageId: null })
      if (fresh.local) {
        const second = fresh.local.outbox.latest(email, 'signup')
        expect(second?.id).toBeGreaterThan(first?.id ?? 0)
      }
      expect(auth.snapshot.status).toBe('signedOut')

      await auth.verifyOtp({ email, token: await fresh.emailOtp(email, 'signup'), type: 'email' })
      expect(auth.snapshot.status).toBe('authenticated')
    } finally {
      await fresh.close()
    }
  })
})

describe('signUp with a phone', () => {
  it('resolves a session when SMS autoconfirm is on', async (ctx) => {
    ctx.skip(!settings.phone || !settings.phoneAutoconfirm, 'phone sign-ups need an SMS provider with autoconfirm')
    const auth = target.client()
    const phone = uniquePhone()
    const data = await auth.signUp({ phone, password: PASSWORD })
    expect(data.session).not.toBeNull()
    expect(data.user).toMatchObject({ phone, phone_confirmed_at: expect.any(String) })
    expect(auth.snapshot.status).toBe('authenticated')

    await auth.signOut()
    const again = await target.client().signInWithPassword({ phone, password: PASSWORD })
    expect(again.user.id).toBe(data.user?.id)
  })
})
