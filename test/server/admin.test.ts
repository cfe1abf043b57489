import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, signUp, start, uniqueEmail } from './helpers.js'

let server: AuthServer
const admin = (method: string, path: string, body?: unknown) => call(server, method, path, { token: server.serviceRoleKey, body })

beforeAll(async () => {
  server = await start({ mailerAutoconfirm: false })
})
afterAll(() => server.close())

describe('admin users', () => {
  it('creates users (confirmed only on request) without sending email', async () => {
    const before = server.outbox.length
    const email = uniqueEmail()
    const res = await admin('POST', '/admin/users', { email, password: 'password123', email_confirm: true, user_metadata: { name: 'Ada' }, app_metadata: { plan: 'pro' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ email, user_metadata: { name: 'Ada', email_verified: true } })
    expect(res.body.app_metadata).toEqual({ provider: 'email', providers: ['email'], plan: 'pro' })
    expect(res.body.email_confirmed_at).toBeDefined()
    expect(server.outbox.length).toBe(before)
    expect((await call(server, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })).status).toBe(200)
    const unconfirmed = await admin('POST', '/admin/users', { email: uniqueEmail() })
    expect(unconfirmed.body.email_confirmed_at).toBeUndefined()
  })

  it('reports create errors in order', async () => {
    expect((await admin('POST', '/admin/users', {})).body.msg).toBe('Cannot create a user without either an email or phone')
    const email = uniqueEmail()
    await admin('POST', '/admin/users', { email })
    expect((await admin('POST', '/admin/users', { email })).body).toMatchObject({ code: 422, error_code: 'email_exists' })
    expect((await admin('POST', '/admin/users', { email: uniqueEmail(), password: 'a', password_hash: 'b' })).body.msg).toBe(
      'Only a password or a password hash should be provided',
    )
    expect((await admin('POST', '/admin/users', { email: uniqueEmail(), ban_duration: 'forever' })).body.msg).toBe(
      'invalid format for ban duration: time: invalid duration "forever"',
    )
  })

  it('lists with X-Total-Count and Link headers', async () => {
    const srv = await start()
    try {
      const empty = await call(srv, 'GET', '/admin/users', { token: srv.serviceRoleKey })
      expect(empty.body).toEqual({ users: [], aud: 'authenticated' })
      expect(empty.headers.get('x-total-count')).toBe('0')
      expect(empty.headers.get('link')).toBe('</admin/users?page=0>; rel="last"')
      for (let i = 0; i < 3; i++) await signUp(srv)
      const page = await call(srv, 'GET', '/admin/users?page=1&per_page=2', { token: srv.serviceRoleKey })
      expect(page.body.users).toHaveLength(2)
      expect(page.body.users[0].identities).toBeNull()
      expect(page.headers.get('x-total-count')).toBe('3')
      expect(page.headers.get('link')).toBe('</admin/users?page=2&per_page=2>; rel="next", </admin/users?page=2&per_page=2>; rel="last"')
      const bad = await call(srv, 'GET', '/admin/users?page=x', { token: srv.serviceRoleKey })
      expect(bad.body.msg).toMatch(/^Bad Pagination Parameters: /)
    } finally {
      await srv.close()
    }
  })

  it('reads, updates and deletes users', async () => {
    const created = (await admin('POST', '/admin/users', { email: uniqueEmail(), password: 'password123', email_confirm: true })).body
    expect((await admin('GET', `/admin/users/${created.id}`)).body.id).toBe(created.id)
    expect((await admin('GET', '/admin/users/nope')).body).toMatchObject({ code: 404, error_code: 'validation_failed', msg: 'user_id must be an UUID' })
    expect((await admin('GET', `/admin/users/${crypto.randomUUID()}`)).body).toMatchObject({ code: 404, error_code: 'user_not_found', msg: 'User not found' })
    const s = (await call(server, 'POST', '/token?grant_type=password', { body: { email: created.email, password: 'password123' } })).body
    const upd = await admin('PUT', `/admin/users/${created.id}`, { user_metadata: { tier: 2 }, app_metadata: { role: 'x' }, password: 'password456' })
    expect(upd.body.user_metadata.tier).toBe(2)
    expect(upd.body.app_metadata.role).toBe('x')
    // A password set by an admin ends every session.
    expect((await call(server, 'GET', '/user', { token: s.access_token })).body.error_code).toBe('session_not_found')
    const banned = await admin('PUT', `/admin/users/${created.id}`, { ban_duration: '1h' })
    expect(banned.body.banned_until).toBeDefined()
    const login = await call(server, 'POST', '/token?grant_type=password', { body: { email: created.email, password: 'password456' } })
    expect(login.body.error_code).toBe('user_banned')
    expect((await admin('PUT', `/admin/users/${created.id}`, { ban_duration: 'none' })).body.banned_until).toBeUndefined()
    expect((await admin('DELETE', `/admin/users/${created.id}`)).body).toEqual({})
    expect((await admin('GET', `/admin/users/${created.id}`)).status).toBe(404)
  })

  it('soft-deletes users', async () => {
    const created = (await admin('POST', '/admin/users', { email: uniqueEmail() })).body
    expect((await admin('DELETE', `/admin/users/${created.id}`, { should_soft_delete: true })).status).toBe(200)
    const after = (await admin('GET', `/admin/users/${created.id}`)).body
    expect(after.deleted_at).toBeDefined()
    expect(after.email).not.toBe(created.email)
  })
})

describe('generate_link and invite', () => {
  it('signup link verifies with hashed_token', async () => {
    const email = uniqueEmail()
    const res = await admin('POST', '/admin/generate_link', { type: 'signup', email, password: 'password123' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ email, verification_type: 'signup', redirect_to: 'http://localhost:3000' })
    expect(res.body.email_otp).toMatch(/^\d{6}$/)
    expect(res.body.action_link).toBe(`${server.url}/verify?token=${res.body.hashed_token}&type=signup&redirect_to=http%3A%2F%2Flocalhost%3A3000`)
    const ok = await call(server, 'POST', '/verify', { body: { type: 'signup', token_hash: res.body.hashed_token } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.email_confirmed_at).toBeDefined()
  })

  it('magiclink link verifies with email_otp; unknown users become signup', async () => {
    const fresh = await admin('POST', '/admin/generate_link', { type: 'magiclink', email: uniqueEmail() })
    expect(fresh.body.verification_type).toBe('signup')
    const s = await admin('POST', '/admin/users', { email: uniqueEmail(), email_confirm: true })
    const link = await admin('POST', '/admin/generate_link', { type: 'magiclink', email: s.body.email })
    expect(link.body.verification_type).toBe('magiclink')
    const ok = await call(server, 'POST', '/verify', { body: { type: 'magiclink', email: s.body.email, token: link.body.email_otp } })
    expect(ok.status).toBe(200)
    expect(claims(ok.body.access_token).sub).toBe(s.body.id)
  })

  it('recovery for an unknown email is 404; bad types are 400', async () => {
    const res = await admin('POST', '/admin/generate_link', { type: 'recovery', email: uniqueEmail() })
    expect(res.body).toMatchObject({ code: 404, error_code: 'user_not_found', msg: 'User with this email not found' })
    const bad = await admin('POST', '/admin/generate_link', { type: 'nope', email: uniqueEmail() })
    expect(bad.body.msg).toBe('Invalid email action link type requested: nope')
  })

  it('invites by email; the invite link signs the user in', async () => {
    const email = uniqueEmail()
    const res = await admin('POST', '/invite', { email, data: { team: 'a' } })
    expect(res.status).toBe(200)
    expect(res.body.invited_at).toBeDefined()
    const mail = server.outbox.latest(email, 'invite')!
    const redirect = await fetch(mail.link!, { redirect: 'manual' })
    expect(redirect.status).toBe(303)
    const frag = new URLSearchParams(redirect.headers.get('location')!.split('#')[1])
    expect(frag.get('type')).toBe('invite')
    expect(claims(frag.get('access_token')!).email).toBe(email)
    const again = await admin('POST', '/invite', { email })
    expect(again.body.error_code).toBe('email_exists')
  })
})

describe('admin factors', () => {
  it('lists and deletes a user factor', async () => {
    const srv = await start()
    try {
      const s = await signUp(srv)
      const enroll = (await call(srv, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'totp' } })).body
      const list = await call(srv, 'GET', `/admin/users/${s.user.id}/factors`, { token: srv.serviceRoleKey })
      expect(list.body.map((f: { id: string }) => f.id)).toEqual([enroll.id])
      const del = await call(srv, 'DELETE', `/admin/users/${s.user.id}/factors/${enroll.id}`, { token: srv.serviceRoleKey })
      expect(del.body).toMatchObject({ id: enroll.id, factor_type: 'totp' })
      expect((await call(srv, 'GET', `/admin/users/${s.user.id}/factors`, { token: srv.serviceRoleKey })).body).toEqual([])
    } finally {
      await srv.close()
    }
  })
})
