/**
 * The OAuth 2.1 server's on/off switch (GoTrue `requireOAuthServerEnabled`). Each route calls it at the
 * point GoTrue's middleware chain does: first on `/oauth/*`, after the user's token on `/user/oauth/grants`,
 * after the admin token on `/admin/oauth/*`.
 * @module
 */
import type { Ctx } from '../server/context.js'
import { notFound } from '../server/respond.js'

/**
 * Throws `404 feature_disabled` unless the `oauthServer` option is on.
 *
 * @example
 * requireOAuthServerEnabled(ctx)
 */
export function requireOAuthServerEnabled(ctx: Ctx): void {
  if (!ctx.cfg.oauthServer) throw notFound('OAuth server is disabled', 'feature_disabled')
}
