/**
 * The apps registered with the OAuth 2.1 server over raw HTTP (contract §4.22): admin CRUD with GoTrue's
 * JSON (the secret only when made, soft deletion, `{}` for an empty list), a new secret, dynamic
 * registration on and off, and client authentication at `/oauth/token` (Basic, body secret, none; the
 * method must be the registered one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { APP_CALLBACK, approvedCode, basic, exchange, failure, registerApp, startAuthorize, tokenCall, type ClientAuth } from './oauth-server-helpers.js'
import { call, signUp, start } from '../support/server-helpers.js'

const admin = (server: AuthServer, method: string, path: string, body?: unknown) => call(server, method, path, { token: server.serviceRoleKey, body })

describe('admin OAuth clients', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ oauthServer: true })
  })
  afterAll(() => server.close())

  it('lists nothing as {} (clients is omitempty upstream)', async () => {
    expect((await admin(server, 'GET', '/admin/oauth/clients')).body).toEqual({})
  })

  it('registers a confidential client: 201, the secret once, GoTrue’s JSON', async () => {
    const res = await admin(server, 'POST', '/admin/oauth/clients', { client_name: 'Acme', client_uri: 'https://acme.example', redirect_uris: [APP_CALLBACK, 'myapp://callback'] })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body)).toEqual([
      'client_id', 'client_secret', 'client_type', 'redirect_uris', 'token_endpoint_auth_method', 'grant_types', 'response_types',
      'client_name', 'client_uri', 'registration_type', 'created_at', 'updated_at',
    ])
    expect(res.body).toMatchObject({
      client_type: 'confidential',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      registration_type: 'manual',
    })
    expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const read = await admin(server, 'GET', `/admin/oauth/clients/${res.body.client_id}`)
    expect(read.body.client_secret).toBeUndefined()
    expect(read.body.client_name).toBe('Acme')
  })

  it('registers a public client by type or by auth method, without a secret', async () => {
    const byType = await registerApp(server, { client_type: 'public' })
    expect(byType).toMatchObject({ client_type: 'public', token_endpoint_auth_method: 'none' })
    expect(byType.client_secret).toBeUndefined()
    const byMethod = await registerApp(server, { token_endpoint_auth_method: 'none' })
    expect(byMethod.client_type).toBe('public')
    const post = await registerApp(server, { token_endpoint_auth_method: 'client_secret_post' })
    expect(post).toMatchObject({ client_type: 'confidential', token_endpoint_auth_method: 'client_secret_post', client_secret: expect.any(String) })
  })

  it('refuses bad registrations: 400 validation_failed behind GoTrue’s "400: " prefix, or bad_json', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, '400: redirect_uris is required'],
      [{ redirect_uris: ['http://example.com/cb'] }, "400: invalid redirect_uri 'http://example.com/cb': HTTP scheme only allowed for localhost"],
      [{ redirect_uris: ['https://example.com/cb#x'] }, "400: invalid redirect_uri 'https://example.com/cb#x': fragment not allowed in redirect URI"],
      [{ redirect_uris: ['/cb'] }, "400: invalid redirect_uri '/cb': must have scheme and host"],
      [{ redirect_uris: [APP_CALLBACK], grant_types: ['password'] }, "400: grant_types must only contain 'authorization_code' and/or 'refresh_token'"],
      [{ redirect_uris: [APP_CALLBACK], client_type: 'spa' }, "400: client_type must be 'public' or 'confidential'"],
      [{ redirect_uris: [APP_CALLBACK], token_endpoint_auth_method: 'private_key_jwt' }, '400: token_endpoint_auth_method must be one of: [none client_secret_basic client_secret_post]'],
      [{ redirect_uris: [APP_CALLBACK], client_type: 'public', token_endpoint_auth_method: 'client_secret_basic' }, "400: client_type 'public' is inconsistent with token_endpoint_auth_method 'client_secret_basic' (expected client_type 'confidential')"],
      [{ redirect_uris: [APP_CALLBACK], client_uri: 'not a url' }, '400: client_uri must be a valid URL'],
    ]
    for (const [body, msg] of cases) {
      expect((await admin(server, 'POST', '/admin/oauth/clients', body)).body, msg).toEqual({ code: 400, error_code: 'validation_failed', msg })
    }
    for (const body of [{ redirect_uris: APP_CALLBACK }, { redirect_uris: [APP_CALLBACK], client_name: 5 }, []]) {
      expect((await admin(server, 'POST', '/admin/oauth/clients', body)).body).toEqual({ code: 400, error_code: 'bad_json', msg: 'Invalid JSON body' })
    }
  })

  it('lists newest first without secrets; reads, updates, deletes (204, then 404)', async () => {
    const first = await registerApp(server, { client_name: 'First' })
    const second = await registerApp(server, { client_name: 'Second', logo_uri: 'https://img.example/logo.png' })
    const list = (await admin(server, 'GET', '/admin/oauth/clients?page=1&per_page=1')).body.clients as Array<Record<string, unknown>>
    expect(list.map((c) => c['client_id']).slice(0, 2)).toEqual([second.client_id, first.client_id])
    expect(list.every((c) => c['client_secret'] === undefined)).toBe(true)

    const path = `/admin/oauth/clients/${second.client_id}`
    expect(failure(await admin(server, 'PUT', path, {}))).toMatchObject({ status: 400, msg: 'No fields provided for update' })
    expect(failure(await admin(server, 'PUT', path, { redirect_uris: [] }))).toMatchObject({ status: 400, msg: 'redirect_uris cannot be empty' })
    expect(failure(await admin(server, 'PUT', path, { token_endpoint_auth_method: 'none' }))).toMatchObject({
      status: 400,
      msg: "token_endpoint_auth_method 'none' is not valid for client_type 'confidential'; valid methods: [client_secret_basic client_secret_post]",
    })
    const updated = await admin(server, 'PUT', path, { client_name: '', redirect_uris: ['https://acme.example/cb'], token_endpoint_auth_method: 'client_secret_post' })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ redirect_uris: ['https://acme.example/cb'], token_endpoint_auth_method: 'client_secret_post', logo_uri: 'https://img.example/logo.png' })
    expect(updated.body.client_name).toBeUndefined()

    const deleted = await admin(server, 'DELETE', path)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    expect((await admin(server, 'GET', path)).body).toEqual({ code: 404, error_code: 'oauth_client_not_found', msg: 'OAuth client not found' })
    expect((await admin(server, 'GET', '/admin/oauth/clients')).body.clients.map((c: { client_id: string }) => c.client_id)).not.toContain(second.client_id)
    expect((await admin(server, 'GET', '/admin/oauth/clients/nope')).body).toEqual({ code: 400, error_code: 'validation_failed', msg: 'invalid client_id format' })
  })

  it('regenerates a confidential client’s secret (the old one stops working), never a public one’s', async () => {
    const client = await registerApp(server)
    const res = await admin(server, 'POST', `/admin/oauth/clients/${client.client_id}/regenerate_secret`)
    expect(res.status).toBe(200)
    expect(res.body.client_secret).toEqual(expect.any(String))
    expect(res.body.client_secret).not.toBe(client.client_secret)
    const probe = { grant_type: 'refresh_token', refresh_token: 'zzzzzzzzzzzz' }
    expect(failure(await tokenCall(server, basic(client), probe))).toMatchObject({ error_code: 'invalid_credentials', msg: 'invalid client credentials' })
    expect(failure(await tokenCall(server, basic({ ...client, client_secret: res.body.client_secret }), probe))).toMatchObject({ error: 'invalid_grant' })

    const pub = await registerApp(server, { client_type: 'public' })
    expect((await admin(server, 'POST', `/admin/oauth/clients/${pub.client_id}/regenerate_secret`)).body).toEqual({ code: 400, error_code: 'validation_failed', msg: 'Cannot regenerate secret for public client' })
  })
})

describe('dynamic client registration', () => {
  it('is refused with 403 unless allowed, then registers a dynamic client', async () => {
    const off = await start({ oauthServer: true })
    const on = await start({ oauthServer: true, oauthServerAllowDynamicRegistration: true })
    try {
      const body = { client_name: 'CLI', redirect_uris: ['http://127.0.0.1:8765/cb'], token_endpoint_auth_method: 'none' }
      expect((await call(off, 'POST', '/oauth/clients/register', { body })).body).toEqual({
        code: 403, error_code: 'oauth_dynamic_client_registration_disabled', msg: 'Dynamic client registration is not enabled',
      })
      const res = await call(on, 'POST', '/oauth/clients/register', { body })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ registration_type: 'dynamic', client_type: 'public', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:8765/cb'] })
      expect((await call(on, 'POST', '/oauth/clients/register', { body: {} })).body.msg).toBe('400: redirect_uris is required')
    } finally {
      await Promise.all([off.close(), on.close()])
    }
  })
})

describe('client authentication at /oauth/token', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start({ oauthServer: true })
  })
  afterAll(() => server.close())

  /** A full exchange for `client`, authenticating as `auth`. */
  async function exchangeAs(clientId: string, auth: ClientAuth, json = false) {
    const s = await signUp(server)
    const started = await startAuthorize(server, clientId)
    const code = await approvedCode(server, s.access_token, started)
    return json
      ? tokenCall(server, auth, { grant_type: 'authorization_code', code, code_verifier: started.verifier }, true)
      : exchange(server, auth, code, started.verifier)
  }

  it('accepts each registered method: Basic, secret in the body (form and JSON), none for a public client', async () => {
    const basicApp = await registerApp(server)
    const postApp = await registerApp(server, { token_endpoint_auth_method: 'client_secret_post' })
    const publicApp = await registerApp(server, { client_type: 'public' })
    expect((await exchangeAs(basicApp.client_id, basic(basicApp))).status).toBe(200)
    const post: ClientAuth = { kind: 'post', clientId: postApp.client_id, secret: postApp.client_secret ?? '' }
    expect((await exchangeAs(postApp.client_id, post)).status).toBe(200)
    expect((await exchangeAs(postApp.client_id, post, true)).status).toBe(200)
    expect((await exchangeAs(publicApp.client_id, { kind: 'none', clientId: publicApp.client_id })).status).toBe(200)
  })

  it('refuses with 400 invalid_credentials: no client, a malformed or unknown id, another method, a wrong or missing secret', async () => {
    const confidential = await registerApp(server)
    const pub = await registerApp(server, { client_type: 'public' })
    const probe = { grant_type: 'authorization_code', code: 'x' }
    const cases: Array<[ClientAuth | null, string]> = [
      [null, 'Invalid client credentials: client_id is required'],
      [{ kind: 'none', clientId: 'not-a-uuid' }, 'Invalid client_id format'],
      [{ kind: 'none', clientId: crypto.randomUUID() }, 'Invalid client credentials'],
      [{ kind: 'post', clientId: confidential.client_id, secret: confidential.client_secret ?? '' }, "invalid authentication method: client is registered for 'client_secret_basic' but 'client_secret_post' was used"],
      [{ kind: 'none', clientId: confidential.client_id }, "invalid authentication method: client is registered for 'client_secret_basic' but 'none' was used"],
      [{ kind: 'basic', clientId: confidential.client_id, secret: 'wrong' }, 'invalid client credentials'],
      [{ kind: 'basic', clientId: confidential.client_id, secret: '' }, 'confidential clients must provide client_secret'],
      [{ kind: 'post', clientId: pub.client_id, secret: 'anything' }, "invalid authentication method: client is registered for 'none' but 'client_secret_post' was used"],
    ]
    for (const [auth, msg] of cases) {
      const res = auth
        ? await tokenCall(server, auth, probe)
        : await call(server, 'POST', '/oauth/token', { raw: new URLSearchParams(probe).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      expect(res.body, msg).toEqual({ code: 400, error_code: 'invalid_credentials', msg })
    }
    const garbled = await call(server, 'POST', '/oauth/token', { headers: { Authorization: 'Basic %%%' } })
    expect(garbled.body.msg).toBe('Invalid client credentials: invalid basic auth encoding')
    const badJson = await call(server, 'POST', '/oauth/token', { raw: '{', headers: { 'Content-Type': 'application/json' } })
    expect(badJson.body.msg).toBe('Invalid client credentials: failed to parse JSON body')
  })

  it('stops authenticating a deleted client', async () => {
    const client = await registerApp(server)
    await admin(server, 'DELETE', `/admin/oauth/clients/${client.client_id}`)
    expect(failure(await tokenCall(server, basic(client), { grant_type: 'authorization_code', code: 'x' }))).toMatchObject({ error_code: 'invalid_credentials', msg: 'Invalid client credentials' })
  })
})
