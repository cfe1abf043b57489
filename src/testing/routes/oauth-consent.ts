/**
 * The signed-in user's side of the OAuth 2.1 server (contract §4.22): the consent page reads an
 * authorization request and approves or denies it, and the user lists and revokes the grants given to
 * apps. Middleware order as GoTrue's: on `/oauth/authorizations` the server switch, then the user's token,
 * then the request's `Origin`; on `/user/oauth/grants` the token first.
 * @module
 */
import { isUuid } from '../crypto/hash.js'
import { clientDetailsJson } from '../oauth-server/clients.js'
import { decideAuthorization, viewAuthorization } from '../oauth-server/authorizations.js'
import { grantsJson, revokeGrant } from '../oauth-server/consents.js'
import { requireOAuthServerEnabled } from '../oauth-server/feature.js'
import { stringField } from '../oauth-server/json-fields.js'
import { decodeBody } from '../oauth-server/registration.js'
import { requireUser } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { badRequest, json, notFound, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json, UserRow } from '../store/records.js'
import { isRedirectValid } from '../validate.js'

/**
 * The consent page runs on the site the user was sent to; a browser request from any other origin is
 * refused (GoTrue `validateRequestOrigin`). No `Origin` (a server or an app) is fine.
 */
function requireSiteOrigin(ctx: Ctx): void {
  const origin = ctx.header('origin')
  if (origin && !isRedirectValid(ctx.cfg, origin)) throw badRequest('unauthorized request origin')
}

/** Signed-in user of a consent-page request, checks in GoTrue's order. */
async function consentPageUser(ctx: Ctx): Promise<UserRow> {
  requireOAuthServerEnabled(ctx)
  const { user } = await requireUser(ctx)
  requireSiteOrigin(ctx)
  return user
}

async function getAuthorization(ctx: Ctx): Promise<Reply> {
  const user = await consentPageUser(ctx)
  const view = viewAuthorization(ctx, ctx.params.authorizationId ?? '', user)
  if (view.kind === 'approved') return json({ redirect_url: view.redirectUrl })
  const { authorization, client } = view
  const who: Json = { id: user.id }
  if (user.email) who.email = user.email
  return json({
    authorization_id: authorization.id,
    redirect_uri: authorization.redirectUri,
    client: clientDetailsJson(client),
    user: who,
    scope: authorization.scope,
  })
}

async function consent(ctx: Ctx): Promise<Reply> {
  const user = await consentPageUser(ctx)
  const action = decodeBody(ctx, 'invalid JSON body', (body) => stringField(body, 'action') ?? '')
  if (action !== 'approve' && action !== 'deny') throw badRequest("action must be 'approve' or 'deny'")
  return json({ redirect_url: decideAuthorization(ctx, ctx.params.authorizationId ?? '', user, action) })
}

async function listGrants(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  requireOAuthServerEnabled(ctx)
  return json(grantsJson(ctx.store, user.id))
}

async function deleteGrant(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  requireOAuthServerEnabled(ctx)
  const clientId = ctx.query.get('client_id') ?? ''
  if (clientId === '') throw badRequest('client_id query parameter is required')
  if (!isUuid(clientId)) throw badRequest('invalid client_id format')
  if (!revokeGrant(ctx.store, user.id, clientId.toLowerCase(), ctx.now())) {
    throw notFound('No active grant found for this client', 'oauth_consent_not_found')
  }
  return { status: 204 }
}

export const oauthConsentRoutes: Route[] = [
  { method: 'GET', path: '/oauth/authorizations/:authorizationId', handler: getAuthorization },
  { method: 'POST', path: '/oauth/authorizations/:authorizationId/consent', handler: consent },
  { method: 'GET', path: '/user/oauth/grants', handler: listGrants },
  { method: 'DELETE', path: '/user/oauth/grants', handler: deleteGrant },
]
