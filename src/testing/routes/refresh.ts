/**
 * `POST /token?grant_type=refresh_token`. Both token formats are accepted whatever the configured algorithm
 * (as GoTrue does); the format decides which rules apply (legacy: `refresh/legacy.ts`, v2: `refresh/v2.ts`).
 * @module
 */
import { parseRefreshTokenV2 } from '../crypto/refresh-token-v2.js'
import { refreshLegacy } from '../refresh/legacy.js'
import type { Refreshed } from '../refresh/outcome.js'
import { refreshV2 } from '../refresh/v2.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, json, type Reply } from '../server/respond.js'
import { tokenResponse } from '../tokens.js'

const invalidFormat = () => badRequest('Refresh token is not valid')

/** Legacy tokens are exactly 12 characters; anything longer must parse as a v2 token. */
function refresh(ctx: Ctx, presented: string): Refreshed {
  if (presented.length < 12) throw invalidFormat()
  if (presented.length === 12) {
    if (!/^[a-z0-9]{12}$/.test(presented)) throw invalidFormat()
    return refreshLegacy(ctx, presented)
  }
  const token = parseRefreshTokenV2(presented)
  if (!token) throw invalidFormat()
  return refreshV2(ctx, token)
}

export async function refreshGrant(ctx: Ctx): Promise<Reply> {
  const { user, session, refreshToken, headers } = refresh(ctx, str(ctx.body(), 'refresh_token'))
  session.refreshedAt = ctx.now()
  session.updatedAt = ctx.now()
  const body = await tokenResponse(ctx, session, refreshToken, user)
  return json(body, 200, { ...headers, 'sb-auth-user-id': user.id, 'sb-auth-session-id': session.id })
}
