/**
 * `GET|POST /callback`: the provider sends the browser back here (contract §4.14). A bad `state` goes to
 * the site URL (303); anything later goes to the flow's redirect (302) with the error in the query and the
 * fragment; success finishes the flow at the app.
 * @module
 */
import { isUuid } from '../crypto/hash.js'
import { acceptInvite, identityOf, linkExternal, signInExternal } from '../external-accounts.js'
import { appErrorRedirect, finishProviderFlow, siteErrorRedirect } from '../external-flow.js'
import { isFlowExpired } from '../flow.js'
import type { Ctx } from '../server/context.js'
import { badRequest, OAuthError, unexpectedFailure, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { FlowStateRow, UserRow } from '../store/records.js'

const badState = (msg: string) => badRequest(msg, 'bad_oauth_state')

/** GoTrue's state loader: the flow behind `state`, or why there is none. */
function loadFlow(ctx: Ctx, state: string): FlowStateRow {
  if (!state) throw badRequest('OAuth state parameter missing', 'bad_oauth_callback')
  if (!isUuid(state)) throw badState('OAuth state parameter is invalid')
  const flow = ctx.store.flowStates.get(state.toLowerCase())
  if (!flow || flow.authMethod !== 'oauth') throw badState('OAuth state not found or expired')
  if (isFlowExpired(ctx, flow)) throw badState('OAuth state has expired')
  // A PKCE flow gets its user from the first callback; a second one must not mint another code.
  if (flow.authCode && flow.userId !== undefined) throw badRequest('State has already been used', 'flow_state_already_used')
  return flow
}

async function finish(ctx: Ctx, flow: FlowStateRow, params: URLSearchParams): Promise<Reply> {
  const error = params.get('error')
  if (error) throw new OAuthError(error, params.get('error_description') ?? '')
  const code = params.get('code') ?? ''
  if (!code) throw badRequest('OAuth callback with missing authorization code missing', 'bad_oauth_callback')
  const grant = ctx.app.idp.redeem(code, ctx.now())
  if (!grant || 'error' in grant) throw unexpectedFailure(`Unable to exchange external code: ${code}`)
  if (!grant.user.email) throw unexpectedFailure('Error getting user email from external provider')
  const external = flow.external ?? { referrer: ctx.cfg.siteUrl }
  const ext = identityOf(flow.providerType, ctx.app.oidc.issuerFor(flow.providerType), grant.user)
  let user: UserRow
  if (external.linkTargetId !== undefined) {
    const target = ctx.store.users.get(external.linkTargetId)
    if (!target) throw unexpectedFailure('Database error finding user')
    user = linkExternal(ctx, target, ext, external.referrer)
  } else if (external.inviteToken) {
    user = acceptInvite(ctx, external.inviteToken, ext)
  } else {
    user = signInExternal(ctx, ext, external.referrer)
  }
  return finishProviderFlow(ctx, flow, user, grant)
}

async function callback(ctx: Ctx): Promise<Reply> {
  // A POST callback (e.g. Apple's form_post) reads the form first, then the query, like Go's `FormValue`.
  const params = new URLSearchParams(ctx.query)
  if (ctx.method === 'POST') for (const [k, v] of ctx.form()) params.set(k, v)
  let flow: FlowStateRow
  try {
    flow = loadFlow(ctx, params.get('state') ?? '')
  } catch (err) {
    return siteErrorRedirect(ctx, err)
  }
  try {
    return await finish(ctx, flow, params)
  } catch (err) {
    return appErrorRedirect(flow.external?.referrer ?? ctx.cfg.siteUrl, err)
  }
}

export const callbackRoutes: Route[] = [
  { method: 'GET', path: '/callback', handler: callback },
  { method: 'POST', path: '/callback', handler: callback },
]
