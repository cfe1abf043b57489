/**
 * The server's signing keys (`GET /.well-known/jwks.json`), cached per server for all clients of a process.
 * Rules from the field (notes F12): keys live 10 minutes; an unknown `kid` refetches, but at most once per
 * 30 seconds, so tokens with made-up kids cannot turn every call into a request; a failed fetch is not cached.
 * @module
 */
import { importJWK, type JWK } from 'jose'
import { getJwks } from '../api/jwks.js'
import type { Http } from '../http/index.js'

export const JWKS_TTL_MS = 10 * 60_000
export const JWKS_REFETCH_COOLDOWN_MS = 30_000

/** A public key as the JWKS lists it, plus its imported form once something was verified with it. */
interface KeyEntry {
  jwk: JWK
  /**
   * Per algorithm, so a token naming the wrong algorithm for a key cannot spoil the key for the right one;
   * `undefined` when this runtime cannot use the key that way (an old browser without Ed25519, a malformed JWK).
   */
  imported: Map<string, Promise<CryptoKey | Uint8Array | undefined>>
}

interface CachedSet {
  keys: Map<string, KeyEntry>
  fetchedAt: number
}

/** One cache per JWKS URL: every client of the same project shares its keys. */
const cache = new Map<string, CachedSet>()
/** Keys passed by the caller, indexed once per array, so a key is imported once however often it is used. */
const suppliedSets = new WeakMap<readonly JWK[], Map<string, KeyEntry>>()
/** Fetches in flight, so concurrent first calls make one request. */
const inFlight = new Map<string, Promise<CachedSet>>()

function toKeyMap(keys: readonly JWK[]): Map<string, KeyEntry> {
  const map = new Map<string, KeyEntry>()
  for (const jwk of keys) if (typeof jwk.kid === 'string' && jwk.kid !== '') map.set(jwk.kid, { jwk, imported: new Map() })
  return map
}

async function fetchSet(http: Http, now: number): Promise<CachedSet> {
  const pending = inFlight.get(http.url)
  if (pending) return pending
  const request = getJwks(http)
    .then((keys) => {
      const set = { keys: toKeyMap(keys as JWK[]), fetchedAt: now }
      cache.set(http.url, set)
      return set
    })
    .finally(() => inFlight.delete(http.url))
  inFlight.set(http.url, request)
  return request
}

/**
 * The key for `kid` (imported, ready to verify with), or `undefined` when the server does not list it even
 * after the refetch the cooldown allows, or when this runtime cannot import it: either way the caller leaves
 * the check to the server. `supplied` keys, when given, are used instead and never refetched.
 *
 * @example
 * const key = await signingKey(http, header.kid, 'ES256', Date.now())
 * if (key === undefined) return verifyWithServer(token)
 */
export async function signingKey(
  http: Http,
  kid: string,
  alg: string,
  now: number,
  supplied?: readonly JWK[],
): Promise<CryptoKey | Uint8Array | undefined> {
  let entry: KeyEntry | undefined
  if (supplied !== undefined) {
    let keys = suppliedSets.get(supplied)
    if (keys === undefined) suppliedSets.set(supplied, (keys = toKeyMap(supplied)))
    entry = keys.get(kid)
  } else {
    let set = cache.get(http.url)
    if (set === undefined || now - set.fetchedAt >= JWKS_TTL_MS) set = await fetchSet(http, now)
    entry = set.keys.get(kid)
    // A kid we have not seen may be a rotation we have not heard of yet.
    if (entry === undefined && now - set.fetchedAt >= JWKS_REFETCH_COOLDOWN_MS) entry = (await fetchSet(http, now)).keys.get(kid)
  }
  // A key published for one algorithm is never used with another (no algorithm confusion).
  if (entry === undefined || (entry.jwk.alg !== undefined && entry.jwk.alg !== alg)) return undefined
  let imported = entry.imported.get(alg)
  if (imported === undefined) {
    imported = importJWK(entry.jwk, alg).then(
      (key) => key,
      () => undefined,
    )
    entry.imported.set(alg, imported)
  }
  return imported
}

/** Forgets every cached key set (tests; or after rotating keys on a server you control). */
export function clearJwksCache(): void {
  cache.clear()
}
