/**
 * GoTrue's second refresh-token algorithm (version 2, contract §5.2): the session keeps a counter `C`, the
 * presented token carries `c`.
 * - `c > C`: never issued here (`validation_failed`).
 * - `c == C`: normal use; `C` advances and the token for the new `C` is issued.
 * - `c < C`: reuse. Allowed (answering the token for the current `C`, no advance) when `c` is the immediate
 *   predecessor (the client lost the last answer) or the session was refreshed within the reuse interval
 *   (concurrent refreshes). Otherwise `refresh_token_already_used`, and with rotation on the whole session
 *   is deleted: its access tokens stop working and its refresh tokens become unknown.
 * @module
 */
import { isBanned } from '../store/records.js'
import { encodeRefreshTokenV2, isSignedBy, type RefreshTokenV2 } from '../crypto/refresh-token-v2.js'
import type { Ctx } from '../server/context.js'
import { badRequest } from '../server/respond.js'
import { requireSessionClient } from './client-binding.js'
import { alreadyUsed, notFound, type Refreshed } from './outcome.js'

/** Applies the rules above to a token that parsed as a v2 token (`clientId`: the OAuth app refreshing, if any). */
export function refreshV2(ctx: Ctx, token: RefreshTokenV2, clientId?: string): Refreshed {
  const { store, cfg } = ctx
  const session = store.sessions.get(token.sessionId)
  const key = session?.refreshTokenHmacKey
  const current = session?.refreshTokenCounter
  // A legacy session, or a signature from another key, is treated as if the session did not exist.
  if (!session || key === undefined || current === undefined || !isSignedBy(token, key)) throw notFound()
  const user = store.users.get(session.userId)
  if (!user) throw notFound()
  if (isBanned(user, ctx.now())) throw badRequest('Invalid Refresh Token: User Banned', 'user_banned')
  requireSessionClient(session, clientId)

  const behind = current - token.counter
  if (behind < 0) throw badRequest('Invalid Refresh Token: Not Issued By This Server')
  let counter = current
  if (behind === 0) counter = current + 1
  else {
    const lastRefresh = session.refreshedAt ?? session.createdAt
    const concurrent = Math.abs(ctx.now() - lastRefresh) < cfg.refreshTokenReuseInterval * 1000
    if (behind !== 1 && !concurrent) {
      if (cfg.refreshTokenRotation) store.deleteSession(session.id)
      throw alreadyUsed()
    }
  }
  session.refreshTokenCounter = counter
  return {
    user,
    session,
    refreshToken: encodeRefreshTokenV2(session.id, counter, key),
    headers: { 'sb-auth-refresh-token-counter': String(counter) },
  }
}
