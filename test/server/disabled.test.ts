import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, signUp, start } from '../support/server-helpers.js'

let server: AuthServer
beforeAll(async () => {
  // Each feature switched off, as GoTrue ships it.
  server = await start({ saml: false, manualLinking: false, externalProviders: [] })
})
afterAll(() => server.close())

/** An unsigned JWT-shaped token; GoTrue reads its `iss` before anything verifies it. */
const idTokenFrom = (iss: string) =>
  ['{"alg":"none"}', JSON.stringify({ iss, sub: 'x' }), 'sig'].map((p) => Buffer.from(p).toString('base64url')).join('.')

const grant = (type: string, body: unknown) => call(server, 'POST', `/token?grant_type=${type}`, { body })

describe('OAuth providers (off)', () => {
  it('/authorize answers 400 validation_failed for a provider that is off, and /settings says so', async () => {
    const res = await call(server, 'GET', '/authorize?provider=github')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ code: 400, error_code: 'validation_failed', msg: 'Unsupported provider: provider is not enabled' })
    const settings = await call(server, 'GET', '/settings')
    expect(settings.body.external).toMatchObject({ github: false, google: false, email: true })
    expect(settings.body.saml_enabled).toBe(false)
  })

  it('enables exactly the listed providers', async () => {
    const some = await start({ externalProviders: ['GitHub', 'custom:acme'] })
    try {
      expect((await call(some, 'GET', '/authorize?provider=github')).status).toBe(302)
      expect((await call(some, 'GET', '/authorize?provider=custom:acme')).status).toBe(302)
      expect((await call(some, 'GET', '/authorize?provider=custom:other')).body.msg).toBe('Unsupported provider: provider is not enabled')
      expect((await call(some, 'GET', '/authorize?provider=google')).body.msg).toBe('Unsupported provider: provider is not enabled')
      expect((await call(some, 'GET', '/settings')).body.external).toMatchObject({ github: true, google: false })
    } finally {
      await some.close()
    }
  })
})

describe('SAML SSO (off)', () => {
  it('answers 404 saml_provider_disabled, not a bare 404', async () => {
    for (const [method, path] of [['POST', '/sso'], ['POST', '/sso/saml/acs'], ['GET', '/sso/saml/acs'], ['GET', '/sso/saml/metadata']] as const) {
      const res = await call(server, method, path, method === 'POST' ? { body: { domain: 'example.com' } } : {})
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ code: 404, error_code: 'saml_provider_disabled', msg: 'SAML 2.0 is disabled' })
      expect(res.headers.get('x-sb-error-code')).toBe('saml_provider_disabled')
    }
  })

  it('checks the admin token before saying so on the admin routes', async () => {
    expect((await call(server, 'GET', '/admin/sso/providers', { token: server.anonKey })).body.error_code).toBe('not_admin')
    const res = await call(server, 'GET', '/admin/sso/providers', { token: server.serviceRoleKey })
    expect(res.status).toBe(404)
    expect(res.body.error_code).toBe('saml_provider_disabled')
  })
})

describe('manual identity linking (off)', () => {
  it('answers 404 manual_linking_disabled to authorize and unlink, after authentication', async () => {
    const s = await signUp(server)
    const identityId = s.user.identities[0].identity_id
    expect((await call(server, 'GET', '/user/identities/authorize?provider=github')).status).toBe(401)
    expect((await call(server, 'DELETE', `/user/identities/${identityId}`)).status).toBe(401)
    for (const [method, path] of [['GET', '/user/identities/authorize?provider=github&skip_http_redirect=true'], ['DELETE', `/user/identities/${identityId}`]] as const) {
      const res = await call(server, method, path, { token: s.access_token })
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ code: 404, error_code: 'manual_linking_disabled', msg: 'Manual linking is disabled' })
    }
    // Nothing was unlinked.
    expect((await call(server, 'GET', '/user', { token: s.access_token })).body.identities).toHaveLength(1)
  })
})

describe('grant_type=web3 (off)', () => {
  it('answers 422 web3_provider_disabled whatever the body', async () => {
    for (const body of [{ chain: 'solana', message: 'm', signature: 's' }, {}]) {
      const res = await grant('web3', body)
      expect(res.status).toBe(422)
      expect(res.body).toEqual({ code: 422, error_code: 'web3_provider_disabled', msg: 'Web3 provider is disabled' })
    }
  })
})

describe('grant_type=id_token (no provider enabled)', () => {
  it('answers 400 provider_disabled naming the issuer, by provider or by issuer', async () => {
    const google = await grant('id_token', { provider: 'google', id_token: 'a.b.c' })
    expect(google.status).toBe(400)
    expect(google.body).toEqual({ code: 400, error_code: 'provider_disabled', msg: 'Provider (issuer "https://accounts.google.com") is not enabled' })
    const byIssuer = await grant('id_token', { issuer: 'https://kauth.kakao.com', client_id: 'app', id_token: 'a.b.c' })
    expect(byIssuer.body.msg).toBe('Provider (issuer "https://kauth.kakao.com") is not enabled')
    const apple = await grant('id_token', { provider: 'apple', id_token: idTokenFrom('https://appleid.apple.com') })
    expect(apple.body).toMatchObject({ error_code: 'provider_disabled', msg: 'Provider (issuer "https://appleid.apple.com") is not enabled' })
  })

  it('validates the request first, with the OAuth-style errors of this grant', async () => {
    expect((await grant('id_token', { provider: 'google' })).body).toEqual({ error: 'invalid request', error_description: 'id_token required' })
    expect((await grant('id_token', { id_token: 'a.b.c' })).body).toEqual({
      error: 'invalid request',
      error_description: 'provider or client_id and issuer required',
    })
    const apple = await grant('id_token', { provider: 'apple', id_token: 'not-a-jwt' })
    expect(apple.body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'Unable to detect issuer in ID token for Apple provider' })
    const unknown = await grant('id_token', { provider: 'acme', id_token: 'a.b.c' })
    expect(unknown.body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: 'Custom OIDC provider "acme" not allowed' })
  })
})
