/**
 * The two ends of an OAuth or SSO sign-in: starting it (a flow state, then the built-in identity
 * provider's URL) and finishing it at the app (implicit tokens in the fragment, or a PKCE `?code=`), plus
 * how errors travel in those redirects (contract §1.4 F, §4.13, §4.14).
 * @module
 */
import { createExternalFlowState } from './flow.js'
import type { Ctx } from './server/context.js'
import { HttpError, OAuthError, redirectErrorName, type Reply } from './server/respond.js'
import type { ExternalFlow, FlowStateRow, UserRow } from './store/records.js'
import { createSession, implicitFragment, tokenResponse } from './tokens.js'
import type { PkceParams } from './validate.js'
import { encodeValues } from './wire/go-url.js'
import { mergedQuery, setQuery, withQueryAndFragment } from './wire/redirect-url.js'

// Keys the auth server sets itself on the provider URL; an app must not smuggle its own.
const RESERVED = new Set([
  'client_id', 'client_secret', 'redirect_uri', 'response_type', 'state', 'code_challenge', 'code_challenge_method',
  'code_verifier', 'provider', 'scopes', 'skip_http_redirect',
])

export interface ProviderFlowStart {
  /** Lower-cased, already checked to be enabled. */
  provider: string
  pkce: PkceParams | null
  external: ExternalFlow
  /** Space-separated extra scopes (`scopes` query). */
  scopes: string
}

/** Creates the flow state and returns the provider URL the browser goes to, carrying `state=<flow id>`. */
export function startProviderFlow(ctx: Ctx, start: ProviderFlowStart): string {
  const flow = createExternalFlowState(ctx, start.pkce, 'oauth', start.provider, start.external)
  const values: Record<string, string> = {}
  for (const [key, value] of ctx.query) {
    const name = key === 'workos_provider' ? 'provider' : key
    if ((key === 'workos_provider' || !RESERVED.has(key)) && !(name in values)) values[name] = value
  }
  const scope = ['email', ...start.scopes.split(' ').filter(Boolean)].join(' ')
  Object.assign(values, {
    client_id: ctx.cfg.oauthClientId,
    redirect_uri: `${ctx.cfg.url}/callback`,
    response_type: 'code',
    scope,
    state: flow.id,
  })
  return `${ctx.app.idp.authorizeUrl}?${encodeValues(values)}`
}

/** GoTrue `getErrorQueryString`: what an error looks like inside a redirect. */
function errorValues(err: unknown): Record<string, string> {
  if (err instanceof OAuthError) return { error: err.error, error_description: err.description ?? '' }
  if (err instanceof HttpError) {
    const denied = ['signup_disabled', 'user_banned', 'provider_email_needs_verification'].includes(err.code)
    return { error: denied ? 'access_denied' : redirectErrorName(err.status), error_code: err.code, error_description: err.message }
  }
  return { error: 'server_error', error_description: 'Internal Server Error' }
}

const redirect = (status: 302 | 303, location: string): Reply => ({ status, headers: { Location: location } })

/** An error after the flow is known: 302 to the app with the error in the query and (with `sb`) the fragment. */
export function appErrorRedirect(target: string, err: unknown): Reply {
  const query = mergedQuery(target, errorValues(err))
  return redirect(302, withQueryAndFragment(target, query, { ...query, sb: '' }))
}

/** An error before any flow is known (bad `state`, SAML ACS): 303 to the site URL, error in the query. */
export function siteErrorRedirect(ctx: Ctx, err: unknown): Reply {
  return redirect(303, setQuery(ctx.cfg.siteUrl, errorValues(err)))
}

export interface ProviderTokens {
  accessToken: string
  refreshToken: string
}

/**
 * The provider vouched for `user`: a PKCE flow gets the user and provider tokens and the app a `?code=`;
 * an implicit flow is consumed and the app gets a session in the fragment.
 */
export async function finishProviderFlow(ctx: Ctx, flow: FlowStateRow, user: UserRow, tokens?: ProviderTokens): Promise<Reply> {
  const external = flow.external ?? { referrer: ctx.cfg.siteUrl }
  if (flow.authCode) {
    flow.userId = user.id
    flow.authCodeIssuedAt = ctx.now()
    if (tokens) {
      external.providerAccessToken = tokens.accessToken
      external.providerRefreshToken = tokens.refreshToken
    }
    return redirect(302, setQuery(external.referrer, { code: flow.authCode }))
  }
  ctx.store.flowStates.delete(flow.id)
  const { session, refreshToken } = createSession(ctx, user, flow.authMethod, external.ssoProviderId)
  const t = await tokenResponse(ctx, session, refreshToken, user)
  const providerTokens: Record<string, string> = tokens ? { provider_token: tokens.accessToken, provider_refresh_token: tokens.refreshToken } : {}
  return redirect(302, `${external.referrer}#${implicitFragment(t, providerTokens)}`)
}
