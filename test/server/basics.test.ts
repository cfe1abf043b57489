import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, start } from '../support/server-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

describe('public routes', () => {
  it('serves /health under /auth/v1', async () => {
    const res = await call(server, 'GET', '/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/v1$/)
  })

  it('reflects options in /settings', async () => {
    const res = await call(server, 'GET', '/settings')
    expect(res.body).toMatchObject({ disable_signup: false, mailer_autoconfirm: true, phone_autoconfirm: true })
    // Every OAuth provider is on by default: the built-in identity provider plays them all.
    expect(res.body.external).toMatchObject({ email: true, phone: true, anonymous_users: true, google: true })
    expect(res.body.saml_enabled).toBe(true)
  })

  it('answers JWKS with an empty key list for HS256 and a cache header', async () => {
    const res = await call(server, 'GET', '/.well-known/jwks.json')
    expect(res.body).toEqual({ keys: [] })
    expect(res.headers.get('cache-control')).toBe('public, max-age=600')
  })

  it('answers unknown routes with a plain-text 404', async () => {
    const res = await call(server, 'GET', '/nope')
    expect(res.status).toBe(404)
    expect(res.text).toBe('404 page not found\n')
  })
})

describe('errors', () => {
  it('uses the initial shape without X-Supabase-Api-Version', async () => {
    const res = await call(server, 'POST', '/token?grant_type=nope', { body: {} })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'unsupported_grant_type' })
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials')
    expect(res.headers.get('x-supabase-api-version')).toBeNull()
  })

  it('uses the 2024-01-01 shape and echoes the version header', async () => {
    const res = await call(server, 'POST', '/token?grant_type=password', {
      body: { email: 'nobody@example.com', password: 'whatever1' },
      headers: { 'X-Supabase-Api-Version': '2024-01-01' },
    })
    expect(res.body).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' })
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials')
  })

  it('treats old or unparsable versions as initial', async () => {
    const old = await call(server, 'GET', '/user', { headers: { 'X-Supabase-Api-Version': '2023-12-31' } })
    expect(old.body).toEqual({ code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a valid Bearer token' })
    const junk = await call(server, 'GET', '/user', { headers: { 'X-Supabase-Api-Version': 'soon' } })
    expect(junk.body.code).toBe(401)
  })

  it('rejects empty and invalid JSON bodies with bad_json', async () => {
    const empty = await call(server, 'POST', '/signup', { raw: '' })
    expect(empty.status).toBe(400)
    expect(empty.body).toMatchObject({
      error_code: 'bad_json',
      msg: 'Could not parse request body as JSON: unexpected end of JSON input',
    })
    const invalid = await call(server, 'POST', '/signup', { raw: '{nope' })
    expect(invalid.body.error_code).toBe('bad_json')
  })

  it('answers an unhandled error with a bare 500: no error_id, no x-sb-error-code', async () => {
    // An unsupported PKCE method on an email endpoint fails in GoTrue with a plain Go error.
    const body = { email: 'nobody@example.com', code_challenge: 'c'.repeat(43), code_challenge_method: 'md5' }
    const initial = await call(server, 'POST', '/recover', { body })
    expect(initial.status).toBe(500)
    expect(initial.body).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, please check server logs for more information' })
    expect(initial.headers.get('x-sb-error-code')).toBeNull()
    const v2 = await call(server, 'POST', '/recover', { body, headers: { 'X-Supabase-Api-Version': '2024-01-01' } })
    expect(v2.body).toEqual({ code: 'unexpected_failure', message: 'Unexpected failure, please check server logs for more information' })
    expect(v2.headers.get('x-sb-error-code')).toBeNull()
    expect(v2.headers.get('x-supabase-api-version')).toBe('2024-01-01')
  })

  it('caps bodies at 1 MiB', async () => {
    const res = await call(server, 'POST', '/signup', { raw: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }) })
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ error_code: 'request_entity_too_large', msg: 'Request body too large (max 1048576 bytes)' })
  })

  it('checks the bearer format and signature', async () => {
    const trailing = await call(server, 'GET', '/user', { headers: { Authorization: `Bearer ${server.anonKey} second` } })
    expect(trailing.status).toBe(401)
    const bad = await call(server, 'GET', '/user', { token: 'a.b.c' })
    expect(bad.status).toBe(403)
    expect(bad.body.error_code).toBe('bad_jwt')
    expect(bad.body.msg).toMatch(/^invalid JWT: unable to parse or verify signature, /)
    const anon = await call(server, 'GET', '/user', { token: server.anonKey })
    expect(anon.status).toBe(403)
    expect(anon.body).toMatchObject({ error_code: 'bad_jwt', msg: 'invalid claim: missing sub claim' })
  })

  it('refuses admin routes to non-admin tokens', async () => {
    const res = await call(server, 'GET', '/admin/users', { token: server.anonKey })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ error_code: 'not_admin', msg: 'User not allowed' })
  })
})

describe('CORS', () => {
  it('answers preflights and exposes pagination and version headers', async () => {
    const res = await fetch(`${server.url}/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'apikey, content-type' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(res.headers.get('access-control-allow-headers')).toBe('apikey, content-type')
    const get = await call(server, 'GET', '/health')
    expect(get.headers.get('access-control-allow-origin')).toBe('*')
    expect(get.headers.get('access-control-expose-headers')).toContain('X-Total-Count')
  })
})
