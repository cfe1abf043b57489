/**
 * A child-process HTTP server that answers the lifecycle round from bodies built once at start, so the
 * client process's CPU is what the CPU benchmark measures. Counts requests per route; the parent reads
 * and resets the counts over IPC.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { buildBodies } from './bodies.js'
import { routeName, serveStats, type Counts } from './ipc.js'

const bodies = await buildBodies()
const counts: Counts = {}

const JSON_HEADERS = { 'Content-Type': 'application/json' }

function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const route = url.pathname.replace(/^\/auth\/v1/, '')
  const grant = url.searchParams.get('grant_type')
  const name = routeName(req.method, route, grant)
  counts[name] = (counts[name] ?? 0) + 1
  if (req.method === 'POST' && route === '/token' && grant === 'password') return void res.writeHead(200, JSON_HEADERS).end(bodies.passwordGrant)
  if (req.method === 'POST' && route === '/token' && grant === 'refresh_token') return void res.writeHead(200, JSON_HEADERS).end(bodies.refreshGrant)
  if (req.method === 'GET' && route === '/user') return void res.writeHead(200, JSON_HEADERS).end(bodies.userBody)
  if (req.method === 'GET' && route === '/.well-known/jwks.json') return void res.writeHead(200, JSON_HEADERS).end(bodies.jwks)
  if (req.method === 'POST' && route === '/logout') return void res.writeHead(204).end()
  res.writeHead(404, JSON_HEADERS).end(JSON.stringify({ code: 404, error_code: 'not_found', msg: `no route ${name}` }))
}

const server = createServer((req, res) => {
  // The body is not needed, but it must be consumed before answering so keep-alive connections stay usable.
  req.resume()
  req.on('end', () => answer(req, res))
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  serveStats(counts, { url: `http://127.0.0.1:${address.port}/auth/v1`, anonKey: bodies.anonKey }, () => server.close())
})
