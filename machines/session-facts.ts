/**
 * Facts the chart reads off a session to choose a status. Pure: they look only at the session value.
 * @module
 */
import { decodeJwt, type JwtPayload } from '../src/encoding/jwt.js'
import type { AuthenticatorAssuranceLevel, Session } from '../src/types.js'

/**
 * The last token decoded and its claims. The chart's guards and every derived state ask about the same
 * token many times per step; decoding (base64 + JSON) each time was a visible share of a sign-in's CPU.
 */
let lastToken: string | undefined
let lastClaims: JwtPayload | undefined

/** The access token's claims; undefined for a token that cannot be decoded. */
function claimsOf(session: Session): JwtPayload | undefined {
  const token = session.access_token
  if (token !== lastToken) {
    try {
      lastClaims = decodeJwt(token).payload
    } catch {
      lastClaims = undefined
    }
    lastToken = token
  }
  return lastClaims
}

/** The `aal` claim of the access token; a token that cannot be decoded counts as `aal1`. */
export function currentAal(session: Session): AuthenticatorAssuranceLevel {
  return claimsOf(session)?.aal === 'aal2' ? 'aal2' : 'aal1'
}

/** The highest level this user can reach: `aal2` once any factor is verified. */
export function nextAal(session: Session): AuthenticatorAssuranceLevel {
  // The user comes from a server's answer or from storage: `factors` that is not a list, or holds a `null`,
  // must read as "no verified factor", not throw inside the chart's guards.
  const factors = session.user.factors
  return Array.isArray(factors) && factors.some((factor) => factor?.status === 'verified') ? 'aal2' : currentAal(session)
}

export function isAnonymousSession(session: Session): boolean {
  return session.user.is_anonymous === true
}

/** Signed in with one factor while the user has a verified second one: the app should ask for the code. */
export function awaitsSecondFactor(session: Session): boolean {
  return currentAal(session) === 'aal1' && nextAal(session) === 'aal2'
}

/** The server's id of the session (the access token's `session_id` claim): the same across rotations. */
export function sessionIdOf(session: Session): string | undefined {
  return claimsOf(session)?.session_id
}
