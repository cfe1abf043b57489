/**
 * `POST /token?grant_type=refresh_token`, by the token's format (`refresh/by-format.ts`). A session the OAuth
 * 2.1 server issued to an app is refused here (`invalid_client`): only `/oauth/token` refreshes it.
 * @module
 */
import { refreshByFormat } from '../refresh/by-format.js'
import { str, type Ctx } from '../server/context.js'
import { json, type Reply } from '../server/respond.js'
import { tokenResponse } from '../tokens.js'

export async function refreshGrant(ctx: Ctx): Promise<Reply> {
  const { user, session, refreshToken, headers } = refreshByFormat(ctx, str(ctx.body(), 'refresh_token'), undefined)
  session.refreshedAt = ctx.now()
  session.updatedAt = ctx.now()
  const body = await tokenResponse(ctx, session, refreshToken, user)
  return json(body, 200, { ...headers, 'sb-auth-user-id': user.id, 'sb-auth-session-id': session.id })
}
