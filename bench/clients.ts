/**
 * The three contenders, configured alike: this client (the built package, as users import it),
 * `@supabase/auth-js`, and the bare-fetch floor. Same URL, same API key, a Map storage each, session
 * persisted, no auto-refresh timers (they would only add noise to CPU figures).
 * @module
 */
import type { GoTrueClient as AuthJsClient } from '@supabase/auth-js'
import type * as Ours from '../src/index.js'
import type * as OursJwt from '../src/jwt/index.js'
import { EMAIL, PASSWORD } from './server/bodies.js'

export type Kind = 'ours' | 'authjs' | 'floor'

/** The package's own name: resolves through its `exports` to `dist/`, i.e. what an app would load. */
const OURS_ENTRY = 'supabase-auth-machine'
const AUTH_JS_ENTRY = '@supabase/auth-js'

const OURS_JWT_ENTRY = 'supabase-auth-machine/jwt'

let oursJwt: typeof OursJwt | undefined

/** Loads the main entry, and the `/jwt` entry the round's `getClaims` calls come from. */
export const loadOurs = async (): Promise<typeof Ours> => {
  const [main, jwt] = await Promise.all([import(OURS_ENTRY) as Promise<typeof Ours>, import(OURS_JWT_ENTRY) as Promise<typeof OursJwt>])
  oursJwt = jwt
  return main
}
export const loadAuthJs = (): Promise<typeof import('@supabase/auth-js')> => import(AUTH_JS_ENTRY) as Promise<typeof import('@supabase/auth-js')>

export interface MapStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** The same synchronous Map storage for both clients. */
export function mapStorage(initial?: Record<string, string>): MapStorage {
  const entries = new Map<string, string>(initial ? Object.entries(initial) : [])
  return {
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
    removeItem: (key) => void entries.delete(key),
  }
}

export interface ClientConfig {
  url: string
  anonKey: string
  storage: MapStorage
  storageKey: string
  autoRefreshToken?: boolean
}

/** This client with the shared bench settings. */
export function makeOurs(lib: typeof Ours, c: ClientConfig): Ours.AuthClient {
  return lib.createAuthClient({
    url: c.url,
    apiKey: c.anonKey,
    storage: c.storage,
    storageKey: c.storageKey,
    persistSession: true,
    autoRefreshToken: c.autoRefreshToken ?? false,
  })
}

/** auth-js with the same settings; it takes the API key as headers. */
export function makeAuthJs(lib: typeof import('@supabase/auth-js'), c: ClientConfig): AuthJsClient {
  return new lib.AuthClient({
    url: c.url,
    headers: { apikey: c.anonKey, Authorization: `Bearer ${c.anonKey}` },
    storage: c.storage,
    storageKey: c.storageKey,
    persistSession: true,
    autoRefreshToken: c.autoRefreshToken ?? false,
  })
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`lifecycle round failed: ${what}`)
}

/** Sign in with a password, getUser, 10 × getSession, 10 × getClaims, a refresh, sign out. */
export async function roundOurs(client: Ours.AuthClient, withClaims = true): Promise<void> {
  if (oursJwt === undefined) throw new Error('call loadOurs() first')
  const signIn = await client.signInWithPassword({ email: EMAIL, password: PASSWORD })
  check(signIn.session !== null, 'ours sign-in')
  check((await client.getUser()).user.id !== '', 'ours getUser')
  for (let i = 0; i < 10; i++) check((await client.getSession()).session !== null, 'ours getSession')
  if (withClaims) for (let i = 0; i < 10; i++) check((await oursJwt.getClaims(client)).claims.sub === signIn.user.id, 'ours getClaims')
  check((await client.refreshSession()).session !== null, 'ours refresh')
  check((await client.signOut()).error === null, 'ours sign-out')
}

/** The same round through auth-js, which reports failures in `error` instead of rejecting. */
export async function roundAuthJs(client: AuthJsClient, withClaims = true): Promise<void> {
  const signIn = await client.signInWithPassword({ email: EMAIL, password: PASSWORD })
  check(signIn.error === null && signIn.data.session !== null, 'auth-js sign-in')
  check((await client.getUser()).error === null, 'auth-js getUser')
  for (let i = 0; i < 10; i++) check((await client.getSession()).data.session !== null, 'auth-js getSession')
  if (withClaims) {
    for (let i = 0; i < 10; i++) {
      const { data, error } = await client.getClaims()
      check(error === null && data !== null && data.claims.sub === signIn.data.user?.id, 'auth-js getClaims')
    }
  }
  check((await client.refreshSession()).error === null, 'auth-js refresh')
  check((await client.signOut()).error === null, 'auth-js sign-out')
}

/**
 * The floor: the same HTTP exchanges with bare `fetch` and `JSON.parse`: four per round, plus the key set
 * once (the ten `getSession` calls need no request). The ten `getClaims` (left out with `withClaims: false`)
 * are the least any client must do for them: decode the payload and check the signature with WebCrypto, the
 * key imported once. A client cannot do this work for less.
 */
export function makeFloor(url: string, anonKey: string): (withClaims?: boolean) => Promise<void> {
  const base = { apikey: anonKey, Authorization: `Bearer ${anonKey}` }
  const json = { ...base, 'Content-Type': 'application/json;charset=UTF-8' }
  let key: CryptoKey | undefined
  const verifyClaims = async (token: string): Promise<{ sub?: string }> => {
    const [header = '', payload = '', signature = ''] = token.split('.')
    const signed = new TextEncoder().encode(`${header}.${payload}`)
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key!, Buffer.from(signature, 'base64url'), signed)
    check(ok, 'floor signature')
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }
  }
  return async (withClaims = true) => {
    if (withClaims && key === undefined) {
      const { keys } = JSON.parse(await (await fetch(`${url}/.well-known/jwks.json`)).text()) as { keys: JsonWebKey[] }
      key = await crypto.subtle.importKey('jwk', keys[0]!, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
    }
    const token = JSON.parse(
      await (await fetch(`${url}/token?grant_type=password`, { method: 'POST', headers: json, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) })).text(),
    ) as { access_token: string; refresh_token: string }
    const bearer = { ...base, Authorization: `Bearer ${token.access_token}` }
    const user = JSON.parse(await (await fetch(`${url}/user`, { headers: bearer })).text()) as { id: string }
    check(user.id !== '', 'floor user')
    if (withClaims) for (let i = 0; i < 10; i++) check((await verifyClaims(token.access_token)).sub === user.id, 'floor claims')
    const refreshed = JSON.parse(
      await (await fetch(`${url}/token?grant_type=refresh_token`, { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: token.refresh_token }) })).text(),
    ) as { access_token: string }
    const logout = await fetch(`${url}/logout?scope=global`, { method: 'POST', headers: { ...base, Authorization: `Bearer ${refreshed.access_token}` } })
    await logout.text()
    check(logout.status === 204, 'floor logout')
  }
}
