import { AuthInvalidJwtError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { AMREntry, AuthenticatorAssuranceLevel } from '../types.js'
import { base64UrlToString, isBase64Url } from './base64url.js'

/** The claims GoTrue puts in an access token; any other claim is kept under its own name. */
export interface JwtPayload {
  iss?: string
  sub?: string
  exp?: number
  iat?: number
  nbf?: number
  aud?: string | string[]
  role?: string
  aal?: AuthenticatorAssuranceLevel
  amr?: AMREntry[] | string[]
  session_id?: string
  is_anonymous?: boolean
  email?: string
  phone?: string
  app_metadata?: Record<string, unknown>
  user_metadata?: Record<string, unknown>
  [claim: string]: unknown
}

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: JwtPayload
  /** The signature segment as sent (base64url). */
  signature: string
  /** The encoded header and payload segments: `${raw.header}.${raw.payload}` is the signing input. */
  raw: { header: string; payload: string }
}

const NUMERIC_CLAIMS = ['exp', 'iat', 'nbf'] as const
const STRING_CLAIMS = ['iss', 'sub', 'role', 'session_id'] as const

/**
 * Decodes a JWT **without verifying it**: use it to read claims of a token this client received over
 * TLS (expiry, `aal`, `session_id`), never to trust a token from elsewhere (that is `getClaims`' job).
 *
 * Throws {@link AuthInvalidJwtError} unless the token has three base64url segments whose header and
 * payload are JSON objects, and the claims typed in {@link JwtPayload} as numbers (`exp`, `iat`, `nbf`)
 * or strings (`iss`, `sub`, `role`, `session_id`) have those types. The message names the part
 * that failed, never the token.
 *
 * @example
 * const { payload } = decodeJwt(session.access_token)
 * const isMfa = payload.aal === 'aal2'
 */
export function decodeJwt(token: string): DecodedJwt {
  if (typeof token !== 'string') throw new AuthInvalidJwtError('Invalid JWT: not a string')
  const parts = token.split('.')
  if (parts.length !== 3) throw new AuthInvalidJwtError('Invalid JWT: expected three dot-separated segments')
  const [rawHeader = '', rawPayload = '', signature = ''] = parts
  const header = decodeObject(rawHeader, 'header')
  const payload = decodeObject(rawPayload, 'payload')
  if (!isBase64Url(signature)) {
    throw new AuthInvalidJwtError('Invalid JWT: signature is not base64url')
  }
  for (const claim of NUMERIC_CLAIMS) {
    const value = payload[claim]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new AuthInvalidJwtError(`Invalid JWT: claim "${claim}" is not a number`)
    }
  }
  for (const claim of STRING_CLAIMS) {
    const value = payload[claim]
    if (value !== undefined && typeof value !== 'string') {
      throw new AuthInvalidJwtError(`Invalid JWT: claim "${claim}" is not a string`)
    }
  }
  const aud = payload['aud']
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    throw new AuthInvalidJwtError('Invalid JWT: claim "aud" is not a string or string array')
  }
  return { header, payload: payload as JwtPayload, signature, raw: { header: rawHeader, payload: rawPayload } }
}

function decodeObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(base64UrlToString(segment))
  } catch {
    throw new AuthInvalidJwtError(`Invalid JWT: ${part} is not base64url-encoded JSON`)
  }
  if (!isRecord(value)) throw new AuthInvalidJwtError(`Invalid JWT: ${part} is not a JSON object`)
  return value
}
