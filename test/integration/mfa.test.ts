/**
 * TOTP enrolment, challenge and verify, the mfaChallenge status, assurance levels, and unenrolment.
 * `totpCode` is plain RFC 6238, so the same import computes codes for a real GoTrue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient, TotpEnrollResponse } from '../../src/index.js'
import { totpCode } from '../../src/testing/index.js'
import { claimsOf, record, rejection, signedInClient, type SignedIn } from '../support/flows.js'
import { openTarget, PASSWORD, type Target } from '../support/target.js'
import { mfa } from '../../src/mfa/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/** A code that is not valid in the ±1 step window around now. */
function wrongCode(secret: string): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => totpCode(secret, Date.now() + offset)))
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!valid.has(candidate)) return candidate
  }
}

async function enrollTotp(auth: AuthClient, friendlyName = 'Authenticator'): Promise<TotpEnrollResponse> {
  const factor = await mfa(auth).enroll({ factorType: 'totp', friendlyName })
  if (factor.type !== 'totp') throw new Error('expected a TOTP factor')
  return factor
}

/** A user with a verified TOTP factor, signed out again, plus a new client signed in at aal1. */
async function userWithFactor(tag: string): Promise<SignedIn & { factorId: string; secret: string }> {
  const first = await signedInClient(target, tag)
  const factor = await enrollTotp(first.auth)
  await mfa(first.auth).challengeAndVerify({ factorId: factor.id, code: totpCode(factor.totp.secret) })
  await first.auth.signOut({ scope: 'local' })
  const auth = target.client()
  const { user, session } = await auth.signInWithPassword({ email: first.email, password: PASSWORD })
  return { auth, email: first.email, user, session, factorId: factor.id, secret: factor.totp.secret }
}

describe('enroll, challenge, verify', () => {
  it('enrolls a TOTP factor, verifies it and reaches aal2 with MFA_CHALLENGE_VERIFIED', async () => {
    const { auth, email, session } = await signedInClient(target, 'mfa')
    const factor = await enrollTotp(auth, 'Phone app')
    expect(factor).toMatchObject({ id: expect.any(String), type: 'totp', friendly_name: 'Phone app' })
    expect(factor.totp.qr_code.startsWith('data:image/svg+xml')).toBe(true)
    expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(factor.totp.uri).toMatch(/^otpauth:\/\/totp\//)
    expect(factor.totp.uri).toContain(`secret=${factor.totp.secret}`)
    expect(decodeURIComponent(factor.totp.uri)).toContain(email)

    // Unverified: listed in `all`, not in `totp`; the status does not change yet.
    const pending = await mfa(auth).listFactors()
    expect(pending.all).toEqual([expect.objectContaining({ id: factor.id, status: 'unverified', factor_type: 'totp' })])
    expect(pending.totp).toEqual([])
    expect(auth.snapshot.status).toBe('authenticated')

    const challenge = await mfa(auth).challenge({ factorId: factor.id })
    expect(challenge).toMatchObject({ id: expect.any(String), type: 'totp', expires_at: expect.any(Number) })
    expect(challenge.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000))

    const rec = record(auth)
    const verified = await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code: totpCode(factor.totp.secret) })
    expect(verified).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer' })
    expect(verified.user.factors).toEqual([expect.objectContaining({ id: factor.id, status: 'verified' })])
    expect(claimsOf(verified.access_token)).toMatchObject({ aal: 'aal2', session_id: claimsOf(session.access_token)['session_id'] })

    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(auth.snapshot.session?.access_token === verified.access_token, 'snapshot holds the aal2 token').toBe(true)
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])
    expect(rec.sessions.at(-1)?.access_token === verified.access_token, 'event carries the aal2 token').toBe(true)

    const aal = await mfa(auth).getAuthenticatorAssuranceLevel()
    expect(aal).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
    expect(aal.currentAuthenticationMethods.map((entry) => entry.method)).toEqual(expect.arrayContaining(['totp', 'password']))

    const listed = await mfa(auth).listFactors()
    expect(listed.totp).toEqual([expect.objectContaining({ id: factor.id, status: 'verified', friendly_name: 'Phone app' })])
    expect(listed.phone).toEqual([])
  })

  it('a wrong code rejects with mfa_verification_failed and the status stays where it was', async () => {
    const { auth, factorId, secret } = await userWithFactor('mfa-wrong')
    expect(auth.snapshot.status).toBe('mfaChallenge')
    const challenge = await mfa(auth).challenge({ factorId })
    const error = await rejection(mfa(auth).verify({ factorId, challengeId: challenge.id, code: wrongCode(secret) }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'mfa_verification_failed', status: 422 })
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })
    expect(auth.snapshot.error).toBe(error)

    // The challenge survives a wrong code.
    await mfa(auth).verify({ factorId, challengeId: challenge.id, code: totpCode(secret) })
    expect(auth.snapshot.status).toBe('authenticated')
  })
})

describe('signing in with a verified factor', () => {
  it('lands in mfaChallenge at aal1 with nextLevel aal2; challengeAndVerify completes it', async () => {
    const { auth, factorId, secret, session } = await userWithFactor('mfa-signin')
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1', session })
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })

    const rec = record(auth)
    const data = await mfa(auth).challengeAndVerify({ factorId, code: totpCode(secret) })
    expect(claimsOf(data.access_token)['aal']).toBe('aal2')
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(rec.statuses).toEqual(['mfaChallenge', 'signingIn', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'MFA_CHALLENGE_VERIFIED'])
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
  })

  it('an mfaChallenge snapshot has the aal1 session and user', async () => {
    const { auth, session } = await userWithFactor('mfa-shape')
    expect(auth.snapshot).toEqual({
      status: 'mfaChallenge',
      session,
      user: session.user,
      aal: 'aal1',
      reason: null,
      error: null,
      stale: false,
      retryAt: null,
      storage: 'ok',
    })
  })

  it('an aal1 session cannot unenroll the verified factor (insufficient_aal)', async () => {
    const { auth, factorId } = await userWithFactor('mfa-aal1-unenroll')
    const error = await rejection(mfa(auth).unenroll({ factorId }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'insufficient_aal' })
    expect(auth.snapshot.status).toBe('mfaChallenge')
  })

  it('a refresh keeps the mfaChallenge status; after verify, refreshes keep aal2', async () => {
    const { auth, factorId, secret } = await userWithFactor('mfa-refresh')
    await auth.refreshSession()
    expect(auth.snapshot).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })
    await mfa(auth).challengeAndVerify({ factorId, code: totpCode(secret) })
    await auth.refreshSession()
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal2' })
  })
})

describe('unenroll', () => {
  it('from aal2 removes the factor; after a refresh the session is aal1 and the status authenticated', async () => {
    const { auth, factorId, secret } = await userWithFactor('mfa-unenroll')
    await mfa(auth).challengeAndVerify({ factorId, code: totpCode(secret) })
    const rec = record(auth)

    expect(await mfa(auth).unenroll({ factorId })).toMatchObject({ id: factorId })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'USER_UPDATED'])
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.user?.factors ?? []).toEqual([])
    expect((await mfa(auth).listFactors()).all).toEqual([])

    await auth.refreshSession()
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal1' })
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' })

    // Signing in again no longer asks for a second factor.
    const again = target.client()
    await again.signInWithPassword({ email: auth.snapshot.user!.email!, password: PASSWORD })
    expect(again.snapshot.status).toBe('authenticated')
  })

  it('an unverified factor can be removed at aal1', async () => {
    const { auth } = await signedInClient(target, 'mfa-unverified')
    const factor = await enrollTotp(auth)
    await mfa(auth).unenroll({ factorId: factor.id })
    expect((await mfa(auth).listFactors()).all).toEqual([])
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal1' })
  })
})

describe('MFA calls without a session', () => {
  it('reject with AuthSessionMissingError', async () => {
    const auth = target.client()
    const id = '00000000-0000-4000-8000-000000000000'
    for (const call of [
      () => mfa(auth).enroll({ factorType: 'totp' }),
      () => mfa(auth).challenge({ factorId: id }),
      () => mfa(auth).verify({ factorId: id, challengeId: id, code: '123456' }),
      () => mfa(auth).challengeAndVerify({ factorId: id, code: '123456' }),
      () => mfa(auth).unenroll({ factorId: id }),
      () => mfa(auth).listFactors(),
    ]) {
      expect((await rejection(call())).name).toBe('AuthSessionMissingError')
    }
    expect(await mfa(auth).getAuthenticatorAssuranceLevel()).toEqual({ currentLevel: null, nextLevel: null, currentAuthenticationMethods: [] })
  })
})
