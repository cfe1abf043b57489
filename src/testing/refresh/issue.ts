/**
 * Handing out refresh tokens outside the refresh grant: the first one of a new session, and the one MFA
 * verification issues, each by the configured algorithm.
 * @module
 */
import { encodeRefreshTokenV2, newRefreshTokenKey } from '../crypto/refresh-token-v2.js'
import { generateRefreshToken } from '../crypto/hash.js'
import type { Ctx } from '../server/context.js'
import type { SessionRow } from '../store/records.js'
import { swapRefreshToken } from './legacy.js'

/** The first refresh token of a just-created session (GoTrue `IssueRefreshToken`). */
export function firstRefreshToken(ctx: Ctx, session: SessionRow): string {
  if (ctx.cfg.refreshTokenAlgorithmVersion === 2) {
    const key = newRefreshTokenKey()
    session.refreshTokenHmacKey = key
    session.refreshTokenCounter = 0
    return encodeRefreshTokenV2(session.id, 0, key)
  }
  return ctx.store.newRefreshToken(session, generateRefreshToken(), null).token
}

/**
 * The refresh token of a session MFA verification just upgraded. Legacy: the oldest active token is
 * swapped for a child. v2: the counter jumps by two, so the aal1 token the client held cannot be
 * refreshed into this aal2 session (it is no longer the immediate predecessor).
 */
export function mfaRefreshToken(ctx: Ctx, session: SessionRow): string {
  const { refreshTokenHmacKey: key, refreshTokenCounter: counter } = session
  if (key !== undefined && counter !== undefined) {
    session.refreshTokenCounter = counter + 2
    return encodeRefreshTokenV2(session.id, counter + 2, key)
  }
  const oldest = ctx.store.oldestActiveRefreshToken(session.id)
  return oldest ? swapRefreshToken(ctx, oldest).token : ctx.store.newRefreshToken(session, generateRefreshToken(), null).token
}
