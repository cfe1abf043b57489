/**
 * Authorization requests (GoTrue `oauthserver/authorize.go`): `/oauth/authorize` checks the app and its
 * redirect URI (JSON errors: the URI is not trusted yet), then everything else (errors redirected to the
 * app), and sends the user to the site's consent page. The signed-in user who first reads the request owns
 * it; approving mints a single-use code, denying sends `access_denied` back. A request lives
 * `oauthServerAuthorizationTtl` seconds, its code as long.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { isUuid, uuid } from '../crypto/hash.js'
import type { Ctx } from '../server/context.js'
import { badRequest, notFound } from '../server/respond.js'
import type { OAuthAuthorizationRow, OAuthClientRow } from '../store/oauth-server.js'
import type { UserRow } from '../store/records.js'
import { setQuery } from '../wire/redirect-url.js'
import { consentCovers, upsertConsent } from './consents.js'
import { isSupportedScope, parseScopes } from './scopes.js'

const notFoundAuthorization = () => notFound('authorization not found', 'oauth_authorization_not_found')

/** GoTrue `crypto.SecureAlphanumeric(32)`: lower-case base32 of random bytes. */
function authorizationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  return [...randomBytes(32)].map((b) => alphabet[b & 31]).join('')
}

/** `redirectUri` carrying an OAuth error for the app (GoTrue `buildErrorRedirectURL`). */
export function errorRedirect(redirectUri: string, error: string, description: string, state: string | undefined): string {
  return setQuery(redirectUri, { error, error_description: description, ...(state ? { state } : {}) })
}

/** `redirectUri` carrying the code and state (GoTrue `buildSuccessRedirectURL`). */
function successRedirect(a: OAuthAuthorizationRow): string {
  return setQuery(a.redirectUri, { ...(a.code ? { code: a.code } : {}), ...(a.state ? { state: a.state } : {}) })
}

interface AuthorizeQuery {
  clientId: string
  redirectUri: string
  responseType: string
  scope: string
  state: string
  resource: string
  codeChallenge: string
  codeChallengeMethod: string
  nonce: string
}

/** Why GoTrue refuses the `resource` indicator (RFC 8707), or undefined. */
function resourceProblem(resource: string): string | undefined {
  if (resource === '') return undefined
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(resource)) return 'resource must be an absolute URI'
  let url: URL
  try {
    url = new URL(resource)
  } catch {
    return 'resource must be a valid URI'
  }
  if (url.hash !== '') return 'resource must not include a fragment component'
  if (url.search !== '') return 'resource must not include a query component'
  return undefined
}

/** The checks that may be redirected to the app (GoTrue `validateRemainingAuthorizeParams`); fills the default scope. */
function remainingProblem(q: AuthorizeQuery, defaultScope: string): string | undefined {
  q.responseType ||= 'code'
  q.scope ||= defaultScope
  if (q.responseType !== 'code') return 'only response_type=code is supported'
  const scopes = parseScopes(q.scope)
  if (scopes.length === 0) return 'scope parameter cannot be empty'
  const unsupported = scopes.find((s) => !isSupportedScope(s))
  if (unsupported !== undefined) return `unsupported scope: ${unsupported}`
  const resource = resourceProblem(q.resource)
  if (resource) return resource
  if (q.codeChallenge === '' || q.codeChallengeMethod === '') return 'PKCE flow requires both code_challenge and code_challenge_method'
  const method = q.codeChallengeMethod.toLowerCase()
  if (method !== 's256' && method !== 'plain') return "code_challenge_method must be 'S256' or 'plain'"
  if (q.codeChallenge.length < 43 || q.codeChallenge.length > 128) return 'code_challenge must be between 43 and 128 characters'
  return undefined
}

/**
 * Handles `GET /oauth/authorize`: returns where to send the browser (the consent page, or the app with an
 * error); throws the JSON errors GoTrue answers before the redirect URI is trusted.
 *
 * @example
 * const location = startAuthorization(ctx)   // http://localhost:3000/oauth/consent?authorization_id=…
 */
export function startAuthorization(ctx: Ctx): string {
  const get = (key: string): string => ctx.query.get(key) ?? ''
  const q: AuthorizeQuery = {
    clientId: get('client_id'),
    redirectUri: get('redirect_uri'),
    responseType: get('response_type'),
    scope: get('scope'),
    state: get('state'),
    resource: get('resource'),
    codeChallenge: get('code_challenge'),
    codeChallengeMethod: get('code_challenge_method'),
    nonce: get('nonce'),
  }
  if (q.clientId === '') throw badRequest('client_id is required')
  if (q.redirectUri === '') throw badRequest('redirect_uri is required')
  if (!isUuid(q.clientId)) throw badRequest('invalid client_id format', 'oauth_client_not_found')
  const client = ctx.store.oauthServer.client(q.clientId)
  if (!client) throw badRequest('invalid client_id', 'oauth_client_not_found')
  // Exact string match with a registered URI: anything looser would let an attacker pick where codes go.
  if (!client.redirectUris.includes(q.redirectUri)) throw badRequest('invalid redirect_uri')

  const problem = remainingProblem(q, ctx.cfg.oauthServerDefaultScope)
  if (problem) return errorRedirect(q.redirectUri, 'invalid_request', problem, q.state)

  const t = ctx.now()
  const row: OAuthAuthorizationRow = {
    id: authorizationId(),
    clientId: client.id,
    redirectUri: q.redirectUri,
    scope: q.scope,
    codeChallenge: q.codeChallenge,
    codeChallengeMethod: q.codeChallengeMethod.toLowerCase() as OAuthAuthorizationRow['codeChallengeMethod'],
    status: 'pending',
    createdAt: t,
    expiresAt: t + ctx.cfg.oauthServerAuthorizationTtl * 1000,
  }
  if (q.state) row.state = q.state
  if (q.resource) row.resource = q.resource
  if (q.nonce) row.nonce = q.nonce
  ctx.store.oauthServer.authorizations.set(row.id, row)

  // GoTrue stores the request first, then finds it has nowhere to send the user.
  const path = ctx.cfg.oauthServerAuthorizationPath
  if (path === '') return errorRedirect(q.redirectUri, 'server_error', 'oauth authorization path not configured', q.state)
  const base = ctx.cfg.siteUrl.replace(/\/+$/, '')
  return `${base}${path.startsWith('/') ? path : `/${path}`}?authorization_id=${row.id}`
}

/** The request if it exists and has not expired; an expired one is marked so and reported missing. */
function liveAuthorization(ctx: Ctx, id: string): OAuthAuthorizationRow {
  const row = ctx.store.oauthServer.authorizations.get(id)
  if (!row) throw notFoundAuthorization()
  if (ctx.now() > row.expiresAt) {
    if (row.status === 'pending') row.status = 'expired'
    // Not found rather than expired, so a guessed id learns nothing.
    throw notFoundAuthorization()
  }
  return row
}

/** Approves: a fresh code (a UUID, GoTrue's form) the app trades once at `/oauth/token`. */
function approve(ctx: Ctx, row: OAuthAuthorizationRow): void {
  row.status = 'approved'
  row.approvedAt = ctx.now()
  row.code = uuid()
}

export type AuthorizationView =
  | { kind: 'consent'; authorization: OAuthAuthorizationRow; client: OAuthClientRow }
  | { kind: 'approved'; redirectUrl: string }

/**
 * What the consent page learns from `GET /oauth/authorizations/{id}`: the request binds to the first user
 * who reads it; when that user already granted every requested scope it is approved at once.
 *
 * @example
 * const view = viewAuthorization(ctx, id, user)   // { kind: 'consent', authorization, client }
 */
export function viewAuthorization(ctx: Ctx, id: string, user: UserRow): AuthorizationView {
  const row = liveAuthorization(ctx, id)
  if (row.status !== 'pending') throw badRequest('authorization request cannot be processed')
  if (row.userId === undefined) {
    row.userId = user.id
    if (consentCovers(ctx.store, user.id, row.clientId, row.scope)) {
      approve(ctx, row)
      return { kind: 'approved', redirectUrl: successRedirect(row) }
    }
  } else if (row.userId !== user.id) {
    throw notFoundAuthorization()
  }
  const client = ctx.store.oauthServer.client(row.clientId)
  if (!client) throw notFoundAuthorization()
  return { kind: 'consent', authorization: row, client }
}

/**
 * The user's decision (`POST /oauth/authorizations/{id}/consent`): where the app gets the code, or the
 * denial. Only the user the request is bound to may decide, once.
 *
 * @example
 * const redirectUrl = decideAuthorization(ctx, id, user, 'approve')
 */
export function decideAuthorization(ctx: Ctx, id: string, user: UserRow, action: 'approve' | 'deny'): string {
  const row = liveAuthorization(ctx, id)
  if (row.status !== 'pending') throw badRequest('authorization request is no longer pending')
  if (row.userId !== user.id) throw notFoundAuthorization()
  if (action === 'deny') {
    row.status = 'denied'
    return errorRedirect(row.redirectUri, 'access_denied', 'User denied the request', row.state)
  }
  approve(ctx, row)
  upsertConsent(ctx.store, user.id, row.clientId, parseScopes(row.scope), ctx.now())
  return successRedirect(row)
}
