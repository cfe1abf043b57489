/**
 * Helpers for tests that talk raw HTTP to the local auth server (test/server), plus the refresh-algorithm
 * variants the rule tests run under.
 */
import { memoryStorage } from '../../src/index.js'
import { startAuthServer, type AuthServer, type AuthServerOptions } from '../../src/testing/index.js'
import { PASSWORD, uniqueEmail as uniqueTargetEmail, type Target } from './target.js'

export interface Res {
  status: number
  headers: Headers
  body: any
  text: string
}

export interface CallInit {
  body?: unknown
  token?: string
  headers?: Record<string, string>
  raw?: string
  redirect?: RequestRedirect
  signal?: AbortSignal
}

/** Raw HTTP against the server; JSON bodies are parsed when possible. */
export async function call(server: AuthServer, method: string, path: string, init: CallInit = {}): Promise<Res> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
  if (body !== undefined) headers['Content-Type'] ??= 'application/json'
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body,
    redirect: init.redirect ?? 'manual',
    signal: init.signal,
  })
  const text = await res.text()
  let parsed: unknown = undefined
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  return { status: res.status, headers: res.headers, body: parsed, text }
}

export function claims(jwt: string): any {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())
}

/** A controllable clock for expiry and reuse-interval tests. */
export function fakeClock(start = Date.now()): { now: () => number; advance(ms: number): void } {
  let t = start
  return { now: () => t, advance: (ms) => void (t += ms) }
}

export async function start(options: AuthServerOptions = {}): Promise<AuthServer> {
  return startAuthServer(options)
}

let counter = 0
export function uniqueEmail(prefix = 'user'): string {
  counter += 1
  return `${prefix}${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`
}

export async function signUp(server: AuthServer, email = uniqueEmail(), password = 'password123'): Promise<any> {
  const res = await call(server, 'POST', '/signup', { body: { email, password } })
  if (res.status !== 200) throw new Error(`signup failed ${res.status} ${res.text}`)
  return res.body
}

export async function signIn(server: AuthServer, email: string, password = 'password123'): Promise<any> {
  const res = await call(server, 'POST', '/token?grant_type=password', { body: { email, password } })
  if (res.status !== 200) throw new Error(`sign-in failed ${res.status} ${res.text}`)
  return res.body
}

/** GoTrue's two refresh-token algorithms, as local server options (`SECURITY_REFRESH_TOKEN_ALGORITHM_VERSION`). */
export const REFRESH_ALGORITHMS = [
  { algorithm: 'legacy', options: { refreshTokenAlgorithmVersion: 0 } },
  { algorithm: 'v2', options: { refreshTokenAlgorithmVersion: 2 } },
] as const satisfies ReadonlyArray<{ algorithm: string; options: AuthServerOptions }>

export type RefreshAlgorithm = (typeof REFRESH_ALGORITHMS)[number]['algorithm']

/** Which algorithm issued a refresh token: legacy tokens are exactly 12 characters, v2 ones longer. */
export function refreshAlgorithmOf(refreshToken: string): RefreshAlgorithm {
  return refreshToken.length === 12 ? 'legacy' : 'v2'
}

/**
 * The algorithm the target's server runs, read off a refresh token it issues (creates one user). Against
 * a real GoTrue only that algorithm can be tested; the local server runs whichever it was started with.
 */
export async function targetRefreshAlgorithm(target: Target): Promise<RefreshAlgorithm> {
  const email = uniqueTargetEmail('algorithm')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const { session } = await target.client({ storage: memoryStorage(), autoRefreshToken: false }).signInWithPassword({ email, password: PASSWORD })
  return refreshAlgorithmOf(session.refresh_token)
}
