/**
 * The app-facing routes of the OAuth 2.1 server (contract §4.22): starting an authorization, trading codes
 * and refresh tokens, UserInfo, and dynamic client registration. Each first checks the server is on, as
 * GoTrue's `/oauth` route group does; the consent page's routes are in `oauth-consent.ts`.
 * @module
 */
import { startAuthorization } from '../oauth-server/authorizations.js'
import { authenticateClient } from '../oauth-server/client-auth.js'
import { requireOAuthServerEnabled } from '../oauth-server/feature.js'
import { registerFromBody } from '../oauth-server/registration.js'
import { authorizationCodeGrant, refreshTokenGrant } from '../oauth-server/token-grants.js'
import { tokenParams } from '../oauth-server/token-request.js'
import { userInfo } from '../oauth-server/userinfo.js'
import { requireUser } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { forbidden, json, OAuthError, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'

function authorize(ctx: Ctx): Reply {
  requireOAuthServerEnabled(ctx)
  return { status: 302, headers: { Location: startAuthorization(ctx) } }
}

async function token(ctx: Ctx): Promise<Reply> {
  requireOAuthServerEnabled(ctx)
  // Client authentication runs as middleware in GoTrue: before the grant type is even looked at.
  const client = authenticateClient(ctx)
  const params = tokenParams(ctx)
  if (params.grantType === '') throw new OAuthError('invalid_request', 'grant_type is required')
  if (!(client.grantTypes as readonly string[]).includes(params.grantType)) {
    throw new OAuthError('unsupported_grant_type', `Client is not allowed to use grant type: ${params.grantType}`)
  }
  switch (params.grantType) {
    case 'authorization_code':
      return authorizationCodeGrant(ctx, client, params)
    case 'refresh_token':
      return refreshTokenGrant(ctx, client, params)
    default:
      throw new OAuthError('unsupported_grant_type', `Unsupported grant type: ${params.grantType}`)
  }
}

async function userinfo(ctx: Ctx): Promise<Reply> {
  requireOAuthServerEnabled(ctx)
  const { user, session } = await requireUser(ctx)
  return json(userInfo(user, session))
}

function register(ctx: Ctx): Reply {
  requireOAuthServerEnabled(ctx)
  if (!ctx.cfg.oauthServerAllowDynamicRegistration) {
    throw forbidden('Dynamic client registration is not enabled', 'oauth_dynamic_client_registration_disabled')
  }
  return registerFromBody(ctx, 'dynamic')
}

export const oauthServerRoutes: Route[] = [
  { method: 'GET', path: '/oauth/authorize', handler: authorize },
  { method: 'POST', path: '/oauth/token', handler: token },
  { method: 'GET', path: '/oauth/userinfo', handler: userinfo },
  { method: 'POST', path: '/oauth/clients/register', handler: register },
]
