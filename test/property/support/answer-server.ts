/**
 * A raw HTTP server that answers the requests to one route with a generated {@link Answer} and every
 * other request with its route's good body: the server side of the server-answer properties. It renders
 * the answer per request, so an error body can quote back the secrets that very request carried.
 */
import type { ServerResponse } from 'node:http'
import { GOOD_ANSWER, type Answer, type BodySpec, type JsonValue } from '../arbitraries/answers.js'
import { type RecordedRequest, startTestServer, type TestServer } from '../../support/http-test-server.js'
import { applyEdits } from './json-edits.js'
import { ROUTES, routeOf, type RouteName } from './routes.js'

/** Body keys whose values are credentials: what a reflecting server would quote back. */
const SECRET_KEYS = new Set([
  'password', 'refresh_token', 'access_token', 'id_token', 'token', 'token_hash', 'auth_code', 'code_verifier', 'nonce', 'signature', 'code',
])

/** Every credential a request carried: its bearer token, its `apikey`, and secret-named strings in its body. */
export function secretsOf(request: RecordedRequest): string[] {
  const found: string[] = []
  const bearer = /^Bearer (.+)$/.exec(String(request.headers['authorization'] ?? ''))?.[1]
  if (bearer) found.push(bearer)
  const apikey = request.headers['apikey']
  if (typeof apikey === 'string') found.push(apikey)
  const walk = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string' && SECRET_KEYS.has(key)) found.push(inner)
      else walk(inner, depth + 1)
    }
  }
  walk(request.body, 0)
  return found
}

function errorBody(spec: Extract<BodySpec, { kind: 'error' }>, status: number, echoes: readonly string[]): JsonValue {
  const message = spec.echo ? `${spec.message} (got ${echoes.join(', ')})` : spec.message
  switch (spec.shape) {
    case 'v1':
      return { code: status, error_code: spec.code, msg: message }
    case 'v2':
      return { code: spec.code, message }
    case 'oauth':
      return { error: spec.code, error_description: message }
    case 'message-only':
      return { msg: message }
    case 'weak-password':
      return { code: status, error_code: spec.code, msg: message, weak_password: { reasons: ['length', 'characters'] } }
  }
}

/** The body text of `spec`, for a route whose good body is `good`. */
export function renderBody(spec: BodySpec, good: JsonValue | null, status: number, echoes: readonly string[]): string {
  const goodText = good === null ? '' : JSON.stringify(good)
  switch (spec.kind) {
    case 'valid':
      return goodText
    case 'valid-huge':
      // A big extra field where the body is an object; JSON's own whitespace elsewhere. Either way still right.
      return typeof good === 'object' && good !== null && !Array.isArray(good)
        ? JSON.stringify({ ...good, padding: 'x'.repeat(spec.padding) })
        : goodText + ' '.repeat(spec.padding)
    case 'mutated': {
      const edited = applyEdits(good ?? {}, spec.edits)
      return edited === undefined ? '' : JSON.stringify(edited)
    }
    case 'json':
      return JSON.stringify(spec.value)
    case 'truncated':
      return goodText.slice(0, Math.floor(goodText.length * spec.keep))
    case 'text':
      return spec.text
    case 'huge-text':
      return '<html>'.padEnd(spec.size, 'x')
    case 'empty':
      return ''
    case 'error':
      return JSON.stringify(errorBody(spec, status, echoes))
  }
}

/** Header values as Node will send them: characters outside what HTTP allows become `?`. */
function headerValue(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')
}

/** Statuses Node sends without a body, whatever is written. */
const NO_BODY = new Set([204, 304])

function deliver(answer: Answer, request: RecordedRequest, good: JsonValue | null, res: ServerResponse): void {
  if (answer.delivery === 'hang') return
  if (answer.delivery === 'cut-before-headers') {
    res.socket?.destroy()
    return
  }
  const text = renderBody(answer.body, good, answer.status, secretsOf(request))
  const bytes = Buffer.from(text, 'utf8')
  const headers: Record<string, string> = { 'Content-Length': String(bytes.length) }
  const { contentType, retryAfter, apiVersion, link, totalCount } = answer.headers
  if (contentType !== null) headers['Content-Type'] = contentType
  if (retryAfter !== null) headers['Retry-After'] = headerValue(retryAfter)
  if (apiVersion !== null) headers['X-Supabase-Api-Version'] = apiVersion
  if (link !== null) headers['Link'] = headerValue(link)
  if (totalCount !== null) headers['X-Total-Count'] = headerValue(totalCount)
  res.writeHead(answer.status, headers)
  if (answer.delivery === 'cut-mid-body') {
    // Headers and part of the body go out; the rest never comes. (A 204 or 304 has no body to cut: it is
    // cut right after its headers.)
    res.flushHeaders()
    if (bytes.length > 1 && !NO_BODY.has(answer.status)) res.write(bytes.subarray(0, Math.floor(bytes.length / 2)))
    setImmediate(() => res.socket?.destroy())
    return
  }
  res.end(bytes)
}

export interface AnswerServer {
  url: string
  /** Requests seen since the last {@link AnswerServer.reset}. */
  readonly requests: readonly RecordedRequest[]
  /** How many of them went to the route under test. */
  hits(): number
  /** Answers requests to `target` with `answer` from now on; forgets earlier requests. */
  reset(target: RouteName | null, answer: Answer | null): void
  close(): Promise<void>
}

/**
 * @example
 * const server = await startAnswerServer()
 * server.reset('userGet', answer)
 * await auth.getUser()
 */
export async function startAnswerServer(): Promise<AnswerServer> {
  const raw: TestServer = await startTestServer()
  let target: RouteName | null = null
  let answer: Answer | null = null
  raw.handler = (request, res) => {
    const name = routeOf(request)
    if (name === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ code: 404, error_code: 'not_found', msg: `No route ${request.method} ${request.path}` }))
      return
    }
    const good = ROUTES[name].good(request)
    const given = name === target && answer !== null ? answer : { ...GOOD_ANSWER, status: good === null ? 204 : 200 }
    deliver(given, request, good, res)
  }
  return {
    url: raw.url,
    get requests() {
      return raw.requests
    },
    hits: () => raw.requests.filter((request) => routeOf(request) === target).length,
    reset(nextTarget, nextAnswer) {
      target = nextTarget
      answer = nextAnswer
      raw.requests.length = 0
    },
    close: () => raw.close(),
  }
}
