/**
 * GoTrue's legacy refresh-token rotation (algorithm version 0/1, contract §5.2), one row per token:
 * 1. an active token is revoked and its child issued;
 * 2. a revoked token that is the parent of the session's active token returns that active token again;
 * 3. another revoked token is accepted (new child) within the reuse interval counted from its last write,
 *    otherwise `refresh_token_already_used`, revoking the session's remaining tokens first when rotation is
 *    on. The session itself survives.
 * @module
 */
import { isBanned } from '../store/records.js'
import { generateRefreshToken } from '../crypto/hash.js'
import type { Ctx } from '../server/context.js'
import { badRequest } from '../server/respond.js'
import type { RefreshTokenRow } from '../store/records.js'
import { requireSessionClient } from './client-binding.js'
import { alreadyUsed, notFound, type Refreshed } from './outcome.js'

/** GoTrue `GrantRefreshTokenSwap`: revoke `parent` and mint its child in the same session. */
export function swapRefreshToken(ctx: Ctx, parent: RefreshTokenRow): RefreshTokenRow {
  const t = ctx.now()
  parent.revoked = true
  parent.updatedAt = t
  const session = ctx.store.sessions.get(parent.sessionId)
  if (session) {
    session.refreshedAt = t
    session.updatedAt = t
  }
  return ctx.store.newRefreshToken({ id: parent.sessionId, userId: parent.userId }, generateRefreshToken(), parent.token)
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

/** Applies the rules above to a well-formed 12-character token (`clientId`: the OAuth app refreshing, if any). */
export function refreshLegacy(ctx: Ctx, presented: string, clientId?: string): Refreshed {
  const { store, cfg } = ctx
  const token = store.refreshTokens.get(presented)
  const user = token && store.users.get(token.userId)
  if (!token || !user) throw notFound()
  if (isBanned(user, ctx.now())) throw badRequest('Invalid Refresh Token: User Banned', 'user_banned')
  const session = store.sessions.get(token.sessionId)
  if (!session) throw badRequest('Invalid Refresh Token: No Valid Session Found', 'session_not_found')
  requireSessionClient(session, clientId)

  if (token.revoked) {
    const active = store.activeRefreshToken(session.id)
    if (active && active.parent === token.token) return { user, session, refreshToken: active.token }
    if (ctx.now() > token.updatedAt + cfg.refreshTokenReuseInterval * 1000) {
      if (cfg.refreshTokenRotation) revokeFamily(ctx, session.id)
      throw alreadyUsed()
    }
  }
  return { user, session, refreshToken: swapRefreshToken(ctx, token).token }
}
