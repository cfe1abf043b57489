/**
 * The server's public signing keys: `GET /.well-known/jwks.json` (wire contract §3.4). Public, cacheable;
 * an HS256-only server answers `{ "keys": [] }`.
 * @module
 */
import type { Http, RequestOptions } from '../http/index.js'
import { isRecord } from '../http/json.js'
import { malformedResponse } from './session-response.js'

/** One public JWK as listed; only `kid`, `kty` and `alg` are read here, the rest goes to the verifier. */
export interface PublicJwk {
  kid?: string
  kty?: string
  alg?: string
  [parameter: string]: unknown
}

/**
 * Fetches the key set; rejects with `AuthInvalidTokenResponseError` unless the body is `{ keys: [objects] }`.
 * `read` replaces the transport's body reading (`getClaims` passes one that stops at a size limit).
 *
 * @example
 * const keys = await getJwks(http)   // [{ kid, kty: 'EC', crv: 'P-256', x, y, alg: 'ES256', ... }]
 */
export async function getJwks(http: Http, options?: Pick<RequestOptions, 'signal' | 'timeout' | 'read'>): Promise<PublicJwk[]> {
  const { data } = await http.request<unknown>('GET', '.well-known/jwks.json', options)
  if (!isRecord(data) || !Array.isArray(data['keys']) || !data['keys'].every(isRecord)) throw malformedResponse('JWKS')
  return data['keys'] as PublicJwk[]
}
