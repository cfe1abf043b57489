/**
 * `admin.oauth`: the OAuth 2.1 server's client registry through the admin client, against the local server
 * started with `oauthServer: true` (or a real GoTrue with `GOTRUE_OAUTH_SERVER_ENABLED`). Every test skips
 * while `POST /admin/oauth/clients` answers 404: the server side of these routes is built separately.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import type { OAuthClient } from '../../src/admin/index.js'
import type { AuthServerOptions } from '../../src/testing/index.js'
import { isAuthError } from '../../src/errors.js'
import { rejection } from '../support/flows.js'
import { openTarget, type Target } from '../support/target.js'

let target: Target
let available = false
const created: string[] = []

// `oauthServer` arrives with the server-side routes; typed loosely so this file compiles before they land.
const serverOptions: AuthServerOptions & { oauthServer: boolean } = { oauthServer: true }

beforeAll(async () => {
  target = await openTarget(serverOptions)
  const probe = await target.admin.oauth
    .createClient({ client_name: 'probe', redirect_uris: ['http://localhost:8976/cb'] })
    .catch((error: unknown) => error)
  available = !(isAuthError(probe) && probe.status === 404)
  if (!isAuthError(probe) && probe instanceof Error) throw probe
  if (!isAuthError(probe)) created.push((probe as OAuthClient).client_id)
})
afterAll(async () => {
  for (const id of created) await target.admin.oauth.deleteClient(id).catch(() => undefined)
  await target?.close()
})

function requireRoutes(ctx: TestContext): void {
  if (!available) ctx.skip('OAuth server routes not available')
}

const REDIRECT = 'http://localhost:8976/callback'
const name = (tag: string): string => `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`

async function newClient(params: Parameters<Target['admin']['oauth']['createClient']>[0]): Promise<OAuthClient> {
  const client = await target.admin.oauth.createClient(params)
  created.push(client.client_id)
  return client
}

describe('admin.oauth', () => {
  it('createClient: a confidential client, its secret shown once', async (ctx) => {
    requireRoutes(ctx)
    const clientName = name('confidential')
    const client = await newClient({ client_name: clientName, redirect_uris: [REDIRECT], client_uri: 'https://app.example.com' })
    expect(client).toMatchObject({
      client_id: expect.any(String),
      client_name: clientName,
      client_secret: expect.any(String),
      client_type: 'confidential',
      registration_type: 'manual',
      redirect_uris: [REDIRECT],
      response_types: ['code'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    })
    expect(client.grant_types).toEqual(expect.arrayContaining(['authorization_code']))
    const fetched = await target.admin.oauth.getClient(client.client_id)
    expect(fetched).toMatchObject({ client_id: client.client_id, client_name: clientName })
    expect(fetched.client_secret).toBeUndefined()
  })

  it('createClient with token_endpoint_auth_method none: a public client without a secret', async (ctx) => {
    requireRoutes(ctx)
    const client = await newClient({ client_name: name('public'), redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' })
    expect(client).toMatchObject({ client_type: 'public', token_endpoint_auth_method: 'none' })
    expect(client.client_secret).toBeUndefined()
  })

  it('listClients: the created clients, with pagination numbers', async (ctx) => {
    requireRoutes(ctx)
    const ids = [
      (await newClient({ client_name: name('list-a'), redirect_uris: [REDIRECT] })).client_id,
      (await newClient({ client_name: name('list-b'), redirect_uris: [REDIRECT] })).client_id,
    ]
    const page = await target.admin.oauth.listClients()
    expect(page).toMatchObject({ aud: expect.any(String), lastPage: expect.any(Number), total: expect.any(Number) })
    expect(page.clients.map((c) => c.client_id)).toEqual(expect.arrayContaining(ids))
    expect(page.total).toBeGreaterThanOrEqual(page.clients.length)
    for (const client of page.clients) expect(client.client_secret).toBeUndefined()

    const small = await target.admin.oauth.listClients({ page: 1, perPage: 1 })
    expect(small.nextPage === null || small.nextPage === 2).toBe(true)
  })

  it('updateClient changes only the given fields', async (ctx) => {
    requireRoutes(ctx)
    const client = await newClient({ client_name: name('update'), redirect_uris: [REDIRECT] })
    const renamed = name('renamed')
    const updated = await target.admin.oauth.updateClient(client.client_id, {
      client_name: renamed,
      redirect_uris: [REDIRECT, 'http://localhost:8976/other'],
    })
    expect(updated).toMatchObject({ client_id: client.client_id, client_name: renamed, redirect_uris: [REDIRECT, 'http://localhost:8976/other'] })
    expect(updated.client_type).toBe(client.client_type)
    expect((await target.admin.oauth.getClient(client.client_id)).client_name).toBe(renamed)
  })

  it('regenerateClientSecret issues a different secret', async (ctx) => {
    requireRoutes(ctx)
    const client = await newClient({ client_name: name('regen'), redirect_uris: [REDIRECT] })
    const regenerated = await target.admin.oauth.regenerateClientSecret(client.client_id)
    expect(regenerated.client_id).toBe(client.client_id)
    expect(regenerated.client_secret).toEqual(expect.any(String))
    expect(regenerated.client_secret).not.toBe(client.client_secret)
  })

  it('deleteClient resolves null; the client is gone', async (ctx) => {
    requireRoutes(ctx)
    const client = await newClient({ client_name: name('delete'), redirect_uris: [REDIRECT] })
    expect(await target.admin.oauth.deleteClient(client.client_id)).toBeNull()
    const error = await rejection(target.admin.oauth.getClient(client.client_id))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 404, code: 'oauth_client_not_found' })
    expect((await target.admin.oauth.listClients()).clients.map((c) => c.client_id)).not.toContain(client.client_id)
  })

  it('an unknown client is oauth_client_not_found for get, update, regenerate and delete', async (ctx) => {
    requireRoutes(ctx)
    const unknown = '00000000-0000-4000-8000-000000000000'
    // Called one at a time: a rejection made before it is awaited would be reported as unhandled.
    for (const call of [
      () => target.admin.oauth.getClient(unknown),
      () => target.admin.oauth.updateClient(unknown, { client_name: 'x' }),
      () => target.admin.oauth.regenerateClientSecret(unknown),
      () => target.admin.oauth.deleteClient(unknown),
    ]) {
      expect(await rejection(call())).toMatchObject({ name: 'AuthApiError', status: 404, code: 'oauth_client_not_found' })
    }
  })

  it('a bad redirect URI is refused by the server with validation_failed', async (ctx) => {
    requireRoutes(ctx)
    const error = await rejection(target.admin.oauth.createClient({ client_name: name('bad'), redirect_uris: ['not a uri'] }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 400, code: 'validation_failed' })
  })
})
