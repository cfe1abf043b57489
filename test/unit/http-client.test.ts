import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHttp } from '../../src/http/client.js'
import { CLIENT_VERSION } from '../../src/http/constants.js'
import { isAuthError } from '../../src/errors.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer('/auth/v1')
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  server.handler = (_req, res) => json(res, 200, { ok: true })
})

const API_KEY = 'anon-key-value'

describe('createHttp: request shaping', () => {
  it('sends the Supabase headers with the API key as default bearer', async () => {
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    await http.request('GET', 'settings')
    const req = server.last()
    expect(req.method).toBe('GET')
    expect(req.path).toBe('/settings')
    expect(req.headers['apikey']).toBe(API_KEY)
    expect(req.headers['authorization']).toBe(`Bearer ${API_KEY}`)
    expect(req.headers['x-supabase-api-version']).toBe('2024-01-01')
    expect(req.headers['x-client-info']).toBe(`supabase-auth-machine/${CLIENT_VERSION}`)
    expect(req.headers['content-type']).toBeUndefined()
    expect(req.rawBody).toBe('')
  })

  it('uses a per-call jwt as bearer and sends JSON bodies with the auth-js content type', async () => {
    const http = createHttp({ url: `${server.url}/`, apiKey: API_KEY })
    await http.request('POST', '/token', { jwt: 'user-jwt', body: { a: 1 }, query: { grant_type: 'password', skip: undefined } })
    const req = server.last()
    expect(req.path).toBe('/token')
    expect(req.headers['authorization']).toBe('Bearer user-jwt')
    expect(req.headers['apikey']).toBe(API_KEY)
    expect(req.headers['content-type']).toBe('application/json;charset=UTF-8')
    expect(req.body).toEqual({ a: 1 })
    expect(req.query.get('grant_type')).toBe('password')
    expect(req.query.has('skip')).toBe(false)
  })

  it('puts redirectTo into ?redirect_to= (encoded) next to other query params', async () => {
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const target = 'https://app.example.com/cb?x=1&y=2#frag'
    await http.request('POST', 'otp', { body: {}, redirectTo: target, query: { a: 'b' } })
    const req = server.last()
    expect(req.query.get('redirect_to')).toBe(target)
    expect(req.query.get('a')).toBe('b')
  })

  it('merges user headers over the defaults, but a per-call jwt still wins', async () => {
    const http = createHttp({
      url: server.url,
      apiKey: API_KEY,
      headers: { 'X-Client-Info': 'my-app/1.0', Authorization: 'Bearer custom', 'X-Extra': 'yes' },
    })
    await http.request('GET', 'user')
    expect(server.last().headers['x-client-info']).toBe('my-app/1.0')
    expect(server.last().headers['authorization']).toBe('Bearer custom')
    expect(server.last().headers['x-extra']).toBe('yes')
    await http.request('GET', 'user', { jwt: 'per-call' })
    expect(server.last().headers['authorization']).toBe('Bearer per-call')
  })

  it('honours a custom fetch', async () => {
    const seen: string[] = []
    const customFetch: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init)
      seen.push(`${request.method} ${request.url} ${request.headers.get('apikey')}`)
      return new Response(JSON.stringify({ via: 'custom' }), { status: 200, headers: { 'content-type': 'application/json' } })
    }
    const http = createHttp({ url: 'https://nowhere.invalid/auth/v1', apiKey: API_KEY, fetch: customFetch })
    const res = await http.request<{ via: string }>('GET', 'health')
    expect(res.data).toEqual({ via: 'custom' })
    expect(seen).toEqual([`GET https://nowhere.invalid/auth/v1/health ${API_KEY}`])
  })

  it('exposes status and headers of the response', async () => {
    server.handler = (_req, res) => json(res, 200, { users: [] }, { 'X-Total-Count': '7' })
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const res = await http.request('GET', 'admin/users')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-total-count')).toBe('7')
  })

  it('keeps X-Client-Info in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(CLIENT_VERSION).toBe(pkg.version)
  })
})

describe('createHttp: success bodies', () => {
  it('resolves data undefined for 204', async () => {
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const res = await http.request('POST', 'logout')
    expect(res.status).toBe(204)
    expect(res.data).toBeUndefined()
  })

  it('resolves data undefined for an empty 200 body', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end()
    }
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    expect((await http.request('GET', 'reauthenticate')).data).toBeUndefined()
  })

  it('rejects a non-JSON 2xx body with a retryable server_error', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<html>captive portal</html>')
    }
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const error = await http.request('GET', 'user').catch((e: unknown) => e)
    expect(isAuthError(error)).toBe(true)
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'server_error', status: 200, message: 'Invalid JSON in response' })
  })

  it('rejects truncated JSON in a 2xx body with a retryable server_error, not a SyntaxError', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"access_token":"abc","user":{"id":')
    }
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const error = await http.request('POST', 'token', { body: {} }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'server_error' })
    expect((error as Error).message).not.toContain('abc')
  })

  it('rejects a body cut off by the connection as a retryable network error', async () => {
    server.handler = (_req, res, raw) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' })
      res.write('{"access_token":"abc"', () => raw.socket.destroy())
    }
    const http = createHttp({ url: server.url, apiKey: API_KEY })
    const error = await http.request('POST', 'token', { body: {} }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error', status: 200 })
  })
})

describe('createHttp: configuration', () => {
  it('rejects an invalid base URL at construction', () => {
    expect(() => createHttp({ url: 'not a url', apiKey: API_KEY })).toThrow()
  })
})

describe('combineSignals', () => {
  it('aborts with the first reason, detaches on dispose, and needs no AbortSignal.any', async () => {
    const { combineSignals } = await import('../../src/http/signals.js')
    const original = Object.getOwnPropertyDescriptor(AbortSignal, 'any')
    Reflect.deleteProperty(AbortSignal, 'any')
    try {
      const a = new AbortController()
      const b = new AbortController()
      const combined = combineSignals([a.signal, undefined, b.signal])
      expect(combined.signal.aborted).toBe(false)
      b.abort('why')
      a.abort('later')
      expect(combined.signal.aborted).toBe(true)
      expect(combined.signal.reason).toBe('why')

      const c = new AbortController()
      const d = new AbortController()
      const detached = combineSignals([c.signal, d.signal])
      detached.dispose()
      c.abort()
      expect(detached.signal.aborted).toBe(false)

      expect(combineSignals([AbortSignal.abort('early'), new AbortController().signal]).signal.aborted).toBe(true)
    } finally {
      if (original) Object.defineProperty(AbortSignal, 'any', original)
    }
  })
})
