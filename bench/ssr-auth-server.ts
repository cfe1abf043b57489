/**
 * The auth server of the SSR throughput bench, a child process answering from bodies built once (as
 * `server/precomputed.ts` does): an ES256 project (access tokens signed with a key its JWKS lists, so both
 * apps verify claims locally), an HS256 anon key, a GoTrue user. Besides the fresh session, it hands out
 * one whose access token has expired (`expires_at` and the JWT's `exp` a minute ago): the password grant
 * answers it for the password {@link DUE_PASSWORD}, which is how the driver builds the "refresh due" cookie.
 * The refresh grant accepts any refresh token, any number of times (no rotation to trip over), and answers
 * a fresh session, or holds it back on request (`hold-refresh`). Requests are counted per route; the driver
 * reads and resets the counts over IPC.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { buildBodies } from './server/bodies.js'
import { routeName, type Counts } from './server/ipc.js'
import { serveProc } from './ssr-proc.js'
import { type AuthServerReady, DUE_PASSWORD } from './ssr-shared.js'

const KID = 'ssr-bench-es256'
const SESSION_ID = 'c0d8a3f1-52b9-4e77-8a6c-3e1f9b2d4a60'

const { user, anonKey } = await buildBodies()
const pair = await generateKeyPair('ES256', { extractable: true })
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig', key_ops: ['verify'] }] })
const now = Math.floor(Date.now() / 1000)

function accessToken(issuedAt: number, expiresAt: number): Promise<string> {
  return new SignJWT({
    aud: 'authenticated',
    sub: String(user['id']),
    email: user['email'],
    phone: '',
    app_metadata: user['app_metadata'],
    user_metadata: user['user_metadata'],
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: issuedAt }],
    session_id: SESSION_ID,
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(pair.privateKey)
}

async function tokenBody(issuedAt: number, expiresAt: number, refreshToken: string): Promise<string> {
  return JSON.stringify({
    access_token: await accessToken(issuedAt, expiresAt),
    token_type: 'bearer',
    expires_in: expiresAt - issuedAt,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user,
  })
}

/** Fresh for an hour: the bench runs for ~1½ minutes. */
const freshSession = await tokenBody(now, now + 3600, 'k3v7qz2mwx5p')
/** Issued an hour and a minute ago, expired a minute ago: both clients must refresh before verifying. */
const dueSession = await tokenBody(now - 3660, now - 60, 'd5w2xp9qkm3t')
const refreshed = await tokenBody(now, now + 3600, 'r8n4tb6yhc1d')
const userBody = JSON.stringify(user)

const counts: Counts = {}
/** While > 0, refresh grants are answered this many ms late (the driver parks requests mid-refresh to weigh them). */
let holdRefreshMs = 0
const JSON_HEADERS = { 'Content-Type': 'application/json' }

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const route = url.pathname.replace(/^\/auth\/v1/, '')
  const grant = url.searchParams.get('grant_type')
  const name = routeName(req.method, route, grant)
  counts[name] = (counts[name] ?? 0) + 1
  if (req.method === 'POST' && route === '/token' && grant === 'password')
    return void res.writeHead(200, JSON_HEADERS).end(body.includes(DUE_PASSWORD) ? dueSession : freshSession)
  if (req.method === 'POST' && route === '/token' && grant === 'refresh_token') {
    if (holdRefreshMs > 0) return void setTimeout(() => res.writeHead(200, JSON_HEADERS).end(refreshed), holdRefreshMs)
    return void res.writeHead(200, JSON_HEADERS).end(refreshed)
  }
  if (req.method === 'GET' && route === '/user') return void res.writeHead(200, JSON_HEADERS).end(userBody)
  if (req.method === 'GET' && route === '/.well-known/jwks.json') return void res.writeHead(200, JSON_HEADERS).end(jwks)
  if (req.method === 'POST' && route === '/logout') return void res.writeHead(204).end()
  res.writeHead(404, JSON_HEADERS).end(JSON.stringify({ code: 404, error_code: 'not_found', msg: `no route ${name}` }))
}

const server = createServer((req, res) => {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => (body += chunk))
  req.on('end', () => answer(req, res, body))
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const ready: AuthServerReady = { origin: `http://127.0.0.1:${address.port}`, anonKey }
  serveProc(
    { ...ready },
    (message) => {
      if (message.type === 'stats') return { counts: { ...counts } }
      if (message.type === 'hold-refresh') {
        holdRefreshMs = Number(message['ms'])
        return {}
      }
      if (message.type === 'reset') {
        for (const key of Object.keys(counts)) delete counts[key]
        return {}
      }
      throw new Error(`unknown message ${message.type}`)
    },
    () => server.close(),
  )
})
