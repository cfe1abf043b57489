/**
 * Phone MFA through `mfa(auth)`: enrol a phone factor, challenge it by SMS and by WhatsApp, verify to aal2,
 * and the sign-in that lands in `mfaChallenge` and is completed with a phone code. Bad input is refused
 * before any request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient, PhoneEnrollResponse } from '../../src/index.js'
import { mfa } from '../../src/mfa/index.js'
import { claimsOf, countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, uniquePhone, type Target } from '../support/target.js'

let target: Target

beforeAll(async () => {
  // A real GoTrue needs GOTRUE_MFA_PHONE_ENROLL_ENABLED / _VERIFY_ENABLED; the local server takes the options.
  // No resend interval: the sign-in test challenges one factor twice within seconds.
  target = await openTarget({ mfaPhoneEnroll: true, mfaPhoneVerify: true, mfaPhoneMaxFrequency: 0 })
})
afterAll(async () => {
  await target?.close()
})

async function enrollPhone(auth: AuthClient, phone: string, friendlyName = 'Mobile'): Promise<PhoneEnrollResponse> {
  const factor = await mfa(auth).enroll({ factorType: 'phone', phone: `+${phone}`, friendlyName })
  if (factor.type !== 'phone') throw new Error('expected a phone factor')
  return factor
}

/** The code the last challenge sent, from the local server's outbox. */
function codeFor(phone: string): string {
  return target.smsOtp(phone)
}

// The codes come from the local server's outbox; a real GoTrue sends them through a real SMS provider.
describe.skipIf(realGotrue)('phone factors (needs the local outbox for the codes)', () => {
  it('enrolls, challenges by SMS, verifies to aal2; listFactors puts the verified factor under phone', async () => {
    const { auth, session } = await signedInClient(target, 'mfa-phone')
    const phone = uniquePhone()
    const factor = await enrollPhone(auth, phone)
    expect(factor).toEqual({ id: expect.any(String), type: 'phone', friendly_name: 'Mobile', phone: `+${phone}` })

    const pending = await mfa(auth).listFactors()
    expect(pending.all).toEqual([expect.objectContaining({ id: factor.id, factor_type: 'phone', status: 'unverified', phone })])
    expect(pending.phone).toEqual([])

    const challenge = await mfa(auth).challenge({ factorId: factor.id, channel: 'sms' })
    expect(challenge).toMatchObject({ id: expect.any(String), type: 'phone', expires_at: expect.any(Number) })
    expect(target.local?.outbox.latest(phone)).toMatchObject({ type: 'sms', via: 'sms' })

    const rec = record(auth)
    const verified = await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code: codeFor(phone) })
    expect(claimsOf(verified.access_token)).toMatchObject({ aal: 'aal2', session_id: claimsOf(session.access_token)['session_id'] })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])

    const aal = await mfa(auth).getAuthenticatorAssuranceLevel()
    expect(aal).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
    expect(aal.currentAuthenticationMethods.map((entry) => entry.method)).toEqual(['mfa/phone', 'password'])

    const listed = await mfa(auth).listFactors()
    expect(listed.phone).toEqual([expect.objectContaining({ id: factor.id, status: 'verified', phone })])
    expect(listed.totp).toEqual([])
    expect(listed.webauthn).toEqual([])
  })

  it('challenges by WhatsApp; a wrong code rejects with mfa_verification_failed', async () => {
    const { auth } = await signedInClient(target, 'mfa-whatsapp')
    const phone = uniquePhone()
    const factor = await enrollPhone(auth, phone)
    const challenge = await mfa(auth).challenge({ factorId: factor.id, channel: 'whatsapp' })
    expect(target.local?.outbox.latest(phone)).toMatchObject({ type: 'sms', via: 'whatsapp' })
    const code = codeFor(phone)
    const wrong = code === '000000' ? '111111' : '000000'
    const error = await rejection(mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code: wrong }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'mfa_verification_failed', status: 422 })
    await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
  })

  it('after sign-out, signing in lands in mfaChallenge; a phone challenge and verify reach authenticated', async () => {
    const first = await signedInClient(target, 'mfa-phone-signin')
    const phone = uniquePhone()
    const factor = await enrollPhone(first.auth, phone)
    const enrolChallenge = await mfa(first.auth).challenge({ factorId: factor.id })
    await mfa(first.auth).verify({ factorId: factor.id, challengeId: enrolChallenge.id, code: codeFor(phone) })
    await first.auth.signOut()
    expect(first.auth.snapshot.status).toBe('signedOut')

    const auth = target.client()
    await auth.signInWithPassword({ email: first.email, password: PASSWORD })
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
    const { phone: factors } = await mfa(auth).listFactors()
    expect(factors.map((f) => f.id)).toEqual([factor.id])

    const rec = record(auth)
    const challenge = await mfa(auth).challenge({ factorId: factor.id, channel: 'sms' })
    await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code: codeFor(phone) })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(rec.statuses).toEqual(['mfaChallenge', 'signingIn', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])

    // Unenrolling from aal2 removes it; a refresh brings the session back to aal1.
    await mfa(auth).unenroll({ factorId: factor.id })
    await auth.refreshSession()
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal1' })
  })
})

describe('phone factor arguments', () => {
  const UUID = '00000000-0000-4000-8000-000000000000'
  const junk = <T>(value: unknown): T => value as T
  const cases: Array<[string, (auth: AuthClient) => Promise<unknown>]> = [
    ['phone not a string', (a) => mfa(a).enroll(junk({ factorType: 'phone', phone: 15550100 }))],
    ['phone missing', (a) => mfa(a).enroll(junk({ factorType: 'phone' }))],
    ['unknown channel', (a) => mfa(a).challenge(junk({ factorId: UUID, channel: 'pigeon' }))],
  ]
  for (const [label, call] of cases) {
    it(`${label}: AuthInvalidCredentialsError before any request`, async () => {
      const counter = countingFetch()
      const { auth } = await signedInClient(target, 'mfa-phone-bad', { fetch: counter.fetch })
      counter.reset()
      const error = await rejection(call(auth))
      expect(error).toMatchObject({ name: 'AuthInvalidCredentialsError' })
      expect(counter.count).toBe(0)
    })
  }
})
