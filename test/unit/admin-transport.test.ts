/**
 * The admin entry's ky transport against a raw node:http server: which answers are retried and after how
 * long (measured from the arrival times the server records, never as wall-time upper bounds), timeouts and
 * aborts, hooks, and errors identical to the browser transport's.
 */
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import ky, { type Hooks } from 'ky'
import { createAdminTransport, type AdminTransportConfig } from '../../src/admin/transport.js'
import { createAdminClient } from '../../src/admin/index.js'
import { resolveRetryPolicy } from '../../src/admin/retry-policy.js'
import { AuthApiError, AuthError } from '../../src/errors.js'
import { createHttp } from '../../src/http/client.js'
import { CLIENT_VERSION } from '../../src/http/constants.js'
import { json, startTestServer, USER_ID, userBody, type TestServer } from '../support/http-test-server.js'

const SERVICE_KEY = 'service-role-key-secret-value'
const USER_JWT = 'eyJhbGciOiJIUzI1NiJ9.user-jwt-secret.sig'

let server: TestServer
/** `performance.now()` at the arrival of each request, in the order they came. */
let arrivals: number[]
beforeAll(async () => {
  server = await startTestServer('/auth/v1')
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  arrivals = []
  server.handler = (_req, res) => json(res, 200, { ok: true })
})

/** Answers the n-th request (0-based) with `answers[n]`, the last one for every later request. */
function answerInTurn(...answers: Array<(res: ServerResponse) => void>): void {
  server.handler = (_req, res) => {
    arrivals.push(performance.now())
    const answer = answers[Math.min(arrivals.length - 1, answers.length - 1)]
    answer?.(res)
  }
}

const rateLimited = (retryAfter: string) => (res: ServerResponse) =>
  json(res, 429, { code: 'over_request_rate_limit', msg: 'Request rate limit reached' }, { 'Retry-After': retryAfter, 'X-Supabase-Api-Version': '2024-01-01' })
const ok = (body: unknown = { ok: true }) => (res: ServerResponse) => json(res, 200, body)

function transport(extra: Partial<AdminTransportConfig> = {}) {
  return createAdminTransport({ url: server.url, apiKey: SERVICE_KEY, ...extra })
}

async function rejection(call: Promise<unknown>): Promise<AuthError> {
  const outcome = await call.then(() => undefined, (e: unknown) => e)
  if (!(outcome instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(outcome)}`)
  return outcome
}

describe('request shape', () => {
  it('sends what the browser transport sends: Supabase headers, JSON body, query and redirect_to', async () => {
    const http = transport({ headers: { 'X-Extra': 'yes' } })
    await http.request('POST', 'admin/generate_link', { body: { type: 'magiclink' }, query: { a: 'b', skip: undefined }, redirectTo: 'https://app.example.com/cb?x=1' })
    const req = server.last()
    expect(req).toMatchObject({ method: 'POST', path: '/admin/generate_link', body: { type: 'magiclink' } })
    expect(req.headers).toMatchObject({
      apikey: SERVICE_KEY,
      authorization: `Bearer ${SERVICE_KEY}`,
      'x-supabase-api-version': '2024-01-01',
      'x-client-info': `supabase-auth-machine/${CLIENT_VERSION}`,
      'content-type': 'application/json;charset=UTF-8',
      'x-extra': 'yes',
    })
    expect(req.query.get('a')).toBe('b')
    expect(req.query.has('skip')).toBe(false)
    expect(req.query.get('redirect_to')).toBe('https://app.example.com/cb?x=1')

    await http.request('POST', 'logout', { jwt: USER_JWT, query: { scope: 'global' } })
    expect(server.last().headers['authorization']).toBe(`Bearer ${USER_JWT}`)
    expect(server.last().headers['apikey']).toBe(SERVICE_KEY)
  })

  // The browser transport builds its requests inline (the main entry's size is budgeted): this keeps the
  // admin transport's `request-shape.ts` sending byte for byte the same.
  it.each([
    ['GET', 'admin/users', { query: { page: '2', per_page: undefined } }],
    ['POST', '/admin/generate_link', { body: { type: 'magiclink', email: 'a@example.com' }, redirectTo: 'https://app.example.com/cb?x=1#f' }],
    ['POST', 'logout', { jwt: USER_JWT, query: { scope: 'others' } }],
    ['PUT', 'admin/users/x', { body: { a: [1, { b: null }] }, query: {} }],
    ['DELETE', 'admin/users/x', { body: { should_soft_delete: true } }],
    ['GET', 'settings', { body: { ignored: true } }],
  ] as const)('%s %s arrives exactly as the browser transport sends it', async (method, path, options) => {
    const headers = { 'X-Client-Info': 'my-app/1.0', 'X-Extra': 'yes' }
    await createHttp({ url: `${server.url}/`, apiKey: SERVICE_KEY, headers }).request(method, path, options)
    await transport({ url: `${server.url}/`, headers }).request(method, path, options)
    const [browser, admin] = server.requests
    const comparable = (r: typeof browser) => {
      // Connection-level headers differ by call, not by transport.
      const { connection: _c, 'content-length': _l, host: _h, ...rest } = r?.headers ?? {}
      return { method: r?.method, path: r?.path, query: [...(r?.query ?? [])], headers: rest, rawBody: r?.rawBody }
    }
    expect(comparable(admin)).toEqual(comparable(browser))
  })

  it('resolves data, status and headers; 204 and empty bodies give undefined data', async () => {
    server.handler = (_req, res) => json(res, 200, { users: [] }, { 'X-Total-Count': '7' })
    const res = await transport().request<{ users: unknown[] }>('GET', 'admin/users')
    expect(res).toMatchObject({ status: 200, data: { users: [] } })
    expect(res.headers.get('x-total-count')).toBe('7')
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    expect(await transport().request('DELETE', 'admin/oauth/clients/x')).toMatchObject({ status: 204, data: undefined })
  })
})

describe('retries', () => {
  it('retries a 429 with Retry-After: 1 once a second has passed', async () => {
    answerInTurn(rateLimited('1'), ok())
    const res = await transport().request('GET', 'admin/users')
    expect(res.data).toEqual({ ok: true })
    expect(arrivals).toHaveLength(2)
    // The server sent its answer after the first arrival, so the wait started later still.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(995)
  })

  it('honours Retry-After as an HTTP date', async () => {
    const at = Math.ceil(Date.now() / 1000) * 1000 + 1000
    const date = new Date(at).toUTCString()
    const wallArrivals: number[] = []
    let n = 0
    server.handler = (_req, res) => {
      wallArrivals.push(Date.now())
      n += 1
      if (n === 1) rateLimited(date)(res)
      else ok()(res)
    }
    await transport().request('POST', 'admin/users', { body: { email: 'a@example.com' } })
    expect(wallArrivals).toHaveLength(2)
    expect(wallArrivals[1]!).toBeGreaterThanOrEqual(at - 5)
  })

  it('retries a 503 (backoff when there is no Retry-After), for a POST too', async () => {
    answerInTurn((res) => json(res, 503, { message: 'upstream unavailable' }), ok({ id: 1 }))
    const res = await transport({ retry: { maxDelayMs: 20 } }).request('POST', 'admin/users', { body: {} })
    expect(res.data).toEqual({ id: 1 })
    expect(arrivals).toHaveLength(2)
  })

  it.each([400, 401, 403, 404, 422, 500])('does not retry a %i', async (status) => {
    answerInTurn((res) => json(res, status, { code: 'validation_failed', msg: 'nope' }, { 'X-Supabase-Api-Version': '2024-01-01', 'Retry-After': '0' }))
    const error = await rejection(transport({ retry: { maxDelayMs: 10 } }).request('GET', 'admin/users'))
    expect(error.status).toBe(status)
    expect(server.requests).toHaveLength(1)
  })

  it('does not wait for a Retry-After above the cap: one request, and the error carries retryAfter', async () => {
    answerInTurn(rateLimited('120'), ok())
    const error = await rejection(transport().request('GET', 'admin/users'))
    expect(error).toBeInstanceOf(AuthApiError)
    expect(error).toMatchObject({ status: 429, code: 'over_request_rate_limit', retryAfter: 120 })
    expect(server.requests).toHaveLength(1)
  })

  it('a Retry-After equal to the cap is waited for', async () => {
    answerInTurn(rateLimited('1'), ok())
    await transport({ retry: { maxDelayMs: 1000 } }).request('GET', 'admin/users')
    expect(arrivals).toHaveLength(2)
  })

  it('a gateway 429 that is not JSON still carries retryAfter', async () => {
    answerInTurn((res) => {
      res.writeHead(429, { 'Content-Type': 'text/html', 'Retry-After': '120' })
      res.end('<html>slow down</html>')
    })
    const error = await rejection(transport().request('GET', 'admin/users'))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 429, retryAfter: 120 })
  })

  it('stops after `limit` retries and rejects with the last answer', async () => {
    answerInTurn(rateLimited('0'))
    const error = await rejection(transport({ retry: { limit: 2 } }).request('GET', 'admin/users'))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 429, retryAfter: 0 })
    expect(server.requests).toHaveLength(3)
  })

  it('retry: false sends once; a final 503 is an AuthRetryableFetchError', async () => {
    answerInTurn((res) => json(res, 503, { message: 'down' }))
    const error = await rejection(transport({ retry: false }).request('GET', 'admin/users'))
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', status: 503 })
    expect(server.requests).toHaveLength(1)
  })

  it('retries a dropped connection for GET, never for POST', async () => {
    server.handler = (_req, res, raw) => {
      arrivals.push(performance.now())
      if (arrivals.length === 1) raw.socket.destroy()
      else json(res, 200, { ok: true })
    }
    expect((await transport({ retry: { maxDelayMs: 10 } }).request('GET', 'admin/users')).data).toEqual({ ok: true })
    expect(arrivals).toHaveLength(2)

    arrivals = []
    const error = await rejection(transport({ retry: { maxDelayMs: 10 } }).request('POST', 'admin/users', { body: {} }))
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error', status: 0 })
    expect(arrivals).toHaveLength(1)
  })

  it('refuses a nonsensical retry option when the client is created', () => {
    expect(() => resolveRetryPolicy({ limit: -1 })).toThrow(TypeError)
    expect(() => resolveRetryPolicy({ maxDelayMs: Number.NaN })).toThrow(TypeError)
    expect(resolveRetryPolicy(undefined)).toEqual({ limit: 3, maxDelayMs: 30_000 })
  })
})

describe('timeouts and aborts', () => {
  it('a per-call timeout rejects with a retryable timeout error, without a retry', async () => {
    server.handler = () => {
      arrivals.push(performance.now())
    }
    const error = await rejection(transport().request('GET', 'admin/users', { timeout: 100 }))
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'timeout', message: 'Request timed out after 100 ms' })
    expect(arrivals).toHaveLength(1)
  })

  it('the timeout covers a body that stalls after the headers', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      res.write('{"users":')
    }
    const error = await rejection(transport({ timeout: 100 }).request('GET', 'admin/users'))
    expect(error).toMatchObject({ code: 'timeout' })
  })

  it('an already aborted signal rejects with aborted before any request', async () => {
    const error = await rejection(transport().request('GET', 'admin/users', { signal: AbortSignal.abort() }))
    expect(error).toMatchObject({ name: 'AuthError', code: 'aborted' })
    expect(server.requests).toHaveLength(0)
  })

  it('an abort during the wait for a retry rejects with aborted, and no retry follows', async () => {
    const controller = new AbortController()
    server.handler = (_req, res) => {
      arrivals.push(performance.now())
      rateLimited('5')(res)
      setTimeout(() => controller.abort(), 50)
    }
    const error = await rejection(transport().request('GET', 'admin/users', { signal: controller.signal }))
    expect(error).toMatchObject({ name: 'AuthError', code: 'aborted' })
    expect(arrivals).toHaveLength(1)
  })

  it('an abort while the request is in flight rejects with aborted', async () => {
    const controller = new AbortController()
    server.handler = () => controller.abort()
    const error = await rejection(transport().request('GET', 'admin/users', { signal: controller.signal }))
    expect(error).toMatchObject({ code: 'aborted' })
  })
})

describe('hooks', () => {
  it('beforeRequest and afterResponse see every attempt; beforeRetry sees each retry', async () => {
    answerInTurn(rateLimited('0'), ok())
    const seen: string[] = []
    const hooks: Hooks = {
      beforeRequest: [(request, _options, { retryCount }) => void seen.push(`request ${request.method} ${new URL(request.url).pathname} #${retryCount}`)],
      beforeRetry: [({ retryCount }) => void seen.push(`retry #${retryCount}`)],
      afterResponse: [(_request, _options, response, { retryCount }) => void seen.push(`response ${response.status} #${retryCount}`)],
    }
    await createAdminClient({ url: server.url, serviceRoleKey: SERVICE_KEY, hooks }).listUsers().catch(() => undefined)
    expect(seen).toEqual([
      'request GET /auth/v1/admin/users #0',
      'response 429 #0',
      'retry #1',
      'request GET /auth/v1/admin/users #1',
      'response 200 #1',
    ])
  })

  it('a hook that throws its own error: the caller gets that error', async () => {
    const own = new Error('tracing backend down')
    const hooks: Hooks = { beforeRequest: [() => { throw own }] }
    await expect(transport({ hooks }).request('GET', 'admin/users')).rejects.toBe(own)
  })

  it('a beforeRetry hook returning ky.stop ends the call as aborted, without a retry', async () => {
    answerInTurn(rateLimited('0'), ok())
    const hooks: Hooks = { beforeRetry: [() => ky.stop] }
    const error = await rejection(transport({ hooks }).request('GET', 'admin/users'))
    expect(error).toMatchObject({ name: 'AuthError', code: 'aborted' })
    expect(arrivals).toHaveLength(1)
  })

  it('a custom fetch sees every attempt', async () => {
    answerInTurn(rateLimited('0'), ok())
    const urls: string[] = []
    const counting = (input: string | URL | Request, init?: RequestInit) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return fetch(input, init)
    }
    await transport({ fetch: counting }).request('GET', 'admin/users')
    expect(urls).toEqual([`${server.url}/admin/users`, `${server.url}/admin/users`])
  })
})

describe('errors', () => {
  const answers: Record<string, (res: ServerResponse) => void> = {
    'a 400 with the 2024 body': (res) => json(res, 400, { code: 'validation_failed', msg: 'Bad' }, { 'X-Supabase-Api-Version': '2024-01-01' }),
    'a 422 weak password': (res) => json(res, 422, { code: 'weak_password', msg: 'Weak', weak_password: { reasons: ['length'] } }, { 'X-Supabase-Api-Version': '2024-01-01' }),
    'a 403 session_not_found': (res) => json(res, 403, { error_code: 'session_not_found', msg: 'gone' }),
    'a 500 with JSON': (res) => json(res, 500, { code: 500, msg: 'boom' }),
    'a 404 plain-text page': (res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('404 page not found')
    },
    'a 200 that is not JSON': (res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<html>portal</html>')
    },
  }
  it.each(Object.keys(answers))('maps %s exactly as the browser transport does', async (name) => {
    server.handler = (_req, res) => answers[name]!(res)
    const browser = await rejection(createHttp({ url: server.url, apiKey: SERVICE_KEY }).request('POST', 'admin/users', { body: {} }))
    const admin = await rejection(transport({ retry: false }).request('POST', 'admin/users', { body: {} }))
    expect(admin.constructor).toBe(browser.constructor)
    expect(admin.toJSON()).toEqual(browser.toJSON())
  })

  it('never puts the service key, a user JWT or a body secret into a message', async () => {
    const password = 'hunter2-very-secret'
    const clientSecret = 'custom-client-secret-value'
    server.handler = (_req, res) =>
      json(res, 400, { msg: `bad ${SERVICE_KEY} ${USER_JWT} ${password} ${clientSecret}` })
    const http = transport()
    const error = await rejection(http.request('POST', 'admin/custom-providers', { jwt: USER_JWT, body: { password, client_secret: clientSecret } }))
    for (const secret of [SERVICE_KEY, USER_JWT, password, clientSecret]) expect(error.message).not.toContain(secret)
    expect(error.message).toContain('[redacted]')

    const unreachable = createAdminTransport({ url: 'http://127.0.0.1:9/auth/v1', apiKey: SERVICE_KEY, retry: false })
    const network = await rejection(unreachable.request('GET', 'admin/users'))
    expect(network).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error' })
    expect(JSON.stringify(network.toJSON())).not.toContain(SERVICE_KEY)
  })

  it('the admin client surfaces them typed: a 404 on getUserById is an AuthApiError', async () => {
    server.handler = (_req, res) => json(res, 404, { code: 'user_not_found', msg: 'User not found' }, { 'X-Supabase-Api-Version': '2024-01-01' })
    const error = await rejection(createAdminClient({ url: server.url, serviceRoleKey: SERVICE_KEY }).getUserById(USER_ID))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'user_not_found', status: 404 })
    server.handler = (_req, res) => json(res, 200, userBody())
  })
})
