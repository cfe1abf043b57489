/**
 * updateUser (metadata, password, email change) and reauthenticate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, type Target, uniqueEmail } from '../support/target.js'
import { reauthenticate } from '../../src/confirmations/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

describe('updateUser', () => {
  it('merges metadata, updates the session user and announces USER_UPDATED', async () => {
    const email = uniqueEmail('meta')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { theme: 'dark' } })
    const auth = target.client()
    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    const rec = record(auth)

    const { user } = await auth.updateUser({ data: { name: 'Ada' } })
    expect(user.user_metadata).toMatchObject({ theme: 'dark', name: 'Ada' })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.user?.user_metadata).toMatchObject({ theme: 'dark', name: 'Ada' })
    // Same tokens, new user: only the user part of the session changes.
    expect(auth.snapshot.session?.access_token === session.access_token, 'tokens unchanged').toBe(true)
    expect(auth.snapshot.session?.refresh_token === session.refresh_token, 'tokens unchanged').toBe(true)
    expect(rec.events).toEqual(['INITIAL_SESSION', 'USER_UPDATED'])
    expect(rec.sessions.at(-1)?.user.user_metadata).toMatchObject({ name: 'Ada' })
    expect((await auth.getSession()).session?.user.user_metadata).toMatchObject({ name: 'Ada' })

    const { user: removed } = await auth.updateUser({ data: { theme: null } })
    expect(removed.user_metadata).not.toHaveProperty('theme')
  })

  it('changes the password: the new one signs in, the old one no longer does, other sessions end', async () => {
    const { auth, email, user } = await signedInClient(target, 'pw')
    const other = target.client()
    await other.signInWithPassword({ email, password: PASSWORD })
    const newPassword = `${PASSWORD}-2`

    const { user: updated } = await auth.updateUser({ password: newPassword })
    expect(updated.id).toBe(user.id)
    expect(auth.snapshot.status).toBe('authenticated')
    expect((await auth.getUser()).user.id).toBe(user.id)

    const again = await target.client().signInWithPassword({ email, password: newPassword })
    expect(again.user.id).toBe(user.id)
    const old = await rejection(target.client().signInWithPassword({ email, password: PASSWORD }))
    expect(old).toMatchObject({ name: 'AuthApiError', code: 'invalid_credentials' })
    // GoTrue deletes every other session of the user on a password change.
    const gone = await rejection(other.getUser())
    expect(gone.name).toBe('AuthSessionMissingError')
    expect(other.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
  })

  it('refuses the same password with same_password', async () => {
    const { auth, session } = await signedInClient(target, 'samepw')
    const error = await rejection(auth.updateUser({ password: PASSWORD }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'same_password', status: 422 })
    expect(auth.snapshot.session).toBe(session)
  })

  it('an email change stays pending in new_email until confirmed', async () => {
    const { auth, email } = await signedInClient(target, 'change')
    const next = uniqueEmail('changed')
    const { user } = await auth.updateUser({ email: next })
    expect(user).toMatchObject({ email, new_email: next, email_change_sent_at: expect.any(String) })
    expect(auth.snapshot.user?.email).toBe(email)
    expect(auth.snapshot.user?.new_email).toBe(next)
    if (target.local) {
      // Secure email change: one message to each address.
      expect(target.local.outbox.all().filter((m) => m.type.startsWith('email_change')).map((m) => m.to)).toEqual(
        expect.arrayContaining([email, next]),
      )
    }
  })

  // The codes of both legs come from the local outbox; target.emailOtp has no email_change type, and on a
  // real server generate_link would replace the tokens the change just sent.
  it.skipIf(realGotrue)('an email change completes once both addresses confirm (verifyOtp email_change)', async () => {
    // With autoconfirm on, GoTrue applies the change on the first confirmation (§8.3); two legs need it off.
    const confirming = await openTarget({ mailerAutoconfirm: false })
    try {
      const { auth, email, user } = await signedInClient(confirming, 'change-both')
      const next = uniqueEmail('changed-both')
      await auth.updateUser({ email: next })
      const outbox = confirming.local!.outbox
      const toCurrent = outbox.latest(email, 'email_change_current')
      const toNew = outbox.latest(next, 'email_change_new')
      expect(toCurrent).toBeDefined()
      expect(toNew).toBeDefined()
      const rec = record(auth)

      const first = await auth.verifyOtp({ email, token: toCurrent!.otp, type: 'email_change' })
      // First leg: accepted, no session yet, nothing changes here.
      expect(first).toMatchObject({ user: null, session: null })
      expect((first as { message?: string }).message).toMatch(/Confirmation link accepted/)
      expect(auth.snapshot.user?.email).toBe(email)
      expect(rec.events).toEqual(['INITIAL_SESSION'])

      const second = await auth.verifyOtp({ email: next, token: toNew!.otp, type: 'email_change' })
      expect(second.user).toMatchObject({ id: user.id, email: next })
      expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: user.id, email: next } })
      expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
      const again = await confirming.client().signInWithPassword({ email: next, password: PASSWORD })
      expect(again.user.id).toBe(user.id)
    } finally {
      await confirming.close()
    }
  })

  it('rejects with AuthSessionMissingError when signed out, without a request', async () => {
    const counter = countingFetch()
    const auth = target.client({ fetch: counter.fetch })
    const error = await rejection(auth.updateUser({ data: { a: 1 } }))
    expect(error).toMatchObject({ name: 'AuthSessionMissingError', code: 'session_missing' })
    expect(auth.snapshot.status).toBe('signedOut')
    expect(counter.count).toBe(0)
  })
})

describe('reauthenticate', () => {
  it('resolves with no session change and sends a nonce', async () => {
    const { auth, email, session } = await signedInClient(target, 'reauth')
    const rec = record(auth)
    expect(await reauthenticate(auth)).toEqual({ user: null, session: null })
    expect(auth.snapshot.session).toBe(session)
    expect(rec.events).toEqual(['INITIAL_SESSION'])
    if (target.local) expect(target.local.outbox.latest(email, 'reauthentication')?.otp).toMatch(/^\d{6}$/)
  })

  // Needs the server's clock moved a day ahead so the session counts as old: only the local server can.
  it.skipIf(realGotrue)('its nonce lets an old session change the password when the server requires it', async () => {
    let shiftMs = 0
    const strict = await openTarget({
      passwordRequireReauthentication: true,
      jwtExpiry: 3 * 24 * 3600,
      now: () => Date.now() + shiftMs,
    })
    try {
      const { auth, email } = await signedInClient(strict, 'nonce')
      shiftMs = 25 * 3600 * 1000
      const newPassword = `${PASSWORD}-nonce`

      const needed = await rejection(auth.updateUser({ password: newPassword }))
      expect(needed).toMatchObject({ name: 'AuthApiError', code: 'reauthentication_needed', status: 400 })

      await reauthenticate(auth)
      const nonce = strict.local?.outbox.latest(email, 'reauthentication')?.otp ?? ''
      const bad = await rejection(auth.updateUser({ password: newPassword, nonce: nonce === '000000' ? '111111' : '000000' }))
      expect(bad).toMatchObject({ name: 'AuthApiError', code: 'reauthentication_not_valid', status: 422 })

      await auth.updateUser({ password: newPassword, nonce })
      const again = await strict.client().signInWithPassword({ email, password: newPassword })
      expect(again.user.email).toBe(email)
    } finally {
      await strict.close()
    }
  })

  it('rejects with AuthSessionMissingError when signed out', async () => {
    const error = await rejection(reauthenticate(target.client()))
    expect(error.name).toBe('AuthSessionMissingError')
  })
})
