/**
 * The server's signing keys (`GET /.well-known/jwks.json`), cached per server for all clients of a process.
 * Rules from the field (notes F12): keys live 10 minutes; an unknown `kid` refetches, but at most once per
 * 30 seconds, so tokens with made-up kids cannot turn every call into a request; a failed fetch is not cached,
 * but it counts as an attempt, so a broken endpoint is not asked again (and again) within those 30 seconds.
 * @module
 */
import { importJWK, type JWK } from 'jose'
import { getJwks, type PublicJwk } from '../api/jwks.js'
import { AuthInvalidTokenResponseError } from '../errors.js'
import type { Http } from '../http/index.js'
import { MAX_JWKS_BYTES, readAtMost } from './limits.js'

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

/** What is known of one server: its last good key set, and when a fetch was last started (good or not). */
interface ServerKeys {
  set: CachedSet | undefined
  attemptedAt: number
}

/** One entry per JWKS URL: every client of the same project shares its keys. */
const cache = new Map<string, ServerKeys>()
/** Keys passed by the caller, indexed once per array, so a key is imported once however often it is used. */
const suppliedSets = new WeakMap<readonly JWK[], Map<string, KeyEntry>>()
/** Fetches in flight, so concurrent first calls make one request. */
const inFlight = new Map<string, Promise<CachedSet>>()

/** The key type each locally verified algorithm needs: a JWK of another type is never imported for it. */
const KEY_TYPE: Readonly<Record<string, string>> = { ES256: 'EC', RS256: 'RSA', EdDSA: 'OKP' }

/**
 * Whether `jwk` may verify an `alg` signature. Published keys are trusted only as far as they say: a key for
 * another algorithm, for encryption (`use: 'enc'`), without `verify` among its `key_ops`, symmetric (`oct`:
 * a shared secret never belongs in a JWKS) or private is not used. WebCrypto would accept `use: 'enc'`.
 */
function usableFor(jwk: JWK, alg: string): boolean {
  const kty = KEY_TYPE[alg]
  return (
    kty !== undefined &&
    jwk.kty === kty &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) &&
    jwk.d === undefined
  )
}

function toKeyMap(keys: readonly JWK[]): Map<string, KeyEntry> {
  const map = new Map<string, KeyEntry>()
  for (const jwk of keys) if (typeof jwk.kid === 'string' && jwk.kid !== '') map.set(jwk.kid, { jwk, imported: new Map() })
  return map
}

/**
 * The key set, read no further than {@link MAX_JWKS_BYTES}. The transport turns whatever `read` throws into a
 * network error; a body cut off at the limit is reported as what it is instead.
 */
async function download(http: Http): Promise<PublicJwk[]> {
  let tooLarge = false
  const read = async (response: Response): Promise<string> => {
    const text = await readAtMost(response, MAX_JWKS_BYTES)
    if (text !== undefined) return text
    tooLarge = true
    throw new RangeError('JWKS response too large')
  }
  try {
    return await getJwks(http, { read })
  } catch (error) {
    throw tooLarge ? new AuthInvalidTokenResponseError(`JWKS response is larger than ${MAX_JWKS_BYTES} bytes`) : error
  }
}

/**
 * A fresh fetch of the key set, joined when one is in flight; `undefined` when the last one started less
 * than the cooldown ago (it failed, or the set it brought does not have the key: asking again is no use yet).
 */
function refetch(http: Http, now: number): Promise<CachedSet> | undefined {
  const pending = inFlight.get(http.url)
  if (pending) return pending
  const known = cache.get(http.url)
  if (known !== undefined && now - known.attemptedAt < JWKS_REFETCH_COOLDOWN_MS) return undefined
  cache.set(http.url, { set: known?.set, attemptedAt: now })
  const request = download(http)
    .then((keys) => {
      const set = { keys: toKeyMap(keys as JWK[]), fetchedAt: now }
      cache.set(http.url, { set, attemptedAt: now })
      return set
    })
    .finally(() => inFlight.delete(http.url))
  inFlight.set(http.url, request)
  return request
}

/** The server's entry for `kid`: from a set younger than the TTL, else from the refetch the cooldown allows. */
async function serverEntry(http: Http, kid: string, now: number): Promise<KeyEntry | undefined> {
  let set = cache.get(http.url)?.set
  if (set === undefined || now - set.fetchedAt >= JWKS_TTL_MS) {
    // No usable set and a fetch failed moments ago: the token goes to the server rather than the endpoint again.
    set = await refetch(http, now)
    if (set === undefined) return undefined
  }
  // A kid we have not seen may be a rotation we have not heard of yet.
  return set.keys.get(kid) ?? (await refetch(http, now))?.keys.get(kid)
}

/**
 * The key for `kid` (imported, ready to verify with), or `undefined` when the server does not list it even
 * after the refetch the cooldown allows, lists it for another use (see `usableFor`), or when this runtime
 * cannot import it: either way the caller leaves the check to the server. `supplied` keys, when given, are
 * used instead and never refetched. A key-set fetch that fails rejects (typed, an `AuthError`); within the
 * next 30 seconds the endpoint is not asked again and this answers `undefined`.
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
    entry = await serverEntry(http, kid, now)
  }
  // A key published for one algorithm or use is never used for another (no algorithm confusion).
  if (entry === undefined || !usableFor(entry.jwk, alg)) return undefined
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
