/**
 * One refresh, whichever format the presented token has. Both formats are accepted whatever the configured
 * algorithm (as GoTrue does); the format decides which rules apply (legacy: `legacy.ts`, v2: `v2.ts`).
 * @module
 */
import { parseRefreshTokenV2 } from '../crypto/refresh-token-v2.js'
import type { Ctx } from '../server/context.js'
import { badRequest } from '../server/respond.js'
import { refreshLegacy } from './legacy.js'
import type { Refreshed } from './outcome.js'
import { refreshV2 } from './v2.js'

const invalidFormat = () => badRequest('Refresh token is not valid')

/**
 * Refreshes with `presented`; `clientId` is the OAuth app that authenticated (`/oauth/token`), `undefined`
 * on `/token`. Legacy tokens are exactly 12 characters; anything longer must parse as a v2 token.
 *
 * @example
 * const { user, session, refreshToken } = refreshByFormat(ctx, str(ctx.body(), 'refresh_token'), undefined)
 */
export function refreshByFormat(ctx: Ctx, presented: string, clientId: string | undefined): Refreshed {
  if (presented.length < 12) throw invalidFormat()
  if (presented.length === 12) {
    if (!/^[a-z0-9]{12}$/.test(presented)) throw invalidFormat()
    return refreshLegacy(ctx, presented, clientId)
  }
  const token = parseRefreshTokenV2(presented)
  if (!token) throw invalidFormat()
  return refreshV2(ctx, token, clientId)
}
