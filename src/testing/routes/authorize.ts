/**
 * `GET /authorize`: OAuth sign-in through the built-in identity provider (contract §4.13). Also the start of
 * `/user/identities/authorize`, which differs only in recording whom the new identity is linked to.
 * @module
 */
import { isKnownProvider, isProviderEnabled } from '../config/providers.js'
import { startProviderFlow } from '../external-flow.js'
import type { Ctx } from '../server/context.js'
import { badRequest, notFound, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { parsePkce, redirectTarget } from '../validate.js'

/** GoTrue `GetExternalProviderRedirectURL`: validates the query, records the flow, returns the provider URL. */
export function providerRedirectUrl(ctx: Ctx, linkTargetId?: string): string {
  const { query, cfg } = ctx
  const provider = (query.get('provider') ?? '').toLowerCase()
  if (!isKnownProvider(provider)) throw badRequest(`Unsupported provider: Provider ${provider} could not be found`)
  if (!isProviderEnabled(cfg, provider)) throw badRequest('Unsupported provider: provider is not enabled')
  const inviteToken = query.get('invite_token') ?? ''
  if (inviteToken && ![...ctx.store.users.values()].some((u) => u.confirmationToken === inviteToken)) {
    throw notFound('User identified by token not found', 'user_not_found')
  }
  const referrer = redirectTarget(ctx)
  const pkce = parsePkce(query.get('code_challenge') ?? '', query.get('code_challenge_method') ?? '', true)
  return startProviderFlow(ctx, {
    provider,
    pkce,
    scopes: query.get('scopes') ?? '',
    external: { referrer, ...(linkTargetId ? { linkTargetId } : {}), ...(inviteToken ? { inviteToken } : {}) },
  })
}

function authorize(ctx: Ctx): Reply {
  return { status: 302, headers: { Location: providerRedirectUrl(ctx) } }
}

export const authorizeRoutes: Route[] = [{ method: 'GET', path: '/authorize', handler: authorize }]
