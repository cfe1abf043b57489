/**
 * How the browser soak names tokens and sessions without ever holding a token outside the page that owns
 * it: a refresh token is reduced to a fingerprint (a 53-bit hash, in the page and in the recording proxy
 * alike), and an access token to the two claims the ledger needs (`session_id`, `sub`), which are ids, not
 * secrets. Reports go one step further and print a label per fingerprint (`R1`, `R2`, …).
 *
 * Imported by the page script too, so nothing here may use Node APIs.
 */

/** What the walk knows of one session as a tab or the proxy saw it. */
export interface SessionRef {
  /** Fingerprint of the refresh token. */
  fp: string
  /** The access token's `session_id` (the server session), when it has one. */
  sessionId: string | undefined
  /** The access token's `sub`, else the user's id. */
  userId: string | undefined
}

/**
 * cyrb53: a fast, well-mixed 53-bit string hash. Not a cryptographic hash, and it need not be: fingerprints
 * stay inside the test run (reports print labels), and a run sees a few thousand tokens, so a collision is
 * ~1e-9 likely.
 */
export function fingerprint(token: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < token.length; i += 1) {
    const ch = token.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0')
}

/** The payload of a JWT, or `{}` for anything that is not one. */
export function claimsOf(jwt: string | undefined): Record<string, unknown> {
  if (jwt === undefined) return {}
  try {
    const part = (jwt.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')
    const padded = part + '='.repeat((4 - (part.length % 4)) % 4)
    const value: unknown = JSON.parse(atob(padded))
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name]
  return typeof value === 'string' ? value : undefined
}

/** A session (or a token answer's body) reduced to what the walk may hold; null when it has no refresh token. */
export function sessionRef(session: { access_token?: unknown; refresh_token?: unknown; user?: { id?: unknown } | null } | null | undefined): SessionRef | null {
  if (!session || typeof session.refresh_token !== 'string') return null
  const claims = claimsOf(typeof session.access_token === 'string' ? session.access_token : undefined)
  const userId = stringClaim(claims, 'sub') ?? (typeof session.user?.id === 'string' ? session.user.id : undefined)
  return { fp: fingerprint(session.refresh_token), sessionId: stringClaim(claims, 'session_id'), userId }
}
