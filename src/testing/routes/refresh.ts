/**
 * `grant_type=refresh_token` with GoTrue's legacy rotation rules (contract §5.2):
 * 1. an active token is revoked and its child issued;
 * 2. a revoked token that is the parent of the session's active token returns that active token again;
 * 3. another revoked token is accepted (new child) within the reuse interval counted from its last write,
 *    otherwise `refresh_token_already_used`, revoking the whole family first when rotation is on.
 * @module
 */
import { isBanned } from '../accounts.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, json, type Reply } from '../server/respond.js'
import type { RefreshTokenRow } from '../store/records.js'
import { swapRefreshToken, tokenResponse } from '../tokens.js'

function validateFormat(token: string): void {
  // Legacy tokens are 12 chars; longer ones would be v2, which this server never issues.
  if (token.length !== 12 || !/^[a-z0-9]{12}$/.test(token)) throw badRequest('Refresh token is not valid')
}

/** Revokes every still-active token of the session (committed even though the request fails). */
function revokeFamily(ctx: Ctx, sessionId: string): void {
  const t = ctx.now()
  for (const row of ctx.store.refreshTokens.values()) {
    if (row.sessionId === sessionId && !row.revoked) {
      row.revoked = true
      row.updatedAt = t
    }
  }
}

/** `POST /token?grant_type=refresh_token`, applying the rotation rules above. */
export async function refreshGrant(ctx: Ctx): Promise<Reply> {
  const presented = str(ctx.body(), 'refresh_token')
  validateFormat(presented)
  const { store, cfg } = ctx
  const token = store.refreshTokens.get(presented)
  const user = token && store.users.get(token.userId)
  if (!token || !user) throw badRequest('Invalid Refresh Token: Refresh Token Not Found', 'refresh_token_not_found')
  if (isBanned(ctx, user)) throw badRequest('Invalid Refresh Token: User Banned', 'user_banned')
  const session = store.sessions.get(token.sessionId)
  if (!session) throw badRequest('Invalid Refresh Token: No Valid Session Found', 'session_not_found')

  let issued: RefreshTokenRow | undefined
  if (token.revoked) {
    const active = store.activeRefreshToken(session.id)
    if (active && active.parent === token.token) {
      issued = active
    } else if (ctx.now() > token.updatedAt + cfg.refreshTokenReuseInterval * 1000) {
      if (cfg.refreshTokenRotation) revokeFamily(ctx, session.id)
      throw badRequest('Invalid Refresh Token: Already Used', 'refresh_token_already_used')
    }
  }
  issued ??= swapRefreshToken(ctx, token)
  session.refreshedAt = ctx.now()
  session.updatedAt = ctx.now()
  const body = await tokenResponse(ctx, session, issued, user)
  return json(body, 200, {
    'sb-auth-user-id': user.id,
    'sb-auth-session-id': session.id,
  })
}
