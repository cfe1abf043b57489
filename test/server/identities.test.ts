/**
 * Manual identity linking and unlinking (contract §4.17, §8.2): `GET /user/identities/authorize` and
 * `DELETE /user/identities/{identity_id}`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, signUp, start, uniqueEmail } from '../support/server-helpers.js'
import { fragment, pkcePair, query, uniqueSub, walk } from './oauth-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

interface Identity {
  identity_id: string
  provider: string
}

const linkUrl = async (token: string, q = 'provider=github') =>
  (await call(server, 'GET', `/user/identities/authorize?${q}&skip_http_redirect=true`, { token })).body.url as string
const me = async (token: string) => (await call(server, 'GET', '/user', { token })).body
const unlink = (token: string, id: string, headers: Record<string, string> = {}) =>
  call(server, 'DELETE', `/user/identities/${id}`, { token, headers })

describe('GET /user/identities/authorize', () => {
  it('answers {url} with skip_http_redirect, else 302, and needs a user', async () => {
    const s = await signUp(server)
    const url = await linkUrl(s.access_token)
    expect(url.startsWith(`${server.url}/idp/authorize?`)).toBe(true)
    expect(query(url)).not.toHaveProperty('skip_http_redirect')
    const redirect = await call(server, 'GET', '/user/identities/authorize?provider=github', { token: s.access_token })
    expect(redirect.status).toBe(302)
    expect((await call(server, 'GET', '/user/identities/authorize?provider=github')).status).toBe(401)
    const bad = await call(server, 'GET', '/user/identities/authorize?provider=nope', { token: s.access_token })
    expect(bad.body.msg).toBe('Unsupported provider: Provider nope could not be found')
  })

  it('links through the callback and signs the same user in with AMR oauth', async () => {
    const s = await signUp(server)
    server.provider.nextUser({ sub: uniqueSub('gh'), email: uniqueEmail('gh-other') })
    const end = await walk(server, await linkUrl(s.access_token))
    const f = fragment(end.location)
    expect(claims(f.access_token!)).toMatchObject({ sub: s.user.id, amr: [{ method: 'oauth' }] })
    const user = await me(f.access_token!)
    expect(user.email).toBe(s.user.email)
    expect(user.identities.map((i: Identity) => i.provider)).toEqual(['email', 'github'])
    expect(user.app_metadata.providers).toEqual(['email', 'github'])
  })

  it('links with PKCE: the code exchanges for a session of the same user', async () => {
    const s = await signUp(server)
    const { verifier, challenge } = pkcePair()
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
    const end = await walk(server, await linkUrl(s.access_token, `provider=google&code_challenge=${challenge}&code_challenge_method=s256`))
    const res = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: query(end.location).code, code_verifier: verifier } })
    expect(res.body.user.id).toBe(s.user.id)
    expect(res.body.user.identities).toHaveLength(2)
  })

  it('refuses an identity that is already linked, to this user or another', async () => {
    const sub = uniqueSub()
    const a = await signUp(server)
    server.provider.setUser({ sub, email: uniqueEmail() })
    try {
      await walk(server, await linkUrl(a.access_token))
      const again = await walk(server, await linkUrl(a.access_token))
      expect(query(again.location)).toEqual({ error: 'server_error', error_code: 'identity_already_exists', error_description: 'Identity is already linked' })
      const b = await signUp(server)
      const other = await walk(server, await linkUrl(b.access_token))
      expect(query(other.location).error_description).toBe('Identity is already linked to another user')
    } finally {
      server.provider.setUser(null)
    }
  })

  it('gives an anonymous user the email of a verified identity', async () => {
    const anon = (await call(server, 'POST', '/signup', { body: {} })).body
    const email = uniqueEmail('anon')
    server.provider.nextUser({ sub: uniqueSub(), email })
    const end = await walk(server, await linkUrl(anon.access_token))
    const user = await me(fragment(end.location).access_token!)
    expect(user).toMatchObject({ id: anon.user.id, email, is_anonymous: false })
  })
})

describe('DELETE /user/identities/{identity_id}', () => {
  async function withGithub(githubEmail = uniqueEmail('gh')): Promise<{ token: string; identities: Identity[]; email: string }> {
    const s = await signUp(server)
    server.provider.nextUser({ sub: uniqueSub(), email: githubEmail })
    const f = fragment((await walk(server, await linkUrl(s.access_token))).location)
    return { token: f.access_token!, identities: (await me(f.access_token!)).identities, email: s.user.email }
  }

  it('answers GoTrue errors in order: id, audience, last identity, unknown identity', async () => {
    const s = await signUp(server)
    const only = s.user.identities[0].identity_id
    expect((await unlink(s.access_token, 'nope')).body).toEqual({ code: 404, error_code: 'validation_failed', msg: 'identity_id must be an UUID' })
    expect((await unlink(s.access_token, only, { 'X-JWT-AUD': 'other' })).body).toEqual({
      code: 403, error_code: 'unexpected_audience', msg: "Token audience doesn't match request audience",
    })
    expect((await unlink(s.access_token, only)).body).toEqual({
      code: 422, error_code: 'single_identity_not_deletable', msg: 'User must have at least 1 identity after unlinking',
    })
    const { token } = await withGithub()
    expect((await unlink(token, only)).body).toEqual({ code: 422, error_code: 'identity_not_found', msg: "Identity doesn't exist" })
  })

  it('unlinks an OAuth identity: {} and providers recomputed, email kept', async () => {
    const { token, identities, email } = await withGithub()
    const github = identities.find((i) => i.provider === 'github')!
    const res = await unlink(token, github.identity_id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({})
    const user = await me(token)
    expect(user).toMatchObject({ email, app_metadata: { provider: 'email', providers: ['email'] } })
    expect(user.identities).toHaveLength(1)
  })

  it('unlinking the email identity moves the user to the remaining identity\'s email', async () => {
    const githubEmail = uniqueEmail('moved')
    const { token, identities } = await withGithub(githubEmail)
    const emailIdentity = identities.find((i) => i.provider === 'email')!
    expect((await unlink(token, emailIdentity.identity_id)).status).toBe(200)
    const user = await me(token)
    expect(user).toMatchObject({ email: githubEmail, app_metadata: { provider: 'github', providers: ['github'] } })
    expect(user.email_confirmed_at).toBeDefined()
  })

  it('refuses when the remaining email belongs to another account', async () => {
    const taken = uniqueEmail('taken')
    const { token, identities } = await withGithub(taken)
    await call(server, 'POST', '/admin/users', { token: server.serviceRoleKey, body: { email: taken, email_confirm: true } })
    const emailIdentity = identities.find((i) => i.provider === 'email')!
    expect((await unlink(token, emailIdentity.identity_id)).body).toEqual({
      code: 422, error_code: 'email_conflict_identity_not_deletable', msg: 'Unable to unlink identity due to email conflict',
    })
    expect((await me(token)).identities).toHaveLength(2)
  })

  it('unlinking a phone identity clears the phone', async () => {
    const phone = `1555${Date.now() % 10_000_000}`
    const s = (await call(server, 'POST', '/signup', { body: { phone, password: 'password123' } })).body
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail('phone') })
    const token = fragment((await walk(server, await linkUrl(s.access_token))).location).access_token!
    const phoneIdentity = (await me(token)).identities.find((i: Identity) => i.provider === 'phone')
    expect((await unlink(token, phoneIdentity.identity_id)).status).toBe(200)
    const user = await me(token)
    expect(user.phone).toBe('')
    expect(user.phone_confirmed_at).toBeUndefined()
  })
})
