/**
 * Passkeys over HTTP with a software authenticator in place of `navigator.credentials`: register one,
 * sign out, sign in with the passkey alone; list, rename, delete; admin list and delete; a cancelled
 * prompt and a deleted passkey that leave the client signed out; passkeys off at the server.
 *
 * Against a real GoTrue these run when it has `GOTRUE_PASSKEY_ENABLED` and `GOTRUE_WEBAUTHN_RP_ORIGIN`
 * names one of its RP origins.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { AuthInvalidCredentialsError } from '../../src/errors.js'
import { passkey, registerPasskey, signInWithPasskey } from '../../src/webauthn/index.js'
import { claimsOf, countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { SoftAuthenticator } from '../support/soft-authenticator.js'
import { openTarget, realGotrue, type Target } from '../support/target.js'

const ORIGIN = process.env['GOTRUE_WEBAUTHN_RP_ORIGIN'] ?? 'http://localhost:5173'

let target: Target
let available = !realGotrue || process.env['GOTRUE_WEBAUTHN_RP_ORIGIN'] !== undefined

beforeAll(async () => {
  target = await openTarget({ passkeyEnabled: true, webauthnRpId: new URL(ORIGIN).hostname, webauthnRpOrigins: [ORIGIN] })
  if (realGotrue && available) {
    const settings = (await (await fetch(`${target.url}/settings`, { headers: { apikey: target.anonKey } })).json()) as { passkeys_enabled?: boolean }
    available = settings.passkeys_enabled === true
  }
})
afterAll(async () => {
  await target?.close()
})

function needsPasskeys(ctx: TestContext): void {
  if (!available) ctx.skip('the real GoTrue has passkeys off, or GOTRUE_WEBAUTHN_RP_ORIGIN is not set')
}

describe('passkeys', () => {
  it('registers a passkey, signs out, and signs in with the passkey alone', async (ctx) => {
    needsPasskeys(ctx)
    const { auth, user } = await signedInClient(target, 'passkey')
    const key = new SoftAuthenticator({ origin: ORIGIN })
    const credentials = key.container()
    const created = await registerPasskey(auth, { options: { credentials } })
    expect(created).toMatchObject({ id: expect.any(String), created_at: expect.any(String) })
    expect(key.credentials).toHaveLength(1)
    await auth.signOut()

    const fresh = target.client()
    await fresh.ready
    const rec = record(fresh)
    const { session, user: signedIn } = await signInWithPasskey(fresh, { options: { credentials } })
    expect(signedIn?.id).toBe(user.id)
    expect(fresh.snapshot).toMatchObject({ status: 'authenticated', aal: 'aal1' })
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect((claimsOf(session?.access_token ?? '')['amr'] as Array<{ method: string }>).map((entry) => entry.method)).toEqual(['passkey'])

    const [listed] = await passkey(fresh).list()
    expect(listed).toMatchObject({ id: created.id, last_used_at: expect.any(String) })
  })

  it('lists, renames (120 characters at most) and deletes', async (ctx) => {
    needsPasskeys(ctx)
    const counter = countingFetch()
    const { auth } = await signedInClient(target, 'passkey-manage', { fetch: counter.fetch })
    const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
    const created = await passkey(auth, { credentials }).register()
    const renamed = await passkey(auth).update({ passkeyId: created.id, friendlyName: 'Work laptop' })
    expect(renamed).toMatchObject({ id: created.id, friendly_name: 'Work laptop' })
    expect(await passkey(auth).list()).toEqual([expect.objectContaining({ id: created.id, friendly_name: 'Work laptop' })])

    counter.reset()
    const tooLong = await rejection(passkey(auth).update({ passkeyId: created.id, friendlyName: 'é'.repeat(121) }))
    expect(tooLong).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(counter.count).toBe(0)

    await passkey(auth).delete({ passkeyId: created.id })
    expect(await passkey(auth).list()).toEqual([])
  })

  it('a deleted passkey no longer signs in: a typed error, and the client stays signed out', async (ctx) => {
    needsPasskeys(ctx)
    const { auth } = await signedInClient(target, 'passkey-deleted')
    const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
    const created = await registerPasskey(auth, { options: { credentials } })
    await passkey(auth).delete({ passkeyId: created.id })
    await auth.signOut()

    const fresh = target.client()
    const error = await rejection(signInWithPasskey(fresh, { options: { credentials } }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'webauthn_verification_failed' })
    expect(fresh.snapshot.status).toBe('signedOut')
  })

  it('a cancelled prompt: WebAuthnError, no verify request, still signed out', async (ctx) => {
    needsPasskeys(ctx)
    const counter = countingFetch()
    const fresh = target.client({ fetch: counter.fetch })
    const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
    credentials.refuseNext()
    await fresh.getSession()
    counter.reset()
    const error = await rejection(signInWithPasskey(fresh, { options: { credentials } }))
    expect(error).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' })
    expect(counter.count).toBe(1) // the options request only
    expect(fresh.snapshot.status).toBe('signedOut')
  })

  it('admin: lists and deletes a user’s passkeys', async (ctx) => {
    needsPasskeys(ctx)
    const { auth, user } = await signedInClient(target, 'passkey-admin')
    const created = await registerPasskey(auth, { options: { credentials: new SoftAuthenticator({ origin: ORIGIN }).container() } })
    expect(await target.admin.passkey.listPasskeys({ userId: user.id })).toEqual([expect.objectContaining({ id: created.id })])
    expect(await target.admin.passkey.deletePasskey({ userId: user.id, passkeyId: created.id })).toBeNull()
    expect(await target.admin.passkey.listPasskeys({ userId: user.id })).toEqual([])
    expect(await rejection(target.admin.passkey.listPasskeys({ userId: 'nope' }))).toBeInstanceOf(AuthInvalidCredentialsError)
  })
})

describe.skipIf(realGotrue)('passkeys off (the default)', () => {
  it('every passkey call answers passkey_disabled, typed', async () => {
    const off = await openTarget()
    try {
      const { auth, user } = await signedInClient(off, 'passkey-off')
      const credentials = new SoftAuthenticator({ origin: ORIGIN }).container()
      expect(await rejection(registerPasskey(auth, { options: { credentials } }))).toMatchObject({ name: 'AuthApiError', status: 404, code: 'passkey_disabled' })
      expect(await rejection(signInWithPasskey(off.client(), { options: { credentials } }))).toMatchObject({ code: 'passkey_disabled' })
      expect(await rejection(passkey(auth).list())).toMatchObject({ code: 'passkey_disabled' })
      expect(await rejection(off.admin.passkey.listPasskeys({ userId: user.id }))).toMatchObject({ code: 'passkey_disabled' })
      expect(auth.snapshot.status).toBe('authenticated')
    } finally {
      await off.close()
    }
  })
})
