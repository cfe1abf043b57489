/**
 * Signing keys, access-token minting and bearer verification (contract §3).
 * HS256 uses the shared secret; ES256/RS256 generate a key pair whose public half is served as JWKS, while
 * HS256 tokens without `kid` (the anon and service-role keys) keep verifying through the secret.
 * @module
 */
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import type { JWK, JWTPayload, JWTHeaderParameters } from 'jose'
import { uuid } from '../crypto/hash.js'
import type { JwtAlgorithm } from '../config/options.js'

export interface KeySet {
  alg: JwtAlgorithm
  sign(claims: JWTPayload): Promise<string>
  /** HS256 project API key, like the Supabase CLI's anon/service_role keys. */
  apiKey(role: 'anon' | 'service_role'): Promise<string>
  verify(token: string, nowMs: number): Promise<JWTPayload>
  jwks(): { keys: JWK[] }
}

// Supabase CLI demo keys expire in 2032; far enough for any test run.
const API_KEY_EXP = 1983812996

/** Signing and verification for one server; asymmetric algorithms generate a fresh key pair per server. */
export async function createKeySet(alg: JwtAlgorithm, secret: string): Promise<KeySet> {
  const hmac = new TextEncoder().encode(secret)
  let signKey: CryptoKey | Uint8Array = hmac
  let publicKey: CryptoKey | undefined
  let kid: string | undefined
  const published: JWK[] = []
  if (alg !== 'HS256') {
    const pair = await generateKeyPair(alg, { extractable: true })
    signKey = pair.privateKey
    publicKey = pair.publicKey
    kid = uuid()
    published.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig', key_ops: ['verify'] })
  }

  const resolveKey = (header: JWTHeaderParameters): CryptoKey | Uint8Array => {
    if (kid !== undefined && header.kid === kid && publicKey) return publicKey
    if (header.alg === 'HS256') return hmac
    throw new Error(`unrecognized JWT kid ${header.kid ?? '(none)'} for algorithm ${header.alg}`)
  }

  return {
    alg,
    async sign(claims) {
      const header: JWTHeaderParameters = { alg, typ: 'JWT' }
      if (kid !== undefined) header.kid = kid
      return new SignJWT(claims).setProtectedHeader(header).sign(signKey)
    },
    apiKey(role) {
      return new SignJWT({ iss: 'supabase-demo', role, exp: API_KEY_EXP })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(hmac)
    },
    async verify(token, nowMs) {
      const algorithms = alg === 'HS256' ? ['HS256'] : [alg, 'HS256']
      const { payload } = await jwtVerify(token, resolveKey, { algorithms, currentDate: new Date(nowMs) })
      return payload
    },
    jwks: () => ({ keys: published.map((k) => ({ ...k })) }),
  }
}

/** golang-jwt style wording for the `bad_jwt` message. */
export function describeJwtError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token has invalid claims: token is expired'
  if (err instanceof errors.JWTClaimValidationFailed) return `token has invalid claims: ${err.message}`
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid: signature is invalid'
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token signature is invalid: signing method is invalid'
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'token is malformed: could not parse token'
  return `token is unverifiable: error while executing keyfunc: ${err instanceof Error ? err.message : String(err)}`
}
