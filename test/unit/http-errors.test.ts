import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthApiError,
  AuthError,
  AuthRetryableFetchError,
  AuthSessionMissingError,
  AuthWeakPasswordError,
} from '../../src/errors.js'
import { classifyRefreshError } from '../../machines/failures.js'
import { createHttp, type Http } from '../../src/http/client.js'
import { parseRetryAfter } from '../../src/http/errors.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

let server: TestServer
let http: Http
beforeAll(async () => {
  server = await startTestServer()
  http = createHttp({ url: server.url, apiKey: 'anon-key-value' })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
})

async function failure(call: Promise<unknown>): Promise<AuthError> {
  const result = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(result instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(result)}`)
  return result
}

const V = { 'X-Supabase-Api-Version': '2024-01-01' }

describe('error bodies', () => {
  it('maps the initial shape {code:int, error_code, msg}', async () => {
    server.handler = (_req, res) => json(res, 400, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' })
  })

  it('maps the 2024-01-01 shape {code:string, message} with the echoed version header', async () => {
    server.handler = (_req, res) => json(res, 422, { code: 'email_exists', message: 'A user with this email address has already been registered' }, V)
    const e = await failure(http.request('POST', 'signup', { body: {} }))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ status: 422, code: 'email_exists', message: 'A user with this email address has already been registered' })
  })

  it('uses a string code even without the echoed header', async () => {
    server.handler = (_req, res) => json(res, 404, { code: 'user_not_found', message: 'User not found' })
    expect(await failure(http.request('GET', 'admin/users/x'))).toMatchObject({ code: 'user_not_found', status: 404 })
  })

  it('maps the OAuth shape {error, error_description}', async () => {
    server.handler = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Bad ID token' })
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ status: 400, code: 'invalid_grant', message: 'Bad ID token' })
  })

  it('prefers msg over message over error_description over error', async () => {
    server.handler = (_req, res) => json(res, 400, { message: 'M', error_description: 'D', error: 'E' })
    expect((await failure(http.request('GET', 'x'))).message).toBe('M')
    server.handler = (_req, res) => json(res, 400, { msg: 'first', message: 'M' })
    expect((await failure(http.request('GET', 'x'))).message).toBe('first')
    server.handler = (_req, res) => json(res, 400, { error: 'only_error' })
    expect((await failure(http.request('GET', 'x'))).message).toBe('only_error')
  })

  it('maps weak_password (2024-01-01) with reasons', async () => {
    server.handler = (_req, res) =>
      json(res, 422, { code: 'weak_password', message: 'Password should be at least 6 characters.', weak_password: { reasons: ['length'] } }, V)
    const e = await failure(http.request('POST', 'signup', { body: {} }))
    expect(e).toBeInstanceOf(AuthWeakPasswordError)
    expect(e).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] })
  })

  it('maps weak_password (initial shape) with reasons', async () => {
    server.handler = (_req, res) =>
      json(res, 422, { code: 422, error_code: 'weak_password', msg: 'weak', weak_password: { reasons: ['characters', 'pwned'] } })
    const e = await failure(http.request('POST', 'signup', { body: {} }))
    expect(e).toBeInstanceOf(AuthWeakPasswordError)
    expect((e as AuthWeakPasswordError).reasons).toEqual(['characters', 'pwned'])
  })

  it('maps a legacy body with weak_password.reasons but no code', async () => {
    server.handler = (_req, res) => json(res, 422, { msg: 'weak', weak_password: { reasons: ['length'] } })
    expect(await failure(http.request('POST', 'signup', { body: {} }))).toBeInstanceOf(AuthWeakPasswordError)
  })

  it('maps session_not_found to AuthSessionMissingError (terminal for refresh)', async () => {
    server.handler = (_req, res) =>
      json(res, 403, { code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' }, V)
    const e = await failure(http.request('GET', 'user', { jwt: 'some-user-jwt' }))
    expect(e).toBeInstanceOf(AuthSessionMissingError)
    expect(e).toMatchObject({ status: 403, code: 'session_not_found' })
    expect(classifyRefreshError(e)).toBe('terminal')
  })

  it('parses Retry-After on 429 (seconds and HTTP date)', async () => {
    server.handler = (_req, res) =>
      json(res, 429, { code: 'over_request_rate_limit', message: 'Request rate limit reached' }, { ...V, 'Retry-After': '17' })
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ status: 429, code: 'over_request_rate_limit', retryAfter: 17 })
    expect(classifyRefreshError(e)).toBe('transient')

    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('garbage', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('maps 503 JSON to a retryable error keeping the server code', async () => {
    server.handler = (_req, res) => json(res, 503, { code: 503, error_code: 'unexpected_failure', msg: 'down' })
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toBeInstanceOf(AuthRetryableFetchError)
    expect(e).toMatchObject({ status: 503, code: 'unexpected_failure' })
  })

  it('maps 504 request_timeout and 520 to retryable', async () => {
    server.handler = (_req, res) => json(res, 504, { code: 'request_timeout', message: 'Processing this request timed out' }, V)
    expect(await failure(http.request('GET', 'user'))).toMatchObject({ name: 'AuthRetryableFetchError', code: 'request_timeout' })
    server.handler = (_req, res) => json(res, 520, {})
    expect(await failure(http.request('GET', 'user'))).toMatchObject({ name: 'AuthRetryableFetchError', status: 520, code: 'server_error' })
  })

  it('maps an HTML 502 from a gateway to retryable', async () => {
    server.handler = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end('<html><body>Bad Gateway</body></html>')
    }
    const e = await failure(http.request('GET', 'user'))
    expect(e).toBeInstanceOf(AuthRetryableFetchError)
    expect(e).toMatchObject({ status: 502, code: 'server_error', message: 'Unexpected non-JSON response (HTTP 502)' })
  })

  it('maps a plain-text 404 from the router to AuthApiError unexpected_failure', async () => {
    server.handler = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('404 page not found')
    }
    const e = await failure(http.request('GET', 'nope'))
    expect(e).toBeInstanceOf(AuthApiError)
    expect(e).toMatchObject({ status: 404, code: 'unexpected_failure', message: 'Unexpected non-JSON response (HTTP 404)' })
  })

  it('maps truncated JSON on an error status without a SyntaxError', async () => {
    server.handler = (_req, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' })
      res.end('{"code":400,"msg":"Inva')
    }
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toMatchObject({ name: 'AuthApiError', status: 400, code: 'unexpected_failure' })
  })
})

describe('transport failures', () => {
  it('maps a reset connection to a retryable network_error with status 0', async () => {
    server.handler = (_req, _res, raw) => raw.socket.destroy()
    const e = await failure(http.request('POST', 'token', { body: {} }))
    expect(e).toBeInstanceOf(AuthRetryableFetchError)
    expect(e).toMatchObject({ status: 0, code: 'network_error' })
    expect(classifyRefreshError(e)).toBe('transient')
  })

  it('maps a refused connection to a retryable network_error', async () => {
    const closed = await startTestServer()
    const url = closed.url
    await closed.close()
    const e = await failure(createHttp({ url, apiKey: 'k' }).request('GET', 'health'))
    expect(e).toMatchObject({ name: 'AuthRetryableFetchError', status: 0, code: 'network_error' })
  })

  it('times out a hanging server with code timeout', async () => {
    server.handler = () => {}
    const e = await failure(http.request('GET', 'user', { timeout: 100 }))
    expect(e).toBeInstanceOf(AuthRetryableFetchError)
    expect(e).toMatchObject({ status: 0, code: 'timeout', message: 'Request timed out after 100 ms' })
  })

  it('uses the configured default timeout', async () => {
    server.handler = () => {}
    const quick = createHttp({ url: server.url, apiKey: 'k', timeout: 80 })
    expect(await failure(quick.request('GET', 'user'))).toMatchObject({ code: 'timeout', message: 'Request timed out after 80 ms' })
  })

  it('times out a body that stalls after the headers', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' })
      res.write('{"a":')
    }
    expect(await failure(http.request('GET', 'user', { timeout: 100 }))).toMatchObject({ code: 'timeout' })
  })

  it('reports a caller abort as code aborted, not retryable', async () => {
    server.handler = () => {}
    const controller = new AbortController()
    const pending = http.request('GET', 'user', { signal: controller.signal, timeout: 5_000 })
    setTimeout(() => controller.abort(), 30)
    const e = await failure(pending)
    expect(e.name).toBe('AuthError')
    expect(e).toMatchObject({ status: 0, code: 'aborted', message: 'Request aborted' })
  })

  it('rejects at once when the signal is already aborted, without a request', async () => {
    const e = await failure(http.request('GET', 'user', { signal: AbortSignal.abort() }))
    expect(e.code).toBe('aborted')
    expect(server.requests).toHaveLength(0)
  })
})

describe('no secrets in error messages', () => {
  const password = 'hunter2-super-secret'
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.user-session-jwt.signature'
  const refresh = 'refresh-token-abcdef'

  it('scrubs request body secrets and the jwt even when the server echoes them', async () => {
    server.handler = (req, res) =>
      json(res, 400, { code: 400, error_code: 'validation_failed', msg: `bad request ${req.rawBody} auth=${String(req.headers['authorization'])}` })
    const e = await failure(http.request('POST', 'token', { jwt, body: { email: 'a@example.com', password, refresh_token: refresh } }))
    for (const secret of [password, jwt, refresh]) {
      expect(e.message).not.toContain(secret)
      expect(JSON.stringify(e)).not.toContain(secret)
    }
    expect(e.message).toContain('[redacted]')
  })

  it('never puts the body into messages for other failures', async () => {
    const cases: Array<(res: import('node:http').ServerResponse, raw: import('node:http').IncomingMessage) => void> = [
      (res) => json(res, 500, { code: 500 }),
      (res) => json(res, 418, ['array body']),
      (res) => {
        res.writeHead(200)
        res.end(`not json ${password}`)
      },
      (_res, raw) => raw.socket.destroy(),
    ]
    for (const handle of cases) {
      server.handler = (_req, res, raw) => handle(res, raw)
      const e = await failure(http.request('POST', 'token', { jwt, body: { password, refresh_token: refresh } }))
      for (const secret of [password, jwt, refresh]) expect(e.message).not.toContain(secret)
    }
  })

  it('scrubs secrets from a custom fetch failure message', async () => {
    const leaky: typeof fetch = async () => {
      throw new TypeError('failed to send', { cause: new Error(`socket closed while sending ${password}`) })
    }
    const e = await failure(createHttp({ url: server.url, apiKey: 'k', fetch: leaky }).request('POST', 'token', { body: { password } }))
    expect(e).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error' })
    expect(e.message).not.toContain(password)
    expect(e.cause).toBeUndefined()
  })
})
