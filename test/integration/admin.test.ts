/**
 * The service-role client (`target.admin`): users, links, invites, deletion and factors, each checked
 * through what a user client then sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminClient, type UserPage } from '../../src/admin/index.js'
import type { User } from '../../src/index.js'
import { totpCode } from '../../src/testing/index.js'
import { record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'
import { mfa } from '../../src/mfa/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000'

describe('users', () => {
  it('createUser → getUserById → updateUserById', async () => {
    const email = uniqueEmail('admin')
    const { user } = await target.admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { name: 'Ada' },
      app_metadata: { plan: 'pro' },
    })
    expect(user).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      aud: 'authenticated',
      email,
      email_confirmed_at: expect.any(String),
      user_metadata: { name: 'Ada' },
      app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
    })

    const { user: fetched } = await target.admin.getUserById(user.id)
    expect(fetched).toMatchObject({ id: user.id, email, user_metadata: { name: 'Ada' } })

    const { user: updated } = await target.admin.updateUserById(user.id, { user_metadata: { role: 'tester' } })
    expect(updated.user_metadata).toMatchObject({ name: 'Ada', role: 'tester' })
    const client = target.client()
    const { user: seen } = await client.signInWithPassword({ email, password: PASSWORD })
    expect(seen.user_metadata).toMatchObject({ role: 'tester' })
  })

  it('createUser without email_confirm leaves the email unconfirmed', async () => {
    const email = uniqueEmail('unconfirmed')
    const { user } = await target.admin.createUser({ email, password: PASSWORD })
    expect(user.email_confirmed_at).toBeUndefined()
    const error = await rejection(target.client().signInWithPassword({ email, password: PASSWORD }))
    expect(error.code).toBe('email_not_confirmed')
  })

  it('updateUserById with ban_duration bans, and none lifts it', async () => {
    const { auth, user, email } = await signedInClient(target, 'ban')
    const { user: banned } = await target.admin.updateUserById(user.id, { ban_duration: '24h' })
    expect(banned.banned_until).toEqual(expect.any(String))
    const error = await rejection(target.client().signInWithPassword({ email, password: PASSWORD }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'user_banned', status: 400 })
    // The banned user's refresh is terminal: the client signs out.
    await rejection(auth.refreshSession())
    expect(auth.snapshot.status).toBe('signedOut')

    await target.admin.updateUserById(user.id, { ban_duration: 'none' })
    expect((await target.client().signInWithPassword({ email, password: PASSWORD })).user.id).toBe(user.id)
  })

  it('updateUserById with a password replaces it', async () => {
    const { user, email } = await signedInClient(target, 'admin-pw')
    await target.admin.updateUserById(user.id, { password: `${PASSWORD}-admin` })
    expect((await target.client().signInWithPassword({ email, password: `${PASSWORD}-admin` })).user.id).toBe(user.id)
  })

  // On a shared database other tests create and delete users meanwhile, so this asserts on the users it
  // created and on what each page says about itself, never on totals across requests.
  it('listUsers pages with total, nextPage and lastPage', async () => {
    const created: string[] = []
    for (const tag of ['list-a', 'list-b', 'list-c']) {
      created.push((await target.admin.createUser({ email: uniqueEmail(tag), password: PASSWORD, email_confirm: true })).user.id)
    }
    const expectConsistent = (page: UserPage, number: number, perPage: number) => {
      expect(page.aud).toEqual(expect.any(String))
      expect(page.users.length).toBeLessThanOrEqual(perPage)
      expect(page.lastPage).toBe(Math.ceil(page.total / perPage))
      expect(page.nextPage).toBe(number < page.lastPage ? number + 1 : null)
      expect(new Set(page.users.map((u) => u.id)).size).toBe(page.users.length)
    }
    const createdAt = (u: User) => Date.parse(u.created_at)

    // Newest first, so the users just created are on the first page of 50.
    const all = await target.admin.listUsers()
    expectConsistent(all, 1, 50)
    expect(all.total).toBeGreaterThanOrEqual(3)
    const ids = all.users.map((u) => u.id)
    for (const id of created) expect(ids).toContain(id)
    for (let i = 1; i < all.users.length; i++) expect(createdAt(all.users[i]!)).toBeLessThanOrEqual(createdAt(all.users[i - 1]!))

    const first = await target.admin.listUsers({ page: 1, perPage: 1 })
    expectConsistent(first, 1, 1)
    expect(first.users).toHaveLength(1)
    expect(first.nextPage).toBe(2)
    const second = await target.admin.listUsers({ page: 2, perPage: 1 })
    expectConsistent(second, 2, 1)
    expect(second.users).toHaveLength(1)
    expect(createdAt(second.users[0]!)).toBeLessThanOrEqual(createdAt(first.users[0]!))
    // Unless a user was added or removed in between, page 2 is a different user.
    if (second.total === first.total) expect(second.users[0]?.id).not.toBe(first.users[0]?.id)

    const last = await target.admin.listUsers({ page: first.lastPage, perPage: 1 })
    expectConsistent(last, first.lastPage, 1)
  })

  it('deleteUser resolves { user } as it was (auth-js); the user is gone and their session dies', async () => {
    const { auth, user } = await signedInClient(target, 'delete')
    const { user: removed } = await target.admin.deleteUser(user.id)
    expect(removed).toMatchObject({ id: user.id, email: user.email })
    const error = await rejection(target.admin.getUserById(user.id))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'user_not_found', status: 404 })
    await rejection(auth.getUser())
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('deleteUser with shouldSoftDelete keeps no personal data and signs the user out', async () => {
    const { auth, user, email } = await signedInClient(target, 'soft-delete')
    const { user: removed } = await target.admin.deleteUser(user.id, true)
    expect(removed.email).toBe(email)
    await rejection(auth.refreshSession())
    expect(auth.snapshot.status).toBe('signedOut')
    const error = await rejection(target.client().signInWithPassword({ email, password: PASSWORD }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 400 })
  })

  it('listUsers walks every page by nextPage; each page’s total and lastPage agree', async () => {
    for (const tag of ['walk-a', 'walk-b']) await target.admin.createUser({ email: uniqueEmail(tag), password: PASSWORD, email_confirm: true })
    const perPage = 2
    let page: number | null = 1
    let pages = 0
    while (page !== null && pages < 3) {
      const result: UserPage = await target.admin.listUsers({ page, perPage })
      expect(result.users.length).toBeLessThanOrEqual(perPage)
      expect(result.lastPage).toBe(Math.ceil(result.total / perPage))
      page = result.nextPage
      pages += 1
    }
    expect(pages).toBeGreaterThanOrEqual(1)
  })

  it('getUserById of an unknown id rejects with user_not_found', async () => {
    const error = await rejection(target.admin.getUserById(NO_SUCH_ID))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'user_not_found', status: 404 })
  })

  it('refuses a non-admin key with an AuthApiError', async () => {
    const impostor = createAdminClient({ url: target.url, serviceRoleKey: target.anonKey })
    const error = await rejection(impostor.listUsers())
    expect(error.name).toBe('AuthApiError')
    expect([401, 403]).toContain(error.status)
  })
})

describe('signOut(jwt, scope)', () => {
  it('others ends the user’s other sessions and keeps the token’s own; global (the default) ends all', async () => {
    const { auth: first, email } = await signedInClient(target, 'admin-signout')
    const second = target.client()
    const { session } = await second.signInWithPassword({ email, password: PASSWORD })

    await target.admin.signOut(session.access_token, 'others')
    await rejection(first.refreshSession())
    expect(first.snapshot.status).toBe('signedOut')
    await second.refreshSession()
    expect(second.snapshot.status).toBe('authenticated')

    const current = second.snapshot.session
    if (current === null) throw new Error('expected a session')
    await target.admin.signOut(current.access_token)
    await rejection(second.refreshSession())
    expect(second.snapshot.status).toBe('signedOut')
  })

  it('rejects an unknown scope before any request', async () => {
    const error = await rejection(target.admin.signOut('x.y.z', 'everyone' as never))
    expect(error).toMatchObject({ name: 'AuthInvalidCredentialsError' })
  })
})

describe('generateLink', () => {
  it('signup: a link whose hash confirms the new user and signs in', async () => {
    const email = uniqueEmail('link-signup')
    const { properties, user } = await target.admin.generateLink({ type: 'signup', email, password: PASSWORD })
    expect(properties).toMatchObject({
      action_link: expect.stringContaining('/verify?'),
      email_otp: expect.stringMatching(/^\d{6}$/),
      hashed_token: expect.stringMatching(/^[0-9a-f]{56}$/),
      redirect_to: expect.any(String),
      verification_type: 'signup',
    })
    expect(properties.action_link).toContain(properties.hashed_token)
    expect(user).toMatchObject({ email })

    const auth = target.client()
    const data = await auth.verifyOtp({ token_hash: properties.hashed_token, type: 'signup' })
    expect(data.user?.id).toBe(user.id)
    expect(auth.snapshot.status).toBe('authenticated')
  })

  it('magiclink: its code signs an existing user in', async () => {
    const { user, email } = await signedInClient(target, 'link-magic')
    const { properties } = await target.admin.generateLink({ type: 'magiclink', email })
    expect(properties.verification_type).toBe('magiclink')
    const auth = target.client()
    await auth.verifyOtp({ email, token: properties.email_otp, type: 'magiclink' })
    expect(auth.snapshot.user?.id).toBe(user.id)
  })

  it('recovery: its hash announces PASSWORD_RECOVERY', async () => {
    const { email } = await signedInClient(target, 'link-recovery')
    const { properties } = await target.admin.generateLink({ type: 'recovery', email, options: { redirectTo: 'http://localhost:3000/reset' } })
    expect(properties.verification_type).toBe('recovery')
    // A real server keeps the address only if its allow list has it; the local one allows its site URL.
    if (target.local) expect(properties.redirect_to).toBe('http://localhost:3000/reset')
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    await auth.verifyOtp({ token_hash: properties.hashed_token, type: 'recovery' })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'PASSWORD_RECOVERY'])
  })

  it('invite: creates the invited user; the hash signs them in', async () => {
    const email = uniqueEmail('link-invite')
    const { properties, user } = await target.admin.generateLink({ type: 'invite', email, options: { data: { team: 'red' } } })
    expect(properties.verification_type).toBe('invite')
    expect(user).toMatchObject({ email, invited_at: expect.any(String), user_metadata: { team: 'red' } })
    const auth = target.client()
    await auth.verifyOtp({ token_hash: properties.hashed_token, type: 'invite' })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: user.id } })
  })

  it('email_change_current and email_change_new: links for a pending change', async () => {
    const { email, user } = await signedInClient(target, 'link-change')
    const newEmail = uniqueEmail('link-changed')
    const current = await target.admin.generateLink({ type: 'email_change_current', email, newEmail })
    const next = await target.admin.generateLink({ type: 'email_change_new', email, newEmail })
    for (const link of [current, next]) {
      expect(link.properties).toMatchObject({
        action_link: expect.stringContaining('type=email_change'),
        email_otp: expect.stringMatching(/^\d{6}$/),
        hashed_token: expect.stringMatching(/^[0-9a-f]{56}$/),
      })
    }
    expect(next.user).toMatchObject({ id: user.id, email, new_email: newEmail })
    // GoTrue echoes the requested type here (mail.go: `VerificationType: params.Type`).
    expect(current.properties.verification_type).toBe('email_change_current')
    expect(next.properties.verification_type).toBe('email_change_new')
  })
})

describe('inviteUserByEmail', () => {
  it('creates an invited user; the invite code signs them in', async () => {
    const email = uniqueEmail('invite')
    const { user } = await target.admin.inviteUserByEmail(email, { data: { team: 'blue' } })
    expect(user).toMatchObject({ email, invited_at: expect.any(String), user_metadata: { team: 'blue' } })
    if (target.local) expect(target.local.outbox.latest(email, 'invite')).toBeDefined()

    const auth = target.client()
    await auth.verifyOtp({ email, token: await target.emailOtp(email, 'invite'), type: 'invite' })
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: user.id, email_confirmed_at: expect.any(String) } })
  })

  it('refuses an address that is already registered', async () => {
    const { email } = await signedInClient(target, 'invite-dup')
    const error = await rejection(target.admin.inviteUserByEmail(email))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'email_exists', status: 422 })
  })
})

describe('mfa', () => {
  it('listFactors shows a user’s factor; deleteFactor removes it and the user signs in without MFA', async () => {
    const { auth, user, email } = await signedInClient(target, 'admin-mfa')
    const factor = await mfa(auth).enroll({ factorType: 'totp', friendlyName: 'Admin test' })
    if (factor.type !== 'totp') throw new Error('expected a TOTP factor')
    await mfa(auth).challengeAndVerify({ factorId: factor.id, code: totpCode(factor.totp.secret) })

    const { factors } = await target.admin.mfa.listFactors({ userId: user.id })
    expect(factors).toEqual([expect.objectContaining({ id: factor.id, factor_type: 'totp', status: 'verified', friendly_name: 'Admin test' })])

    expect(await target.admin.mfa.deleteFactor({ id: factor.id, userId: user.id })).toMatchObject({ id: factor.id })
    expect((await target.admin.mfa.listFactors({ userId: user.id })).factors).toEqual([])

    const again = target.client()
    await again.signInWithPassword({ email, password: PASSWORD })
    expect(again.snapshot.status).toBe('authenticated')
  })

  it('deleteFactor of an unknown factor rejects with an AuthApiError', async () => {
    const { user } = await signedInClient(target, 'admin-mfa-404')
    const error = await rejection(target.admin.mfa.deleteFactor({ id: NO_SUCH_ID, userId: user.id }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 404 })
  })
})
