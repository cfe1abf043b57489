/**
 * `getClaims`: the claims of an access token, verified. Tokens signed with the server's asymmetric keys
 * (ES256, RS256, EdDSA) are checked here against its JWKS; HS256 tokens, and tokens whose key the server
 * does not list, are checked by the server (`GET /user`), since only it holds the secret.
 * @module
 */
import { compactVerify, type JWK } from 'jose'
import * as api from '../api/index.js'
import { optionalObject } from '../api/validate.js'
import { decodeJwt, type JwtPayload } from '../encoding/jwt.js'
import { AuthInvalidCredentialsError, AuthInvalidJwtError, AuthSessionMissingError } from '../errors.js'
import type { Http } from '../http/index.js'
import { coreOf } from '../client/core-key.js'
import type { CallOptions, Session } from '../types.js'
import { signingKey } from './jwks.js'
import { MAX_JWT_LENGTH } from './limits.js'

/** Algorithms GoTrue signs with that are verified locally. */
const LOCAL_ALGORITHMS: ReadonlySet<string> = new Set(['ES256', 'RS256', 'EdDSA'])
/** Shared-secret algorithms: only the server holds the secret, so it checks them. Anything else is refused. */
const SERVER_ALGORITHMS: ReadonlySet<string> = new Set(['HS256', 'HS384', 'HS512'])

export interface GetClaimsOptions extends CallOptions {
  /**
   * Verify with these keys only (no JWKS request); a token whose `kid` is not among them, or that has none, is
   * refused, and so is one whose entry is not for its algorithm or for signatures (`alg`, `kty`, `use`,
   * `key_ops`). HS256 tokens still go to the server: only it holds the secret.
   */
  jwks?: { keys: readonly JWK[] }
  /**
   * Accept a token past its `exp`; its signature is still checked. (An HS256 token is checked by the server,
   * which refuses expired tokens whatever this says.)
   */
  allowExpired?: boolean
  /** The time, in ms, to judge `exp`, `nbf` and the age of cached keys against; defaults to `Date.now()`. */
  now?: number
}

/**
 * What `getClaims` reads of a client: its session. The key set is fetched with the client's own transport, so
 * the client must be one `createAuthClient` made (anything else is refused with `AuthInvalidCredentialsError`).
 */
export interface ClaimsSource {
  getSession(): Promise<{ session: Session | null }>
}

export interface ClaimsResult {
  claims: JwtPayload
  header: Record<string, unknown>
  /** The signature segment (base64url). */
  signature: string
}

/**
 * Verifies a JWT and returns its claims: `jwt`, or the client's current access token (refreshed first if it
 * is about to expire). Rejects with {@link AuthInvalidJwtError} for a bad signature, an expired or not-yet-valid
 * token, a token longer than 16 KiB (refused before it is decoded), a missing or unsupported algorithm (`none`
 * included), a `crit` header, or an unknown key in `options.jwks`; with {@link AuthSessionMissingError}
 * when no token is given and nobody is signed in; with the server's `AuthApiError` when it refuses the token;
 * with `AuthInvalidTokenResponseError` when the key set is malformed or larger than 2 MiB.
 *
 * Keys are fetched once per server and kept 10 minutes; a token signed with a key not seen yet refetches at most
 * every 30 seconds, and is checked by the server when the key is still unknown (a rotation in progress). The
 * token's `jku`, `x5u`, `jwk` and `x5c` headers are never read: keys come from the project's JWKS only.
 *
 * @example
 * ```ts
 * import { getClaims } from 'supabase-auth-machine/jwt'
 * const { claims } = await getClaims(auth)
 * if (claims.aal !== 'aal2') redirect('/mfa')
 * ```
 */
export async function getClaims(auth: ClaimsSource, jwt?: string, options: GetClaimsOptions = {}): Promise<ClaimsResult> {
  optionalObject(options, 'options')
  const token = jwt ?? (await auth.getSession()).session?.access_token
  if (token === undefined) throw new AuthSessionMissingError()
  // Before any decoding: splitting, base64 and JSON of a megabyte token would be the attacker's CPU, not ours.
  if (typeof token === 'string' && token.length > MAX_JWT_LENGTH) throw new AuthInvalidJwtError(`JWT is longer than ${MAX_JWT_LENGTH} characters`)
  const decoded = decodeJwt(token)
  const { header, payload, signature } = decoded
  // RFC 7515 §4.1.11: extensions we do not implement must be refused, not ignored (GoTrue sets none).
  if (header['crit'] !== undefined) throw new AuthInvalidJwtError('JWT header lists critical extensions')
  const alg = typeof header['alg'] === 'string' ? header['alg'] : undefined
  // An unsigned token (`none`, or no `alg`) is refused here; it is not worth a request to the server.
  if (alg === undefined || !(SERVER_ALGORITHMS.has(alg) || LOCAL_ALGORITHMS.has(alg))) {
    throw new AuthInvalidJwtError(`Unsupported JWT algorithm ${JSON.stringify(alg ?? null).slice(0, 20)}`)
  }
  const now = readNow(options.now)
  checkTimes(payload, now, options.allowExpired === true)

  const kid = typeof header['kid'] === 'string' && header['kid'] !== '' ? header['kid'] : undefined
  const result = { claims: payload, header, signature }
  const http = coreOf(auth).io.transport
  // `options.jwks` means "these keys only": an asymmetric token without a kid cannot be among them.
  const bySecret = SERVER_ALGORITHMS.has(alg)
  if (kid === undefined && !bySecret && options.jwks !== undefined) throw new AuthInvalidJwtError('JWT has no kid to find its key by')
  if (bySecret || kid === undefined) {
    await verifiedByServer(http, token, options)
    return result
  }

  const key = await signingKey(http, kid, alg, now, options.jwks?.keys)
  if (key === undefined) {
    if (options.jwks !== undefined) throw new AuthInvalidJwtError('No usable key in the supplied JWKS matches the JWT')
    await verifiedByServer(http, token, options)
    return result
  }
  try {
    await compactVerify(token, key, { algorithms: [alg] })
  } catch {
    throw new AuthInvalidJwtError('Invalid JWT signature')
  }
  return result
}

/** The caller's `now` when it is a number of ms; anything else is refused here rather than throw inside the checks. */
function readNow(now: unknown): number {
  if (now === undefined) return Date.now()
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new AuthInvalidCredentialsError('options.now must be a finite number of milliseconds')
  return now
}

/** `exp` is required (GoTrue always sets it) and checked without leeway, as auth-js does; `nbf` when present. */
function checkTimes(payload: JwtPayload, now: number, allowExpired: boolean): void {
  const seconds = Math.floor(now / 1000)
  if (!allowExpired && (payload.exp === undefined || payload.exp <= seconds)) throw new AuthInvalidJwtError('JWT has expired')
  if (payload.nbf !== undefined && payload.nbf > seconds) throw new AuthInvalidJwtError('JWT is not valid yet')
}

/** The server checks what only it can (HS256 with its secret): a token it accepts for `GET /user` is valid. */
async function verifiedByServer(http: Http, token: string, options: CallOptions): Promise<void> {
  await api.getUser(http, token, { timeout: options.timeout, signal: options.signal })
}
