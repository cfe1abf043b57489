/**
 * Passwordless sign-in (signInWithOtp → verifyOtp by code or by link hash), password recovery
 * (resetPasswordForEmail → verifyOtp recovery → PASSWORD_RECOVERY → updateUser password), and bad codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimsOf, emailTokenHash, record, rejection, serverSettings, signedInClient, type ServerSettings } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, type Target, uniqueEmail, uniquePhone } from '../support/target.js'
import { resetPasswordForEmail } from '../../src/confirmations/index.js'

let target: Target
let settings: ServerSettings

beforeAll(async () => {
  target = await openTarget()
  settings = await serverSettings(target)
})
afterAll(async () => {
  await target?.close()
})

function amrMethods(accessToken: string): string[] {
  return (claimsOf(accessToken)['amr'] as Array<{ method: string }>).map((entry) => entry.method)
}

describe('signInWithOtp by email', () => {
  it('sends a code (no session yet); verifyOtp type email signs in', async () => {
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    const email = uniqueEmail('otp')
    const sent = await auth.signInWithOtp({ email })
    expect(sent).toEqual({ user: null, session: null, messageId: null })
    expect(auth.snapshot.status).toBe('signedOut')
    expect(rec.events).toEqual(['INITIAL_SESSION'])

    const data = await auth.verifyOtp({ email, token: await target.emailOtp(email, 'magiclink'), type: 'email' })
    expect(data.user).toMatchObject({ email })
    expect(data.session?.user.email).toBe(email)
    expect(amrMethods(data.session!.access_token)).toContain('otp')
    expect(auth.snapshot.status).toBe('authenticated')
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
  })

  it('verifyOtp type magiclink signs an existing user in', async () => {
    const email = uniqueEmail('magic')
    const { user } = await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const auth = target.client()
    await auth.signInWithOtp({ email, options: { shouldCreateUser: false } })
    const data = await auth.verifyOtp({ email, token: await target.emailOtp(email, 'magiclink'), type: 'magiclink' })
    expect(data.user?.id).toBe(user.id)
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: user.id } })
  })

  it('verifyOtp with the link token hash signs in', async () => {
    const email = uniqueEmail('hash')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const auth = target.client()
    await auth.signInWithOtp({ email })
    const data = await auth.verifyOtp({ token_hash: await emailTokenHash(target, email, 'magiclink'), type: 'magiclink' })
    expect(data.session?.user.email).toBe(email)
    expect(auth.snapshot.status).toBe('authenticated')
  })

  it('with shouldCreateUser false, an unknown address is refused with otp_disabled', async () => {
    const auth = target.client()
    const error = await rejection(auth.signInWithOtp({ email: uniqueEmail('unknown'), options: { shouldCreateUser: false } }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'otp_disabled', status: 422 })
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('a wrong code rejects with otp_expired and leaves the state alone', async () => {
    const { auth, session } = await signedInClient(target, 'wrongcode')
    const email = uniqueEmail('victim')
    await target.client().signInWithOtp({ email })
    const real = await target.emailOtp(email, 'magiclink')
    const wrong = real === '000000' ? '111111' : '000000'
    const error = await rejection(auth.verifyOtp({ email, token: wrong, type: 'email' }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'otp_expired', status: 403 })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.session).toBe(session)
  })

  it('a code is single use', async () => {
    const email = uniqueEmail('once')
    const auth = target.client()
    await auth.signInWithOtp({ email })
    const code = await target.emailOtp(email, 'magiclink')
    await auth.verifyOtp({ email, token: code, type: 'email' })
    const error = await rejection(target.client().verifyOtp({ email, token: code, type: 'email' }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'otp_expired', status: 403 })
  })
})

describe('signInWithOtp by phone', () => {
  // The SMS code is read from the local outbox; a real server sends it to a phone we cannot read.
  it.skipIf(realGotrue)('sends an SMS code; verifyOtp type sms signs in', async (ctx) => {
    ctx.skip(!settings.phone, 'phone provider disabled')
    const auth = target.client()
    const phone = uniquePhone()
    const sent = await auth.signInWithOtp({ phone })
    expect(sent).toMatchObject({ user: null, session: null })
    expect(auth.snapshot.status).toBe('signedOut')

    const data = await auth.verifyOtp({ phone, token: target.smsOtp(phone), type: 'sms' })
    expect(data.user).toMatchObject({ phone, phone_confirmed_at: expect.any(String) })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { phone } })
  })
})

describe('password recovery', () => {
  it('resetPasswordForEmail → verifyOtp recovery announces PASSWORD_RECOVERY → updateUser sets the password', async () => {
    const email = uniqueEmail('recover')
    const { user } = await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const auth = target.client()
    await auth.ready
    const rec = record(auth)

    expect(await resetPasswordForEmail(auth, email)).toEqual({})
    expect(auth.snapshot.status).toBe('signedOut')
    if (target.local) expect(target.local.outbox.latest(email, 'recovery')).toBeDefined()

    const data = await auth.verifyOtp({ email, token: await target.emailOtp(email, 'recovery'), type: 'recovery' })
    expect(data.user?.id).toBe(user.id)
    expect(auth.snapshot.status).toBe('authenticated')
    expect(rec.events).toEqual(['INITIAL_SESSION', 'PASSWORD_RECOVERY'])

    const newPassword = `${PASSWORD}-new`
    await auth.updateUser({ password: newPassword })
    expect(rec.events.at(-1)).toBe('USER_UPDATED')

    const fresh = target.client()
    const signedIn = await fresh.signInWithPassword({ email, password: newPassword })
    expect(signedIn.user.id).toBe(user.id)
    const old = await rejection(target.client().signInWithPassword({ email, password: PASSWORD }))
    expect(old.code).toBe('invalid_credentials')
  })

  it('resetPasswordForEmail resolves for an unknown address too (no enumeration)', async () => {
    const auth = target.client()
    expect(await resetPasswordForEmail(auth, uniqueEmail('ghost'))).toEqual({})
  })

  it('the recovery link hash works as well', async () => {
    const email = uniqueEmail('recover-hash')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const auth = target.client()
    await resetPasswordForEmail(auth, email)
    const events: string[] = []
    auth.onAuthStateChange((event) => events.push(event))
    await auth.verifyOtp({ token_hash: await emailTokenHash(target, email, 'recovery'), type: 'recovery' })
    expect(events).toEqual(['INITIAL_SESSION', 'PASSWORD_RECOVERY'])
    expect(auth.snapshot.user?.email).toBe(email)
  })
})
