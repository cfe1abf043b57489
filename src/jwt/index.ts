/**
 * `supabase-auth-machine/jwt`: verified claims (`getClaims`) and unverified decoding (`decodeJwt`). A separate
 * entry because verification needs `jose` (~7 KB gzipped), which apps that only sign in should not ship.
 *
 * @example
 * ```ts
 * import { getClaims } from 'supabase-auth-machine/jwt'
 * const { claims } = await getClaims(auth)   // verified against the project's JWKS, or by the server for HS256
 * ```
 * @module
 */
export { getClaims } from './claims.js'
export type { ClaimsResult, ClaimsSource, GetClaimsOptions } from './claims.js'
export { clearJwksCache } from './jwks.js'
export { decodeJwt } from '../encoding/jwt.js'
export type { DecodedJwt, JwtPayload } from '../encoding/jwt.js'
