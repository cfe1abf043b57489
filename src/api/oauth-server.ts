/**
 * The user's side of Supabase Auth as an OAuth 2.1 identity provider (wire contract §4.22; GoTrue needs
 * `GOTRUE_OAUTH_SERVER_ENABLED`, else `404 feature_disabled`): the consent page reads an authorization
 * request and approves or denies it, and the user lists and revokes what apps were granted. Every call
 * carries the user's access token; arguments are checked before any request.
 * @module
 */
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { malformedResponse } from './session-response.js'
import { pathSegment, requirePathText, requireString, requireUuid } from './validate.js'

/** The app asking, as the consent page shows it (auth-js `OAuthAuthorizationClient`); empty fields are left out by the server. */
export interface OAuthAuthorizationClient {
  /** The app's client id (a UUID). */
  id: string
  name?: string
  uri?: string
  logo_uri?: string
}

/** A request that needs the user's consent (auth-js `OAuthAuthorizationDetails`). */
export interface OAuthAuthorizationDetails {
  authorization_id: string
  /** The app's registered redirect URI the answer goes to. */
  redirect_uri: string
  client: OAuthAuthorizationClient
  user: { id: string; email?: string }
  /** Space-separated, e.g. `'openid email'`. */
  scope: string
}

/** Where to send the browser back to the app: with `code` and `state`, or with an `error` (auth-js `OAuthRedirect`). */
export interface OAuthRedirect {
  redirect_url: string
}

/** An app the user granted access to (auth-js `OAuthGrant`). */
export interface OAuthGrant {
  client: OAuthAuthorizationClient
  scopes: string[]
  /** ISO 8601. */
  granted_at: string
}

export type ConsentAction = 'approve' | 'deny'

function parseClient(data: unknown): OAuthAuthorizationClient {
  if (!isRecord(data) || typeof data['id'] !== 'string') throw malformedResponse('OAuth client')
  const client: OAuthAuthorizationClient = { id: data['id'] }
  for (const key of ['name', 'uri', 'logo_uri'] as const) {
    const value = data[key]
    if (typeof value === 'string') client[key] = value
  }
  return client
}

function parseRedirect(data: unknown, what: string): OAuthRedirect {
  if (!isRecord(data) || typeof data['redirect_url'] !== 'string') throw malformedResponse(what)
  return { redirect_url: data['redirect_url'] }
}

/**
 * Details to consent to, or (when the user already granted every requested scope) the redirect back to
 * the app; tell them apart with `'authorization_id' in result`.
 *
 * @example
 * const details = parseAuthorizationDetails(data)
 */
export function parseAuthorizationDetails(data: unknown): OAuthAuthorizationDetails | OAuthRedirect {
  if (!isRecord(data)) throw malformedResponse('OAuth authorization')
  if (typeof data['authorization_id'] !== 'string') return parseRedirect(data, 'OAuth authorization')
  const user = data['user']
  if (typeof data['scope'] !== 'string' || !isRecord(user) || typeof user['id'] !== 'string') throw malformedResponse('OAuth authorization')
  const details: OAuthAuthorizationDetails = {
    authorization_id: data['authorization_id'],
    redirect_uri: typeof data['redirect_uri'] === 'string' ? data['redirect_uri'] : '',
    client: parseClient(data['client']),
    user: { id: user['id'] },
    scope: data['scope'],
  }
  if (typeof user['email'] === 'string') details.user.email = user['email']
  return details
}

/**
 * The user's grants as the server lists them.
 *
 * @example
 * const grants = parseGrants(data)
 */
export function parseGrants(data: unknown): OAuthGrant[] {
  if (!Array.isArray(data)) throw malformedResponse('OAuth grant list')
  return data.map((grant: unknown) => {
    if (!isRecord(grant) || !Array.isArray(grant['scopes']) || typeof grant['granted_at'] !== 'string') throw malformedResponse('OAuth grant')
    const scopes = grant['scopes'].filter((s: unknown): s is string => typeof s === 'string')
    return { client: parseClient(grant['client']), scopes, granted_at: grant['granted_at'] }
  })
}

/**
 * `authorizationId` checked as the path segment it becomes (the id `/oauth/authorize` put in the consent
 * page's URL).
 *
 * @example
 * const id = requireAuthorizationId(new URL(location.href).searchParams.get('authorization_id'))
 */
export function requireAuthorizationId(authorizationId: unknown): string {
  return requirePathText(authorizationId, 'authorizationId')
}

/**
 * Reads an authorization request for the consent page; the first user to read it owns it.
 *
 * @example
 * const details = await getAuthorizationDetails(http, jwt, authorizationId)
 */
export async function getAuthorizationDetails(
  http: Http,
  jwt: string,
  authorizationId: string,
  options?: CallOptions,
): Promise<OAuthAuthorizationDetails | OAuthRedirect> {
  const id = requireAuthorizationId(authorizationId)
  const { data } = await http.request<unknown>('GET', `oauth/authorizations/${pathSegment(id)}`, { ...options, jwt: requireString(jwt, 'jwt') })
  return parseAuthorizationDetails(data)
}

/**
 * Approves or denies an authorization request; the answer is where to send the browser back to the app.
 *
 * @example
 * const { redirect_url } = await consentToAuthorization(http, jwt, authorizationId, 'approve')
 */
export async function consentToAuthorization(
  http: Http,
  jwt: string,
  authorizationId: string,
  action: ConsentAction,
  options?: CallOptions,
): Promise<OAuthRedirect> {
  const id = requireAuthorizationId(authorizationId)
  const path = `oauth/authorizations/${pathSegment(id)}/consent`
  const { data } = await http.request<unknown>('POST', path, { ...options, jwt: requireString(jwt, 'jwt'), body: { action } })
  return parseRedirect(data, 'OAuth consent')
}

/** @example const grants = await listOAuthGrants(http, jwt) */
export async function listOAuthGrants(http: Http, jwt: string, options?: CallOptions): Promise<OAuthGrant[]> {
  const { data } = await http.request<unknown>('GET', 'user/oauth/grants', { ...options, jwt: requireString(jwt, 'jwt') })
  return parseGrants(data)
}

/**
 * Revokes the user's grant for an app; the server also ends the sessions the app holds for the user.
 *
 * @example
 * await revokeOAuthGrant(http, jwt, clientId)
 */
export async function revokeOAuthGrant(http: Http, jwt: string, clientId: string, options?: CallOptions): Promise<void> {
  const id = requireUuid(clientId, 'clientId')
  await http.request<unknown>('DELETE', 'user/oauth/grants', { ...options, jwt: requireString(jwt, 'jwt'), query: { client_id: id } })
}
