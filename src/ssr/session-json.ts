/**
 * The session JSON as it goes into and comes out of cookies. A response can be cut between two chunk
 * cookies, leaving the browser with a new `.0` and an old `.1`; two sessions of one user have the same
 * layout, so such a mix can even be valid JSON, holding a token spliced from two. Defences:
 *
 * - Written here, the session starts with its refresh token and ends with `cookie_check`, a fingerprint
 *   of that token. Chunks are written in order, so a cut write leaves a new start and an old end, and the
 *   two disagree: it reads as no session. (`@supabase/ssr` and auth-js ignore the extra field.)
 * - Sessions written by `@supabase/ssr` (they start with `access_token`) carry no fingerprint: for them
 *   the access token must decode as a JWT naming the stored user (`sub`, and `email` when both have one)
 *   and expiring when the session says (auth-js stores the server's `expires_at`, which is the token's
 *   `exp`; five seconds of leeway). That catches a cut inside the access token or its expiry; a cut inside the
 *   refresh token itself (a dozen characters) is the one splice left undetected in such cookies.
 * - Text that came `base64-` encoded but is not JSON is absent, as in `@supabase/ssr`.
 * @module
 */
import { decodeJwt } from '../encoding/jwt.js'
import { isRecord } from '../http/json.js'

const LEADING_KEYS = ['refresh_token', 'access_token', 'expires_at', 'expires_in', 'token_type'] as const
const CHECK = 'cookie_check'

/** FNV-1a, 32 bits, as 8 hex digits: enough to tell two refresh tokens apart, and cheap. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16).padStart(8, '0')
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/**
 * The session JSON as this package writes it into cookies: tokens first, fingerprint last (see the module
 * comment). Any other value is returned unchanged.
 *
 * @example
 * sessionForCookie('{"access_token":"a","refresh_token":"r","user":{}}')
 * // '{"refresh_token":"r","access_token":"a","user":{},"cookie_check":"…"}'
 */
export function sessionForCookie(raw: string): string {
  const parsed = parse(raw)
  if (!parsed.ok || !isRecord(parsed.value) || typeof parsed.value['refresh_token'] !== 'string') return raw
  const session = parsed.value
  const ordered: Record<string, unknown> = {}
  for (const key of LEADING_KEYS) if (key in session) ordered[key] = session[key]
  Object.assign(ordered, session)
  delete ordered[CHECK]
  ordered[CHECK] = fingerprint(session['refresh_token'] as string)
  return JSON.stringify(ordered)
}

/**
 * The value to hand to the session store for text read from cookies, or `null` when it is a spliced or
 * undecodable session (see the module comment). Raw values that are not JSON are passed on, for the
 * session store's own validation to report as corrupt.
 *
 * @example
 * const json = sessionFromCookie(text, joined.startsWith('base64-'))   // null for a cut chunk write
 */
export function sessionFromCookie(text: string, wasBase64: boolean): string | null {
  const parsed = parse(text)
  if (!parsed.ok) return wasBase64 ? null : text
  const value = parsed.value
  if (!isRecord(value) || typeof value['access_token'] !== 'string' || !isRecord(value['user'])) return text
  if (Object.keys(value)[0] === 'refresh_token') {
    if (typeof value['refresh_token'] !== 'string' || value[CHECK] !== fingerprint(value['refresh_token'])) return null
    delete value[CHECK]
    return JSON.stringify(value)
  }
  return matchesAccessToken(value, value['access_token'], value['user']) ? text : null
}

/** Longest gap between a token's `exp` and the `expires_at` stored with it (rounding by writers that count from their own clock). */
const EXPIRY_LEEWAY_SECONDS = 5

/** The access token decodes as a JWT about the stored user, expiring when the session says. */
function matchesAccessToken(session: Record<string, unknown>, accessToken: string, user: Record<string, unknown>): boolean {
  let claims: Record<string, unknown>
  try {
    claims = decodeJwt(accessToken).payload as Record<string, unknown>
  } catch {
    return false
  }
  const exp = claims['exp']
  const expiresAt = session['expires_at']
  if (typeof exp === 'number' && typeof expiresAt === 'number' && Math.abs(exp - expiresAt) > EXPIRY_LEEWAY_SECONDS) return false
  if (typeof claims['sub'] === 'string' && claims['sub'] !== user['id']) return false
  const email = claims['email']
  const userEmail = user['email']
  const bothEmails = typeof email === 'string' && email !== '' && typeof userEmail === 'string' && userEmail !== ''
  return !bothEmails || email.toLowerCase() === userEmail.toLowerCase()
}
