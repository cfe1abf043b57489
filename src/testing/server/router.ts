/**
 * Request dispatch: CORS, the `/auth/v1` prefix, body capture, fault hooks, the request log, routing and
 * turning handler results or errors into HTTP responses.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { uuid } from '../crypto/hash.js'
import { Ctx, MAX_BODY_BYTES, type App } from './context.js'
import type { FaultRegistry } from './faults.js'
import type { RequestLogWriter } from './request-log.js'
import { errorReply, type Reply } from './respond.js'

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path after `/auth/v1`; `:name` segments become `ctx.params.name`. */
  path: string
  handler: Handler
}

interface Compiled extends Route {
  re: RegExp
  names: string[]
}

export const BASE_PATH = '/auth/v1'

const EXPOSED = 'X-Total-Count, Link, X-Supabase-Api-Version'

function compile(route: Route): Compiled {
  const names: string[] = []
  const pattern = route.path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  return { ...route, re: new RegExp(`^${pattern}$`), names }
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  // Credentials are allowed, which rules out `*` whenever the browser sends an Origin.
  return origin
    ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin', 'Access-Control-Expose-Headers': EXPOSED }
    : { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED }
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)))
    req.on('error', () => resolve(Buffer.alloc(0)))
  })
}

function write(res: ServerResponse, reply: Reply, cors: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return
  const headers: Record<string, string> = { ...cors, ...reply.headers }
  let payload = ''
  if (typeof reply.body === 'string') payload = reply.body
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body)
    headers['Content-Type'] ??= 'application/json'
  }
  res.writeHead(reply.status, headers)
  res.end(payload)
}

function faultReply(action: { status: number; body?: unknown; headers?: Record<string, string> }): Reply {
  const headers: Record<string, string> = { ...action.headers }
  if (typeof action.body === 'string') headers['Content-Type'] ??= 'text/plain; charset=utf-8'
  return { status: action.status, headers, body: action.body }
}

/** The route for `method` + `path` with its match, `'wrong_method'` if only other methods serve the path, else undefined. */
function findRoute(
  routes: readonly Compiled[],
  method: string,
  path: string,
): { route: Compiled; match: RegExpExecArray } | 'wrong_method' | undefined {
  let pathKnown = false
  for (const route of routes) {
    const match = route.re.exec(path)
    if (match === null) continue
    if (route.method === method) return { route, match }
    pathKnown = true
  }
  return pathKnown ? 'wrong_method' : undefined
}

export interface Dispatcher {
  handle(req: IncomingMessage, res: ServerResponse): void
  /** Responses held open by `{ hang: true }` faults. */
  readonly hanging: Set<ServerResponse>
}

/**
 * The server's request handler: CORS, faults, the request log, then the first route matching method and
 * path (404 for an unknown path, 405 for a known path with another method).
 */
export function createDispatcher(app: App, routes: Route[], faults: FaultRegistry, log: RequestLogWriter): Dispatcher {
  const compiled = routes.map(compile)
  const hanging = new Set<ServerResponse>()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local')
    const method = (req.method ?? 'GET').toUpperCase()
    const cors = corsHeaders(req)
    if (method === 'OPTIONS') {
      write(res, {
        status: 204,
        headers: {
          'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Max-Age': '300',
        },
      }, cors)
      return
    }
    const inBase = url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`)
    const path = inBase ? url.pathname.slice(BASE_PATH.length) || '/' : url.pathname
    const grantType = path === '/token' ? (url.searchParams.get('grant_type') ?? undefined) : undefined
    const entry = log.record({ method, path, ...(grantType === undefined ? {} : { grantType }), status: 0, at: app.cfg.now() })
    const raw = await readBody(req)
    const send = (reply: Reply): void => {
      entry.status = reply.status
      write(res, reply, cors)
    }

    const fault = inBase ? faults.take(method, path, grantType) : undefined
    let dropAfterCommit = false
    if (fault) {
      if ('delay' in fault) await new Promise((r) => setTimeout(r, fault.delay))
      else if ('hang' in fault) {
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      } else if ('garbage' in fault) {
        return send({ status: fault.status ?? 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: fault.garbage })
      } else if ('dropAfterCommit' in fault) dropAfterCommit = true
      else return send(faultReply(fault))
    }

    let reply: Reply
    const found = inBase ? findRoute(compiled, method, path) : undefined
    if (found === undefined) reply = { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' }
    else if (found === 'wrong_method') reply = { status: 405, body: '' }
    else {
      const { route, match } = found
      const params: Record<string, string> = {}
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(match[i + 1] ?? '')))
      const ctx = new Ctx(app, req, method, path, url, raw, params)
      try {
        reply = await route.handler(ctx)
      } catch (err) {
        reply = errorReply(err, ctx.version, uuid())
      }
    }
    if (dropAfterCommit) {
      entry.status = 0
      req.socket.destroy()
      return
    }
    send(reply)
  }

  return {
    hanging,
    handle(req, res) {
      handle(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end()
      })
    },
  }
}
