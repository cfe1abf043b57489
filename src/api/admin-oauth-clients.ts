/**
 * The OAuth 2.1 server's client registry through the service-role API (`/admin/oauth/clients`, wire
 * contract §4.22; GoTrue answers `404 feature_disabled` unless `GOTRUE_OAUTH_SERVER_ENABLED`). Names and
 * shapes are auth-js's (`admin.oauth`).
 * @module
 */
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { pageQuery, paginationFrom, type PageParams, type Pagination } from './admin-pagination.js'
import { malformedResponse } from './session-response.js'
import { optionalString, pathSegment, requireObject, requireOneOf, requirePathText, requireString } from './validate.js'
import { optionalStringArray, requireStringArray } from './admin-validate.js'

/** Grant types a client may use; open to ones a newer server adds. */
export type OAuthClientGrantType = 'authorization_code' | 'refresh_token' | (string & {})
export type OAuthClientResponseType = 'code'
/** `confidential` clients hold a secret; `public` ones (SPAs, native apps) cannot. */
export type OAuthClientType = 'public' | 'confidential'
/** `manual` through this API, `dynamic` through `POST /oauth/clients/register`. */
export type OAuthClientRegistrationType = 'dynamic' | 'manual'
export type OAuthClientTokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

/** An OAuth client as the server returns it (auth-js `OAuthClient`). */
export interface OAuthClient {
  client_id: string
  client_name: string
  /** Only in the answers of `createClient` and `regenerateClientSecret`, and only for confidential clients. */
  client_secret?: string
  client_type: OAuthClientType
  token_endpoint_auth_method: OAuthClientTokenEndpointAuthMethod
  registration_type: OAuthClientRegistrationType
  client_uri?: string
  logo_uri?: string
  redirect_uris: string[]
  grant_types: OAuthClientGrantType[]
  response_types: OAuthClientResponseType[]
  scope?: string
  created_at: string
  updated_at: string
}

/** auth-js `CreateOAuthClientParams`. */
export interface CreateOAuthClientParams {
  client_name: string
  client_uri?: string
  /** Exact-match redirect URIs; at least one. */
  redirect_uris: string[]
  /** Default: `authorization_code` and `refresh_token`. */
  grant_types?: OAuthClientGrantType[]
  /** Default: `code`. */
  response_types?: OAuthClientResponseType[]
  scope?: string
  /** Default: the server's (`client_secret_basic` for a confidential client). */
  token_endpoint_auth_method?: OAuthClientTokenEndpointAuthMethod
}

/** auth-js `UpdateOAuthClientParams`: only the given fields change. */
export interface UpdateOAuthClientParams {
  client_name?: string
  client_uri?: string
  logo_uri?: string
  redirect_uris?: string[]
  grant_types?: OAuthClientGrantType[]
  token_endpoint_auth_method?: OAuthClientTokenEndpointAuthMethod
}

/** One page of clients (auth-js `listClients` data). */
export interface OAuthClientPage extends Pagination {
  clients: OAuthClient[]
  /** The audience the server reports; `''` when it reports none. */
  aud: string
}

const AUTH_METHODS: readonly OAuthClientTokenEndpointAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post']
const RESPONSE_TYPES: readonly OAuthClientResponseType[] = ['code']

/**
 * Checks an OAuth client body (an object with a string `client_id`); the rest is passed on as sent.
 *
 * @example
 * const client = parseOAuthClient(data)
 */
export function parseOAuthClient(data: unknown): OAuthClient {
  if (!isRecord(data) || typeof data['client_id'] !== 'string' || data['client_id'].length === 0) throw malformedResponse('OAuth client')
  return data as unknown as OAuthClient
}

function clientPath(clientId: unknown): string {
  return `admin/oauth/clients/${pathSegment(requirePathText(clientId, 'clientId'))}`
}

/**
 * The body for create/update: the params as given (a field a newer server takes passes through), with the
 * known fields type-checked first.
 */
function clientBody(p: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...p }
  const name = creating ? requireString(p['client_name'], 'client_name') : optionalString(p['client_name'], 'client_name')
  if (name !== undefined) body['client_name'] = name
  const redirects = creating ? requireStringArray(p['redirect_uris'], 'redirect_uris') : optionalStringArray(p['redirect_uris'], 'redirect_uris')
  if (redirects !== undefined) body['redirect_uris'] = redirects
  for (const key of ['client_uri', 'logo_uri', 'scope'] as const) {
    const value = optionalString(p[key], key)
    if (value !== undefined) body[key] = value
  }
  const grants = optionalStringArray(p['grant_types'], 'grant_types')
  if (grants !== undefined) body['grant_types'] = grants
  const responses = optionalStringArray(p['response_types'], 'response_types')
  if (responses !== undefined) body['response_types'] = responses.map((r) => requireOneOf(r, RESPONSE_TYPES, 'response_types[]'))
  if (p['token_endpoint_auth_method'] !== undefined) {
    body['token_endpoint_auth_method'] = requireOneOf(p['token_endpoint_auth_method'], AUTH_METHODS, 'token_endpoint_auth_method')
  }
  return body
}

/**
 * One page of OAuth clients, with the pagination the server reports.
 *
 * @example
 * const { clients, nextPage } = await listOAuthClients(http, { page: 1, perPage: 20 })
 */
export async function listOAuthClients(http: Http, p?: PageParams, options?: CallOptions): Promise<OAuthClientPage> {
  const { data, headers } = await http.request<unknown>('GET', 'admin/oauth/clients', { ...options, query: pageQuery(p) })
  if (!isRecord(data) || !Array.isArray(data['clients'])) throw malformedResponse('OAuth client list')
  const clients = data['clients'].map(parseOAuthClient)
  return { clients, aud: typeof data['aud'] === 'string' ? data['aud'] : '', ...paginationFrom(headers, clients.length) }
}

/**
 * Registers a client. Its `client_secret` is in this answer and never again (until regenerated).
 *
 * @example
 * const client = await createOAuthClient(http, { client_name: 'CLI', redirect_uris: ['http://localhost:8976/cb'] })
 */
export async function createOAuthClient(http: Http, p: CreateOAuthClientParams, options?: CallOptions): Promise<OAuthClient> {
  const body = clientBody(requireObject(p, 'params'), true)
  const { data } = await http.request<unknown>('POST', 'admin/oauth/clients', { ...options, body })
  return parseOAuthClient(data)
}

/** @example const client = await getOAuthClient(http, clientId) */
export async function getOAuthClient(http: Http, clientId: string, options?: CallOptions): Promise<OAuthClient> {
  const { data } = await http.request<unknown>('GET', clientPath(clientId), options)
  return parseOAuthClient(data)
}

/** @example const client = await updateOAuthClient(http, clientId, { client_name: 'Renamed' }) */
export async function updateOAuthClient(http: Http, clientId: string, p: UpdateOAuthClientParams, options?: CallOptions): Promise<OAuthClient> {
  const path = clientPath(clientId)
  const body = clientBody(requireObject(p, 'params'), false)
  const { data } = await http.request<unknown>('PUT', path, { ...options, body })
  return parseOAuthClient(data)
}

/** Deletes a client (GoTrue answers 204). @example await deleteOAuthClient(http, clientId) */
export async function deleteOAuthClient(http: Http, clientId: string, options?: CallOptions): Promise<void> {
  await http.request<unknown>('DELETE', clientPath(clientId), options)
}

/**
 * Issues a new secret; the old one stops working. Resolves with the client, carrying the new secret.
 *
 * @example
 * const { client_secret } = await regenerateOAuthClientSecret(http, clientId)
 */
export async function regenerateOAuthClientSecret(http: Http, clientId: string, options?: CallOptions): Promise<OAuthClient> {
  const { data } = await http.request<unknown>('POST', `${clientPath(clientId)}/regenerate_secret`, options)
  return parseOAuthClient(data)
}
