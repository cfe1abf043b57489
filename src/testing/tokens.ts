/**
 * Sessions and the token response (contract §2.1, §3.2): access-token claims and AMR bookkeeping. Refresh
 * tokens come from `refresh/`, by the configured algorithm.
 * @module
 */
import { uuid } from './crypto/hash.js'
import { firstRefreshToken } from './refresh/issue.js'
import type { Ctx } from './server/context.js'
import type { Json, SessionRow, UserRow } from './store/records.js'
import { userJson, type UserJsonOptions } from './store/serialize.js'
import { encodeValues } from './wire/go-url.js'

const MFA_METHODS = new Set(['totp', 'mfa/phone', 'mfa/webauthn'])

/** `aal2` once any second factor is in the session's AMR. */
export function aalOf(session: SessionRow): 'aal1' | 'aal2' {
  return session.amr.some((a) => MFA_METHODS.has(a.method)) ? 'aal2' : 'aal1'
}

/** True for a session that passed a second factor; `undefined` (a token without a session) is not. */
export function isAal2(session: SessionRow | undefined): boolean {
  return session !== undefined && aalOf(session) === 'aal2'
}

/**
 * Records `method` on the session; re-recording an existing method only bumps its timestamp. `provider`
 * names the SSO provider of an `sso/saml` entry.
 */
export function addAmr(session: SessionRow, method: string, nowMs: number, provider?: string): void {
  session.amr = session.amr.filter((a) => a.method !== method)
  session.amr.push({ method, timestamp: Math.floor(nowMs / 1000), ...(provider ? { provider } : {}) })
}

/** A new session row, its first refresh token, and the user's (and identities') last sign-in time. */
export function createSession(ctx: Ctx, user: UserRow, method: string, amrProvider?: string): { session: SessionRow; refreshToken: string } {
  const t = ctx.now()
  const session: SessionRow = {
    id: uuid(),
    userId: user.id,
    createdAt: t,
    updatedAt: t,
    amr: [],
    userAgent: ctx.header('user-agent') ?? '',
    ip: ctx.ip,
  }
  addAmr(session, method, t, amrProvider)
  ctx.store.sessions.set(session.id, session)
  const refreshToken = firstRefreshToken(ctx, session)
  user.lastSignInAt = t
  for (const identity of ctx.store.identitiesOf(user.id)) identity.lastSignInAt = t
  return { session, refreshToken }
}

/** The `/token`-shaped body for `session`: a freshly signed access token plus `refreshToken`. */
export async function tokenResponse(
  ctx: Ctx,
  session: SessionRow,
  refreshToken: string,
  user: UserRow,
  userOptions: UserJsonOptions = {},
): Promise<Json> {
  const iat = Math.floor(ctx.now() / 1000)
  const exp = iat + ctx.cfg.jwtExpiry
  const amr = [...session.amr].reverse().map((a) => ({ method: a.method, timestamp: a.timestamp, ...(a.provider ? { provider: a.provider } : {}) }))
  const claims: Json = {
    aud: user.aud,
    exp,
    iat,
    sub: user.id,
    email: user.email,
    phone: user.phone,
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata ?? {},
    role: user.role,
    aal: aalOf(session),
    session_id: session.id,
    is_anonymous: user.isAnonymous,
  }
  // Only sessions the OAuth 2.1 server issued carry these (GoTrue omits them when empty).
  if (session.oauthClientId) claims.client_id = session.oauthClientId
  if (session.scopes) claims.scope = session.scopes
  if (ctx.cfg.issuer) claims.iss = ctx.cfg.issuer
  if (amr.length > 0) claims.amr = amr
  const accessToken = await ctx.app.keys.sign(claims)
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: exp - iat,
    expires_at: exp,
    refresh_token: refreshToken,
    user: userJson(ctx.store, user, userOptions),
  }
}

/** A brand-new session for `user`, authenticated by `method` (`amrProvider`: the SSO provider of `sso/saml`). */
export async function issueSession(
  ctx: Ctx,
  user: UserRow,
  method: string,
  userOptions: UserJsonOptions = {},
  amrProvider?: string,
): Promise<Json> {
  const { session, refreshToken } = createSession(ctx, user, method, amrProvider)
  return tokenResponse(ctx, session, refreshToken, user, userOptions)
}

/**
 * The fields of an implicit-flow redirect's fragment for a token response (`extra` adds the
 * provider tokens or the link's `type`), encoded as Go encodes them (keys sorted).
 */
export function implicitFragment(t: Json, extra: Record<string, string> = {}): string {
  return encodeValues({
    access_token: String(t['access_token']),
    expires_at: String(t['expires_at']),
    expires_in: String(t['expires_in']),
    refresh_token: String(t['refresh_token']),
    sb: '',
    token_type: 'bearer',
    ...extra,
  })
}
