/**
 * Custom OAuth 2.0 / OIDC identity providers (`/admin/custom-providers`, wire contract §4.23; on by
 * default in GoTrue, `GOTRUE_CUSTOM_OAUTH_ENABLED`). Names and shapes are auth-js's (`admin.customProviders`).
 * @module
 */
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { optionalBoolean, optionalStringArray } from './admin-validate.js'
import { malformedResponse } from './session-response.js'
import { optionalObject, optionalString, requireObject, requireOneOf, requirePathText, requireString } from './validate.js'

export type CustomProviderType = 'oauth2' | 'oidc'

/** What the server read from an OIDC provider's discovery document (auth-js `OIDCDiscoveryDocument`). */
export interface OIDCDiscoveryDocument {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
  userinfo_endpoint?: string
  revocation_endpoint?: string
  supported_scopes?: string[]
  supported_response_types?: string[]
  supported_subject_types?: string[]
  supported_id_token_signing_algs?: string[]
}

/** The settings of a provider, as sent and as returned (the secret is write-only). */
export interface CustomProviderSettings {
  name: string
  client_id: string
  /** More client ids accepted in ID tokens (e.g. a mobile app's). */
  acceptable_client_ids?: string[]
  scopes?: string[]
  /** Raw claims copied into the identity's `custom_claims`; empty by default. */
  custom_claims_allowlist?: string[]
  pkce_enabled?: boolean
  attribute_mapping?: Record<string, unknown>
  /** Extra query parameters of the authorization request. */
  authorization_params?: Record<string, string>
  enabled?: boolean
  email_optional?: boolean
  /** OIDC: the issuer; its discovery document is fetched and checked on create and on change. */
  issuer?: string
  discovery_url?: string
  skip_nonce_check?: boolean
  /** OAuth 2.0: the endpoints, as there is no discovery. */
  authorization_url?: string
  token_url?: string
  userinfo_url?: string
  jwks_uri?: string
}

/** A custom provider as the server returns it (auth-js `CustomOAuthProvider`). */
export interface CustomOAuthProvider extends CustomProviderSettings {
  id: string
  provider_type: CustomProviderType
  /** `custom:<name>`: what `signInWithOAuth({ provider })` takes. */
  identifier: string
  discovery_document?: OIDCDiscoveryDocument | null
  created_at: string
  updated_at: string
}

/** auth-js `CreateCustomProviderParams`. */
export interface CreateCustomProviderParams extends CustomProviderSettings {
  provider_type: CustomProviderType
  /** e.g. `custom:acme`. */
  identifier: string
  client_secret: string
}

/** auth-js `UpdateCustomProviderParams`: `provider_type` and `identifier` cannot change. */
export type UpdateCustomProviderParams = Partial<CustomProviderSettings> & { client_secret?: string }

const TYPES: readonly CustomProviderType[] = ['oauth2', 'oidc']

/**
 * The identifier as one path segment. `:` stays literal (auth-js sends `custom:acme` as is): GoTrue's router
 * matches the raw path, so `custom%3Aacme` would name no provider.
 */
function providerPath(identifier: unknown): string {
  return `admin/custom-providers/${encodeURIComponent(requirePathText(identifier, 'identifier')).replace(/%3A/gi, ':')}`
}

/**
 * Checks a provider body (string `id` and `identifier`); the rest is passed on as sent.
 *
 * @example
 * const provider = parseCustomProvider(data)
 */
export function parseCustomProvider(data: unknown): CustomOAuthProvider {
  if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['identifier'] !== 'string') throw malformedResponse('Custom provider')
  return data as unknown as CustomOAuthProvider
}

function providerBody(p: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  if (creating) {
    requireOneOf(p['provider_type'], TYPES, 'provider_type')
    for (const key of ['identifier', 'name', 'client_id', 'client_secret'] as const) requireString(p[key], key)
  } else {
    for (const key of ['name', 'client_id', 'client_secret'] as const) optionalString(p[key], key)
  }
  for (const key of ['issuer', 'discovery_url', 'authorization_url', 'token_url', 'userinfo_url', 'jwks_uri'] as const) optionalString(p[key], key)
  for (const key of ['acceptable_client_ids', 'scopes', 'custom_claims_allowlist'] as const) optionalStringArray(p[key], key)
  for (const key of ['pkce_enabled', 'enabled', 'email_optional', 'skip_nonce_check'] as const) optionalBoolean(p[key], key)
  for (const key of ['attribute_mapping', 'authorization_params'] as const) optionalObject(p[key], key)
  return { ...p }
}

/** @example const { providers } = await listCustomProviders(http, { type: 'oidc' }) */
export async function listCustomProviders(
  http: Http,
  p?: { type?: CustomProviderType },
  options?: CallOptions,
): Promise<{ providers: CustomOAuthProvider[] }> {
  const type = p?.type === undefined ? undefined : requireOneOf(p.type, TYPES, 'type')
  const { data } = await http.request<unknown>('GET', 'admin/custom-providers', { ...options, query: { type } })
  if (!isRecord(data)) throw malformedResponse('Custom provider list')
  const list = data['providers'] ?? []
  if (!Array.isArray(list)) throw malformedResponse('Custom provider list')
  return { providers: list.map(parseCustomProvider) }
}

/**
 * Registers a provider. For `oidc` the server fetches the discovery document now and answers
 * `validation_failed` when it is unreachable or names another issuer.
 *
 * @example
 * const provider = await createCustomProvider(http, {
 *   provider_type: 'oidc', identifier: 'custom:acme', name: 'Acme', client_id, client_secret, issuer: 'https://id.acme.test',
 * })
 */
export async function createCustomProvider(http: Http, p: CreateCustomProviderParams, options?: CallOptions): Promise<CustomOAuthProvider> {
  const body = providerBody(requireObject(p, 'params'), true)
  const { data } = await http.request<unknown>('POST', 'admin/custom-providers', { ...options, body })
  return parseCustomProvider(data)
}

/** @example const provider = await getCustomProvider(http, 'custom:acme') */
export async function getCustomProvider(http: Http, identifier: string, options?: CallOptions): Promise<CustomOAuthProvider> {
  const { data } = await http.request<unknown>('GET', providerPath(identifier), options)
  return parseCustomProvider(data)
}

/** @example await updateCustomProvider(http, 'custom:acme', { enabled: false }) */
export async function updateCustomProvider(
  http: Http,
  identifier: string,
  p: UpdateCustomProviderParams,
  options?: CallOptions,
): Promise<CustomOAuthProvider> {
  const path = providerPath(identifier)
  const body = providerBody(requireObject(p, 'params'), false)
  const { data } = await http.request<unknown>('PUT', path, { ...options, body })
  return parseCustomProvider(data)
}

/** @example await deleteCustomProvider(http, 'custom:acme') */
export async function deleteCustomProvider(http: Http, identifier: string, options?: CallOptions): Promise<void> {
  await http.request<unknown>('DELETE', providerPath(identifier), options)
}
