/**
 * Bearer authentication for user and admin endpoints (contract §1.3).
 * @module
 */
import type { JWTPayload } from 'jose'
import { isBanned } from '../store/records.js'
import { isUuid, NIL_UUID } from '../crypto/hash.js'
import { describeJwtError } from '../jwt/keys.js'
import type { SessionRow, UserRow } from '../store/records.js'
import type { Ctx } from './context.js'
import { badRequest, forbidden, HttpError } from './respond.js'

export interface UserAuth {
  user: UserRow
  session: SessionRow | undefined
  claims: JWTPayload
}

const BEARER = /^bearer (\S+$)/i
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin'])

async function verifiedClaims(ctx: Ctx): Promise<JWTPayload> {
  const match = BEARER.exec(ctx.header('authorization') ?? '')
  if (!match?.[1]) throw new HttpError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  try {
    return await ctx.app.keys.verify(match[1], ctx.now())
  } catch (err) {
    throw forbidden(`invalid JWT: unable to parse or verify signature, ${describeJwtError(err)}`, 'bad_jwt')
  }
}

/** A `session_id` claim that names a session (absent, empty and nil ones do not). */
function hasSessionClaim(claims: JWTPayload): boolean {
  const sid = claims.session_id
  return sid !== undefined && sid !== null && sid !== '' && sid !== NIL_UUID
}

function loadUserAndSession(ctx: Ctx, claims: JWTPayload): { user: UserRow; session: SessionRow | undefined } {
  if (!claims.sub) throw forbidden('invalid claim: missing sub claim', 'bad_jwt')
  if (!isUuid(claims.sub)) throw badRequest('invalid claim: sub claim must be a UUID', 'bad_jwt')
  const user = ctx.store.users.get(claims.sub)
  if (!user) throw forbidden('User from sub claim in JWT does not exist', 'user_not_found')
  let session: SessionRow | undefined
  const sid = claims.session_id
  if (hasSessionClaim(claims)) {
    if (!isUuid(sid)) throw forbidden('invalid claim: session_id claim must be a UUID', 'bad_jwt')
    session = ctx.store.sessions.get(sid)
    if (!session) throw forbidden('Session from session_id claim in JWT does not exist', 'session_not_found')
  }
  return { user, session }
}

/** GoTrue `requireAuthentication`. */
export async function requireUser(ctx: Ctx): Promise<UserAuth> {
  const claims = await verifiedClaims(ctx)
  const { user, session } = loadUserAndSession(ctx, claims)
  if (isBanned(user, ctx.now())) throw forbidden('User is banned', 'user_banned')
  return { user, session, claims }
}

/** `requireAuthentication` + `requireNotAnonymous` (all `/factors*`). */
export async function requireNonAnonymousUser(ctx: Ctx): Promise<UserAuth> {
  const auth = await requireUser(ctx)
  if (auth.claims.is_anonymous === true) {
    throw forbidden('Anonymous user not allowed to perform these actions', 'no_authorization')
  }
  return auth
}

/** GoTrue `requireAdminCredentials`: role must be an admin role; a carried session must exist. */
export async function requireAdmin(ctx: Ctx): Promise<JWTPayload> {
  const claims = await verifiedClaims(ctx)
  if (hasSessionClaim(claims)) loadUserAndSession(ctx, claims)
  if (typeof claims.role !== 'string' || !ADMIN_ROLES.has(claims.role)) throw forbidden('User not allowed', 'not_admin')
  return claims
}
