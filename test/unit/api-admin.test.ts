import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import { AuthApiError, AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../../src/errors.js'
import { json, startTestServer, USER_ID, userBody, type TestServer } from '../support/http-test-server.js'

const SERVICE_KEY = 'service-role-key-value'
const FACTOR = '0b9c1a52-8d64-4f0e-a3a5-2f4d6c7e8f90'

let server: TestServer
let admin: AdminClient
beforeAll(async () => {
  server = await startTestServer('/auth/v1')
  admin = createAdminClient({ url: server.url, serviceRoleKey: SERVICE_KEY })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  server.handler = (_req, res) => json(res, 200, userBody())
})

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => 'resolved', (e: unknown) => e)
}

describe('createAdminClient', () => {
  it('sends the service-role key as apikey and bearer', async () => {
    await admin.getUserById(USER_ID)
    const req = server.last()
    expect(req).toMatchObject({ method: 'GET', path: `/admin/users/${USER_ID}` })
    expect(req.headers['apikey']).toBe(SERVICE_KEY)
    expect(req.headers['authorization']).toBe(`Bearer ${SERVICE_KEY}`)
  })

  it('listUsers parses X-Total-Count and multi-digit Link pages', async () => {
    server.handler = (req, res) =>
      json(res, 200, { users: [userBody(), userBody({ id: FACTOR, user_metadata: null })], aud: 'authenticated' }, {
        'X-Total-Count': '250',
        Link: `</admin/users?page=12&per_page=2>; rel="next", </admin/users?page=125&per_page=2>; rel="last"`,
      })
    const page = await admin.listUsers({ page: 11, perPage: 2 })
    expect(server.last().query.get('page')).toBe('11')
    expect(server.last().query.get('per_page')).toBe('2')
    expect(page).toMatchObject({ aud: 'authenticated', total: 250, nextPage: 12, lastPage: 125 })
    expect(page.users).toHaveLength(2)
    expect(page.users[1]?.user_metadata).toEqual({})
  })

  it('listUsers without Link: nextPage null, lastPage 0; bad params rejected locally', async () => {
    server.handler = (_req, res) => json(res, 200, { users: [], aud: 'authenticated' }, { 'X-Total-Count': '0', Link: '</admin/users?page=0>; rel="last"' })
    expect(await admin.listUsers()).toMatchObject({ users: [], nextPage: null, lastPage: 0, total: 0 })
    expect(server.last().query.has('page')).toBe(false)
    expect(await rejection(admin.listUsers({ page: 0 }))).toBeInstanceOf(AuthInvalidCredentialsError)
    server.handler = (_req, res) => json(res, 200, { users: 'nope' })
    expect(await rejection(admin.listUsers())).toBeInstanceOf(AuthInvalidTokenResponseError)
  })

  it('createUser posts the attributes and wraps {user}', async () => {
    const { user } = await admin.createUser({ email: 'ada@example.com', password: 'pw', email_confirm: true, user_metadata: { a: 1 } })
    expect(server.last()).toMatchObject({ method: 'POST', path: '/admin/users' })
    expect(server.last().body).toEqual({ email: 'ada@example.com', password: 'pw', email_confirm: true, user_metadata: { a: 1 } })
    expect(user.id).toBe(USER_ID)
  })

  it('updateUserById PUTs; deleteUser reads the user, DELETEs with should_soft_delete, resolves the user (auth-js)', async () => {
    await admin.updateUserById(USER_ID, { ban_duration: '24h' })
    expect(server.last()).toMatchObject({ method: 'PUT', path: `/admin/users/${USER_ID}`, body: { ban_duration: '24h' } })
    server.requests.length = 0
    // GoTrue answers the DELETE with `{}`; the user comes from the GET before it.
    server.handler = (req, res) => json(res, 200, req.method === 'GET' ? userBody() : {})
    const { user } = await admin.deleteUser(USER_ID, true)
    expect(user.id).toBe(USER_ID)
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'DELETE'])
    expect(server.last()).toMatchObject({ method: 'DELETE', path: `/admin/users/${USER_ID}`, body: { should_soft_delete: true } })
    await admin.deleteUser(USER_ID)
    expect(server.last().body).toEqual({ should_soft_delete: false })
  })

  it('deleteUser of an unknown user rejects before any DELETE', async () => {
    server.handler = (_req, res) => json(res, 404, { code: 'user_not_found', msg: 'User not found' }, { 'X-Supabase-Api-Version': '2024-01-01' })
    expect(await rejection(admin.deleteUser(USER_ID))).toMatchObject({ name: 'AuthApiError', code: 'user_not_found' })
    expect(server.requests.map((r) => r.method)).toEqual(['GET'])
  })

  it('rejects non-UUID ids before any request', async () => {
    expect(await rejection(admin.getUserById('not-a-uuid'))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(admin.updateUserById('1', {}))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(admin.deleteUser('x'))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(admin.mfa.listFactors({ userId: 'x' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(admin.mfa.deleteFactor({ id: 'x', userId: USER_ID }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(admin.createUser({ id: 'x' }))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('generateLink flattens options, renames newEmail, splits properties from user', async () => {
    server.handler = (_req, res) =>
      json(res, 200, {
        ...userBody(),
        action_link: 'http://localhost/verify?token=h&type=email_change',
        email_otp: '123456',
        hashed_token: 'h',
        redirect_to: 'https://app.example.com',
        verification_type: 'email_change',
      })
    const r = await admin.generateLink({ type: 'email_change_new', email: 'ada@example.com', newEmail: 'new@example.com', options: { redirectTo: 'https://app.example.com' } })
    const req = server.last()
    expect(req).toMatchObject({ method: 'POST', path: '/admin/generate_link' })
    expect(req.body).toEqual({ type: 'email_change_new', email: 'ada@example.com', new_email: 'new@example.com', redirect_to: 'https://app.example.com' })
    expect(req.query.get('redirect_to')).toBe('https://app.example.com')
    expect(r.properties).toEqual({
      action_link: 'http://localhost/verify?token=h&type=email_change',
      email_otp: '123456',
      hashed_token: 'h',
      redirect_to: 'https://app.example.com',
      verification_type: 'email_change',
    })
    expect(r.user.id).toBe(USER_ID)
    expect(r.user).not.toHaveProperty('action_link')
  })

  it('generateLink signup requires a password; data travels in the body', async () => {
    expect(await rejection(admin.generateLink({ type: 'signup', email: 'a@example.com' } as never))).toBeInstanceOf(AuthInvalidCredentialsError)
    server.handler = (_req, res) => json(res, 200, { ...userBody(), action_link: 'l', email_otp: '1', hashed_token: 'h', redirect_to: '', verification_type: 'signup' })
    await admin.generateLink({ type: 'signup', email: 'a@example.com', password: 'pw', options: { data: { x: 1 } } })
    expect(server.last().body).toEqual({ type: 'signup', email: 'a@example.com', password: 'pw', data: { x: 1 } })
  })

  it('inviteUserByEmail posts email + data with redirect_to', async () => {
    const { user } = await admin.inviteUserByEmail('ada@example.com', { data: { team: 'x' }, redirectTo: 'https://app.example.com/join' })
    expect(server.last()).toMatchObject({ method: 'POST', path: '/invite', body: { email: 'ada@example.com', data: { team: 'x' } } })
    expect(server.last().query.get('redirect_to')).toBe('https://app.example.com/join')
    expect(user.id).toBe(USER_ID)
  })

  it('signOut uses the user jwt as bearer and the service key as apikey', async () => {
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    await admin.signOut('user-jwt')
    const req = server.last()
    expect(req).toMatchObject({ method: 'POST', path: '/logout' })
    expect(req.query.get('scope')).toBe('global')
    expect(req.headers['authorization']).toBe('Bearer user-jwt')
    expect(req.headers['apikey']).toBe(SERVICE_KEY)
  })

  it('mfa.listFactors and mfa.deleteFactor', async () => {
    const factor = { id: FACTOR, factor_type: 'totp', status: 'verified', created_at: 't', updated_at: 't' }
    server.handler = (_req, res) => json(res, 200, [factor])
    expect(await admin.mfa.listFactors({ userId: USER_ID })).toEqual({ factors: [factor] })
    expect(server.last().path).toBe(`/admin/users/${USER_ID}/factors`)
    server.handler = (_req, res) => json(res, 200, factor)
    expect((await admin.mfa.deleteFactor({ id: FACTOR, userId: USER_ID })).id).toBe(FACTOR)
    expect(server.last()).toMatchObject({ method: 'DELETE', path: `/admin/users/${USER_ID}/factors/${FACTOR}` })
  })

  it('rejects with the server error (not_admin)', async () => {
    server.handler = (_req, res) => json(res, 403, { code: 403, error_code: 'not_admin', msg: 'User not allowed' })
    const e = await rejection(admin.getUserById(USER_ID))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ code: 'not_admin', status: 403 })
  })
})
