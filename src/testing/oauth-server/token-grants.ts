/**
 * The two grants of `POST /oauth/token` (GoTrue `OAuthToken`), after the client authenticated: trading a
 * code for a session of the app (AMR `oauth_provider/authorization_code`, the token carrying `client_id`
 * and `scope`), and refreshing such a session. Answers are OAuth-shaped: no `user`, no `expires_at`.
 * @module
 */
import { s256, safeEqual } from '../crypto/hash.js'
import { refreshByFormat } from '../refresh/by-format.js'
import type { Refreshed } from '../refresh/outcome.js'
import type { Ctx } from '../server/context.js'
import { HttpError, json, OAuthError, type Reply } from '../server/respond.js'
import type { OAuthAuthorizationRow, OAuthClientRow } from '../store/oauth-server.js'
import type { Json } from '../store/records.js'
import { isBanned } from '../store/records.js'
import { createSession, tokenResponse } from '../tokens.js'
import { signIdToken } from './id-token.js'
import { parseScopes } from './scopes.js'
import type { TokenParams } from './token-request.js'

export const OAUTH_PROVIDER_AMR = 'oauth_provider/authorization_code'

const invalidGrant = (description: string): OAuthError => new OAuthError('invalid_grant', description)

/** The OAuth response: the token-response fields an app needs, nothing about the user. */
function oauthTokens(t: Json): Json {
  return { access_token: t['access_token'], token_type: t['token_type'], expires_in: t['expires_in'], refresh_token: t['refresh_token'] }
}

/** GoTrue `VerifyPKCE` with its messages. */
function pkceProblem(a: OAuthAuthorizationRow, verifier: string): string | undefined {
  if (verifier === '') return 'code_verifier is required when PKCE challenge is present'
  const computed = a.codeChallengeMethod === 's256' ? s256(verifier) : verifier
  return safeEqual(computed, a.codeChallenge) ? undefined : 'code challenge does not match previously saved code verifier'
}

/**
 * `grant_type=authorization_code`: the checks in GoTrue's order, then a new session for the app. The code
 * is spent before the ID token is signed, so a failing ID token (HS256) still uses it up.
 *
 * @example
 * return authorizationCodeGrant(ctx, client, tokenParams(ctx))
 */
export async function authorizationCodeGrant(ctx: Ctx, client: OAuthClientRow, p: TokenParams): Promise<Reply> {
  if (p.code === '') throw new OAuthError('invalid_request', 'code is required for authorization_code grant')
  const tables = ctx.store.oauthServer
  const a = tables.authorizationByCode(p.code)
  if (!a) throw invalidGrant('Invalid authorization code')
  if (ctx.now() > a.expiresAt) throw invalidGrant('Authorization code has expired')
  if (a.clientId !== client.id) throw invalidGrant('Authorization code was not issued for this client')
  if (p.resource !== '' && p.resource !== (a.resource ?? '')) throw invalidGrant('Authorization code resource does not match the resource parameter')
  // Optional at the token endpoint (GoTrue checks it only when sent), exact when sent.
  if (p.redirectUri !== '' && p.redirectUri !== a.redirectUri) throw invalidGrant('Invalid redirect_uri')
  const pkce = pkceProblem(a, p.codeVerifier)
  if (pkce) throw invalidGrant(`PKCE verification failed: ${pkce}`)
  const user = a.userId === undefined ? undefined : ctx.store.users.get(a.userId)
  if (!user) throw invalidGrant('Authorization code has no associated user')
  if (isBanned(user, ctx.now())) throw new OAuthError('access_denied', 'User is banned')

  const { session, refreshToken } = createSession(ctx, user, OAUTH_PROVIDER_AMR)
  session.oauthClientId = client.id
  session.scopes = a.scope
  tables.authorizations.delete(a.id)
  const body = oauthTokens(await tokenResponse(ctx, session, refreshToken, user))
  const scopes = parseScopes(a.scope)
  if (scopes.includes('openid')) body['id_token'] = await signIdToken(ctx, { user, clientId: client.id, scopes, nonce: a.nonce })
  return json(body, 200, { 'sb-auth-user-id': user.id, 'sb-auth-session-id': session.id })
}

/** The refresh rules' errors as `/oauth/token` reports them (OAuth-shaped; anything else as it is). */
function asOAuthError(err: unknown): unknown {
  if (!(err instanceof HttpError)) return err
  switch (err.code) {
    case 'refresh_token_not_found':
    case 'refresh_token_already_used':
    case 'session_not_found':
    case 'session_expired':
      return invalidGrant('Refresh token is invalid or expired.')
    case 'user_banned':
      return new OAuthError('access_denied', 'User is not permitted to access this resource.')
    default:
      // A token of no known format is simply not found by GoTrue's lookup.
      return err.message === 'Refresh token is not valid' ? invalidGrant('Refresh token is invalid or expired.') : err
  }
}

/**
 * `grant_type=refresh_token`: the usual rotation rules, for a session of this very client only.
 *
 * @example
 * return refreshTokenGrant(ctx, client, tokenParams(ctx))
 */
export async function refreshTokenGrant(ctx: Ctx, client: OAuthClientRow, p: TokenParams): Promise<Reply> {
  if (p.refreshToken === '') throw new OAuthError('invalid_request', 'refresh_token is required for refresh_token grant')
  let refreshed: Refreshed
  try {
    refreshed = refreshByFormat(ctx, p.refreshToken, client.id)
  } catch (err) {
    throw asOAuthError(err)
  }
  const { user, session, refreshToken, headers } = refreshed
  session.refreshedAt = ctx.now()
  session.updatedAt = ctx.now()
  const body = oauthTokens(await tokenResponse(ctx, session, refreshToken, user))
  return json(body, 200, { ...headers, 'sb-auth-user-id': user.id, 'sb-auth-session-id': session.id })
}
