/**
 * The admin registries on the wire (OAuth clients, SSO providers, custom providers): paths, bodies,
 * argument checks before any request, and parsing of the answers, against a raw node:http server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../../src/errors.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

const SERVICE_KEY = 'service-role-key-value'
const PROVIDER_ID = '3c9d3f0e-7f0a-4a52-9a57-0e1f2d3c4b5a'

let server: TestServer
let admin: AdminClient
beforeAll(async () => {
  server = await startTestServer('/auth/v1')
  admin = createAdminClient({ url: server.url, serviceRoleKey: SERVICE_KEY, retry: false })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
})

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => 'resolved', (e: unknown) => e)
}

const oauthClient = (overrides: Record<string, unknown> = {}) => ({
  client_id: 'b5a1b7e2-8d1c-4a4e-9f43-2d0b9c1e6a77',
  client_name: 'CLI',
  client_type: 'confidential',
  token_endpoint_auth_method: 'client_secret_basic',
  registration_type: 'manual',
  redirect_uris: ['http://localhost:8976/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
})

describe('oauth', () => {
  it('listClients: page params out, clients and pagination (Link, X-Total-Count) back', async () => {
    server.handler = (_req, res) =>
      json(res, 200, { clients: [oauthClient()], aud: 'authenticated' }, {
        'X-Total-Count': '31',
        Link: '</admin/oauth/clients?page=3&per_page=10>; rel="next", </admin/oauth/clients?page=4&per_page=10>; rel="last"',
      })
    const page = await admin.oauth.listClients({ page: 2, perPage: 10 })
    expect(server.last()).toMatchObject({ method: 'GET', path: '/admin/oauth/clients' })
    expect(Object.fromEntries(server.last().query)).toEqual({ page: '2', per_page: '10' })
    expect(page).toEqual({ clients: [oauthClient()], aud: 'authenticated', nextPage: 3, lastPage: 4, total: 31 })
  })

  it('listClients without pagination headers: everything on one page', async () => {
    server.handler = (_req, res) => json(res, 200, { clients: [oauthClient(), oauthClient({ client_id: 'second' })] })
    expect(await admin.oauth.listClients()).toMatchObject({ aud: '', nextPage: null, lastPage: 1, total: 2 })
    expect([...server.last().query]).toEqual([])
  })

  it('createClient posts the params; the answer carries the secret', async () => {
    server.handler = (_req, res) => json(res, 201, oauthClient({ client_secret: 'shown-once' }))
    const client = await admin.oauth.createClient({ client_name: 'CLI', redirect_uris: ['http://localhost:8976/cb'], token_endpoint_auth_method: 'client_secret_post' })
    expect(server.last()).toMatchObject({
      method: 'POST',
      path: '/admin/oauth/clients',
      body: { client_name: 'CLI', redirect_uris: ['http://localhost:8976/cb'], token_endpoint_auth_method: 'client_secret_post' },
    })
    expect(client.client_secret).toBe('shown-once')
  })

  it('getClient, updateClient, regenerateClientSecret and deleteClient address the client', async () => {
    const id = oauthClient().client_id
    server.handler = (_req, res) => json(res, 200, oauthClient())
    await admin.oauth.getClient(id)
    expect(server.last()).toMatchObject({ method: 'GET', path: `/admin/oauth/clients/${id}` })
    await admin.oauth.updateClient(id, { client_name: 'Renamed', logo_uri: 'https://app.example.com/logo.png' })
    expect(server.last()).toMatchObject({ method: 'PUT', path: `/admin/oauth/clients/${id}`, body: { client_name: 'Renamed', logo_uri: 'https://app.example.com/logo.png' } })
    await admin.oauth.regenerateClientSecret(id)
    expect(server.last()).toMatchObject({ method: 'POST', path: `/admin/oauth/clients/${id}/regenerate_secret`, rawBody: '' })
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    expect(await admin.oauth.deleteClient(id)).toBeNull()
    expect(server.last()).toMatchObject({ method: 'DELETE', path: `/admin/oauth/clients/${id}` })
  })

  it('refuses bad arguments before any request', async () => {
    const bad: Array<() => Promise<unknown>> = [
      () => admin.oauth.listClients({ page: 0 }),
      () => admin.oauth.createClient({ client_name: '', redirect_uris: ['x'] }),
      () => admin.oauth.createClient({ client_name: 'x', redirect_uris: [] }),
      () => admin.oauth.createClient({ client_name: 'x', redirect_uris: ['x'], token_endpoint_auth_method: 'magic' as never }),
      () => admin.oauth.createClient({ client_name: 'x', redirect_uris: ['x'], response_types: ['token' as never] }),
      () => admin.oauth.updateClient('', {}),
      () => admin.oauth.updateClient('id', { redirect_uris: 'x' as never }),
      () => admin.oauth.getClient(undefined as never),
      () => admin.oauth.deleteClient(''),
      () => admin.oauth.regenerateClientSecret(42 as never),
    ]
    for (const call of bad) expect(await rejection(call())).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })

  it('a body without client_id is a malformed response', async () => {
    server.handler = (_req, res) => json(res, 200, { clients: [{ client_name: 'x' }] })
    expect(await rejection(admin.oauth.listClients())).toBeInstanceOf(AuthInvalidTokenResponseError)
  })
})

const ssoProvider = (overrides: Record<string, unknown> = {}) => ({
  id: PROVIDER_ID,
  saml: { entity_id: 'https://idp.acme.test', attribute_mapping: { keys: {} } },
  domains: [{ domain: 'acme.test' }],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
})

describe('sso', () => {
  it('listProviders reads GoTrue `items` into `providers`', async () => {
    server.handler = (_req, res) => json(res, 200, { items: [ssoProvider(), ssoProvider({ domains: undefined })] })
    const { providers } = await admin.sso.listProviders()
    expect(server.last()).toMatchObject({ method: 'GET', path: '/admin/sso/providers' })
    expect(providers).toHaveLength(2)
    expect(providers[1]?.domains).toEqual([])
  })

  it('create, get (by id or resource_), update and delete', async () => {
    server.handler = (_req, res) => json(res, 200, ssoProvider())
    await admin.sso.createProvider({ type: 'saml', metadata_url: 'https://idp.acme.test/metadata', domains: ['acme.test'], resource_id: 'acme' })
    expect(server.last()).toMatchObject({
      method: 'POST',
      path: '/admin/sso/providers',
      body: { type: 'saml', metadata_url: 'https://idp.acme.test/metadata', domains: ['acme.test'], resource_id: 'acme' },
    })
    await admin.sso.getProvider('resource_acme')
    expect(server.last()).toMatchObject({ method: 'GET', path: '/admin/sso/providers/resource_acme' })
    await admin.sso.updateProvider(PROVIDER_ID, { disabled: true })
    expect(server.last()).toMatchObject({ method: 'PUT', path: `/admin/sso/providers/${PROVIDER_ID}`, body: { disabled: true } })
    expect((await admin.sso.deleteProvider(PROVIDER_ID)).id).toBe(PROVIDER_ID)
    expect(server.last()).toMatchObject({ method: 'DELETE', path: `/admin/sso/providers/${PROVIDER_ID}` })
  })

  it('refuses bad arguments before any request', async () => {
    const bad: Array<() => Promise<unknown>> = [
      () => admin.sso.createProvider({ type: 'oidc', metadata_xml: '<x/>' } as never),
      () => admin.sso.createProvider({ type: 'saml' } as never),
      () => admin.sso.createProvider({ type: 'saml', metadata_xml: '<x/>', metadata_url: 'https://x.test' } as never),
      () => admin.sso.createProvider({ type: 'saml', metadata_xml: '<x/>', domains: 'acme.test' } as never),
      () => admin.sso.getProvider('not-an-id'),
      () => admin.sso.updateProvider(PROVIDER_ID, { disabled: 'yes' as never }),
      () => admin.sso.deleteProvider('resource_'),
    ]
    for (const call of bad) expect(await rejection(call())).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })
})

const customProvider = (overrides: Record<string, unknown> = {}) => ({
  id: PROVIDER_ID,
  provider_type: 'oauth2',
  identifier: 'custom:acme',
  name: 'Acme',
  client_id: 'acme-client',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
})

describe('customProviders', () => {
  it('listProviders filters by type; an absent list is empty', async () => {
    server.handler = (_req, res) => json(res, 200, { providers: [customProvider()] })
    expect((await admin.customProviders.listProviders({ type: 'oauth2' })).providers).toHaveLength(1)
    expect(server.last()).toMatchObject({ method: 'GET', path: '/admin/custom-providers' })
    expect(server.last().query.get('type')).toBe('oauth2')
    server.handler = (_req, res) => json(res, 200, {})
    expect(await admin.customProviders.listProviders()).toEqual({ providers: [] })
    expect(server.last().query.has('type')).toBe(false)
  })

  it('create posts the params; get/update/delete keep the `:` of the identifier literal', async () => {
    server.handler = (_req, res) => json(res, 201, customProvider())
    const params = {
      provider_type: 'oauth2' as const,
      identifier: 'custom:acme',
      name: 'Acme',
      client_id: 'acme-client',
      client_secret: 'acme-secret',
      authorization_url: 'https://id.acme.test/authorize',
      token_url: 'https://id.acme.test/token',
      userinfo_url: 'https://id.acme.test/userinfo',
      scopes: ['openid', 'email'],
    }
    expect((await admin.customProviders.createProvider(params)).identifier).toBe('custom:acme')
    expect(server.last()).toMatchObject({ method: 'POST', path: '/admin/custom-providers', body: params })
    server.handler = (_req, res) => json(res, 200, customProvider())
    await admin.customProviders.getProvider('custom:acme')
    expect(server.last()).toMatchObject({ method: 'GET', path: '/admin/custom-providers/custom:acme' })
    await admin.customProviders.updateProvider('custom:acme', { enabled: false })
    expect(server.last()).toMatchObject({ method: 'PUT', path: '/admin/custom-providers/custom:acme', body: { enabled: false } })
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    expect(await admin.customProviders.deleteProvider('custom:acme')).toBeNull()
    expect(server.last()).toMatchObject({ method: 'DELETE', path: '/admin/custom-providers/custom:acme' })
  })

  it('refuses bad arguments before any request', async () => {
    const base = { provider_type: 'oidc' as const, identifier: 'custom:x', name: 'X', client_id: 'id', client_secret: 's' }
    const bad: Array<() => Promise<unknown>> = [
      () => admin.customProviders.listProviders({ type: 'saml' as never }),
      () => admin.customProviders.createProvider({ ...base, provider_type: 'saml' as never }),
      () => admin.customProviders.createProvider({ ...base, client_secret: '' }),
      () => admin.customProviders.createProvider({ ...base, scopes: 'openid' as never }),
      () => admin.customProviders.createProvider({ ...base, pkce_enabled: 'true' as never }),
      () => admin.customProviders.updateProvider('', {}),
      () => admin.customProviders.updateProvider('custom:x', { authorization_params: 'x' as never }),
      () => admin.customProviders.getProvider(undefined as never),
    ]
    for (const call of bad) expect(await rejection(call())).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })
})
