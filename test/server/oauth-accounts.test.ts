/**
 * Who an OAuth sign-in lands on (contract §8.2): the same identity, a user with the same verified email,
 * or a new user; unverified emails, disabled signups, bans and invites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer, ProviderUser } from '../../src/testing/index.js'
import { call, start, uniqueEmail } from '../support/server-helpers.js'
import { fragment, query, uniqueSub, walk } from './oauth-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

async function oauth(srv: AuthServer, user: ProviderUser, provider = 'github'): Promise<{ location: string; token?: string }> {
  srv.provider.nextUser(user)
  const end = await walk(srv, `/authorize?provider=${provider}`)
  return { location: end.location, ...(fragment(end.location).access_token ? { token: fragment(end.location).access_token } : {}) }
}

const me = async (srv: AuthServer, token: string | undefined) => (await call(srv, 'GET', '/user', { token })).body

describe('account linking by identity and email', () => {
  it('signs the same identity in again, refreshing identity data and user metadata', async () => {
    const sub = uniqueSub()
    const email = uniqueEmail()
    const first = await me(server, (await oauth(server, { sub, email, name: 'Ada' })).token)
    const second = await me(server, (await oauth(server, { sub, email, name: 'Ada Lovelace' })).token)
    expect(second.id).toBe(first.id)
    expect(second.identities).toHaveLength(1)
    expect(second.identities[0].identity_data.name).toBe('Ada Lovelace')
    expect(second.user_metadata.name).toBe('Ada Lovelace')
  })

  it('links a new provider to the user with the same verified email', async () => {
    const email = uniqueEmail()
    const signup = await call(server, 'POST', '/signup', { body: { email, password: 'password123' } })
    const user = await me(server, (await oauth(server, { sub: uniqueSub(), email: email.toUpperCase(), name: 'Linked' }, 'google')).token)
    expect(user.id).toBe(signup.body.user.id)
    expect(user.identities.map((i: { provider: string }) => i.provider)).toEqual(['email', 'google'])
    expect(user.app_metadata).toMatchObject({ provider: 'email', providers: ['email', 'google'] })
    expect(user.user_metadata.name).toBe('Linked')
  })

  it('creates a separate user for a different email, and a 500 when two accounts share the email', async () => {
    const a = await me(server, (await oauth(server, { sub: uniqueSub(), email: uniqueEmail() })).token)
    const b = await me(server, (await oauth(server, { sub: uniqueSub(), email: uniqueEmail() })).token)
    expect(a.id).not.toBe(b.id)
    // The admin API does not check uniqueness, so two accounts can end up claiming one email.
    await call(server, 'PUT', `/admin/users/${b.id}`, { token: server.serviceRoleKey, body: { email: a.email } })
    const { location } = await oauth(server, { sub: uniqueSub(), email: a.email }, 'google')
    expect(query(location)).toMatchObject({
      error: 'server_error',
      error_code: 'unexpected_failure',
      error_description: 'Multiple accounts with the same email address in the same linking domain detected: default',
    })
  })

  it('refuses a banned user as access_denied', async () => {
    const email = uniqueEmail()
    const sub = uniqueSub()
    const { id } = await me(server, (await oauth(server, { sub, email })).token)
    await call(server, 'PUT', `/admin/users/${id}`, { token: server.serviceRoleKey, body: { ban_duration: '24h' } })
    const { location } = await oauth(server, { sub, email })
    expect(query(location)).toMatchObject({ error: 'access_denied', error_code: 'user_banned', error_description: 'User is banned' })
  })
})

describe('with confirmations on (mailerAutoconfirm: false)', () => {
  let strict: AuthServer
  beforeAll(async () => {
    strict = await start({ mailerAutoconfirm: false })
  })
  afterAll(() => strict.close())

  it('an unverified provider email creates the user, mails a confirmation and answers provider_email_needs_verification', async () => {
    const email = uniqueEmail()
    const { location } = await oauth(strict, { sub: uniqueSub(), email, email_verified: false })
    expect(query(location)).toMatchObject({
      error: 'access_denied',
      error_code: 'provider_email_needs_verification',
      error_description: 'Unverified email with github. A confirmation email has been sent to your github email',
    })
    expect(strict.outbox.latest(email, 'signup')).toBeDefined()
  })

  it('an unverified email does not link to an existing account', async () => {
    const email = uniqueEmail()
    const signup = await call(strict, 'POST', '/signup', { body: { email, password: 'password123' } })
    await oauth(strict, { sub: uniqueSub(), email, email_verified: false })
    const listed = await call(strict, 'GET', `/admin/users/${signup.body.id}`, { token: strict.serviceRoleKey })
    expect(listed.body.identities.map((i: { provider: string }) => i.provider)).toEqual(['email'])
  })

  it('a verified provider email confirms an unconfirmed user and drops its password and other identities', async () => {
    const email = uniqueEmail()
    const signup = await call(strict, 'POST', '/signup', { body: { email, password: 'password123' } })
    const user = await me(strict, (await oauth(strict, { sub: uniqueSub(), email, name: 'V' })).token)
    expect(user.id).toBe(signup.body.id)
    expect(user.email_confirmed_at).toBeDefined()
    expect(user.identities.map((i: { provider: string }) => i.provider)).toEqual(['github'])
    const password = await call(strict, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })
    expect(password.body.error_code).toBe('invalid_credentials')
  })
})

describe('signups disabled', () => {
  it('answers a new user with access_denied / signup_disabled, but still signs existing identities in', async () => {
    const closed = await start({ disableSignup: true })
    try {
      const { location } = await oauth(closed, { sub: uniqueSub(), email: uniqueEmail() })
      expect(query(location)).toMatchObject({ error: 'access_denied', error_code: 'signup_disabled', error_description: 'Signups not allowed for this instance' })
      const email = uniqueEmail()
      const created = await call(closed, 'POST', '/admin/users', { token: closed.serviceRoleKey, body: { email, email_confirm: true } })
      const linked = await oauth(closed, { sub: uniqueSub(), email })
      expect((await me(closed, linked.token)).id).toBe(created.body.id)
    } finally {
      await closed.close()
    }
  })
})

describe('invites', () => {
  it('accepts an invite by signing in with the invited email through a provider', async () => {
    const email = uniqueEmail('invitee')
    const invited = await call(server, 'POST', '/invite', { token: server.serviceRoleKey, body: { email } })
    const token = server.outbox.latest(email, 'invite')!.tokenHash
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail('someone-else') })
    const wrong = await walk(server, `/authorize?provider=github&invite_token=${token}`)
    expect(query(wrong.location)).toMatchObject({ error: 'invalid_request', error_description: 'Invited email does not match emails from external provider' })
    const ok = await oauth(server, { sub: uniqueSub(), email }, `github&invite_token=${token}`)
    const user = await me(server, ok.token)
    expect(user.id).toBe(invited.body.id)
    expect(user.email_confirmed_at).toBeDefined()
    expect(user.app_metadata.provider).toBe('github')
  })
})

describe('server.provider', () => {
  it('signs in the oauthUser option without asking, setUser overrides it, reset restores it', async () => {
    const sub = uniqueSub('opt')
    const srv = await start({ oauthUser: { sub, email: uniqueEmail('opt') } })
    try {
      const a = await me(srv, (await walk(srv, '/authorize?provider=github').then((h) => ({ token: fragment(h.location).access_token }))).token)
      expect(a.identities[0].id).toBe(sub)
      srv.provider.setUser(null)
      expect((await walk(srv, '/authorize?provider=github')).status).toBe(200)
      srv.provider.reset()
      expect((await walk(srv, '/authorize?provider=github')).status).toBe(302)
      expect(srv.provider.authorizeUrl).toBe(`${srv.url}/idp/authorize`)
    } finally {
      await srv.close()
    }
  })
})
