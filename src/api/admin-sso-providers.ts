/**
 * SAML identity providers for SSO through the service-role API (`/admin/sso/providers`, wire contract
 * §4.21; GoTrue answers `404 saml_provider_disabled` unless `GOTRUE_SAML_ENABLED`). auth-js has no methods
 * for these (the Supabase CLI and Management API use the routes), so the names follow auth-js's other
 * registries (`customProviders.listProviders` …) and the shapes are GoTrue's.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { optionalBoolean, optionalStringArray } from './admin-validate.js'
import { malformedResponse } from './session-response.js'
import { optionalObject, optionalString, pathSegment, requireObject, requireOneOf, requirePathText } from './validate.js'

/** How SAML assertion attributes become user metadata (GoTrue `SAMLAttributeMapping`). */
export interface SAMLAttributeMapping {
  keys: Record<string, { name?: string; names?: string[]; default?: unknown; array?: boolean }>
}

export type SAMLNameIdFormat =
  | 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'
  | 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
  | 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'
  | 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'

/** A registered SAML identity provider as GoTrue returns it (lists leave `metadata_xml` out). */
export interface SSOProvider {
  id: string
  resource_id?: string
  disabled?: boolean
  saml: {
    entity_id: string
    metadata_xml?: string
    metadata_url?: string
    attribute_mapping?: SAMLAttributeMapping
    name_id_format?: SAMLNameIdFormat
  }
  domains: Array<{ domain: string }>
  created_at: string
  updated_at: string
}

export interface SSOProviderFields {
  /** Email domains whose users sign in through this provider (`signInWithSSO({ domain })`). */
  domains?: string[]
  attribute_mapping?: SAMLAttributeMapping
  name_id_format?: SAMLNameIdFormat
  /** Your own id for the provider; it can then be addressed as `resource_<resource_id>`. */
  resource_id?: string
  disabled?: boolean
}

/** Registers a provider from its metadata: exactly one of `metadata_xml` and `metadata_url` (HTTPS). */
export type CreateSSOProviderParams = SSOProviderFields & { type: 'saml' } & (
  | { metadata_xml: string; metadata_url?: undefined }
  | { metadata_url: string; metadata_xml?: undefined }
)

/** Only the given fields change; new metadata must keep the provider's entity id. */
export type UpdateSSOProviderParams = SSOProviderFields & { metadata_xml?: string; metadata_url?: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A provider is addressed by its UUID or as `resource_<resource_id>`, as GoTrue's `loadSSOProvider` does. */
function providerPath(id: unknown): string {
  if (typeof id !== 'string' || !(UUID.test(id) || /^resource_.+/.test(id))) {
    throw new AuthInvalidCredentialsError('id must be a UUID or resource_<resource_id>')
  }
  return `admin/sso/providers/${pathSegment(requirePathText(id, 'id'))}`
}

/**
 * Checks a provider body (string `id`, a `saml` object with its `entity_id`); `domains` defaults to `[]`.
 *
 * @example
 * const provider = parseSSOProvider(data)
 */
export function parseSSOProvider(data: unknown): SSOProvider {
  if (!isRecord(data) || typeof data['id'] !== 'string' || !isRecord(data['saml']) || typeof data['saml']['entity_id'] !== 'string') {
    throw malformedResponse('SSO provider')
  }
  return { ...data, domains: Array.isArray(data['domains']) ? data['domains'] : [] } as unknown as SSOProvider
}

function providerBody(p: Record<string, unknown>, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...p }
  if (creating) body['type'] = requireOneOf(p['type'], ['saml'] as const, 'type')
  const xml = optionalString(p['metadata_xml'], 'metadata_xml')
  const url = optionalString(p['metadata_url'], 'metadata_url')
  // GoTrue's own rules, checked here so the mistake costs no round trip.
  if (xml !== undefined && url !== undefined) throw new AuthInvalidCredentialsError('Only one of metadata_xml or metadata_url may be set')
  if (creating && xml === undefined && url === undefined) throw new AuthInvalidCredentialsError('metadata_xml or metadata_url is required')
  optionalStringArray(p['domains'], 'domains')
  optionalObject(p['attribute_mapping'], 'attribute_mapping')
  optionalString(p['name_id_format'], 'name_id_format')
  optionalString(p['resource_id'], 'resource_id')
  optionalBoolean(p['disabled'], 'disabled')
  return body
}

/** @example const { providers } = await listSSOProviders(http) */
export async function listSSOProviders(http: Http, options?: CallOptions): Promise<{ providers: SSOProvider[] }> {
  const { data } = await http.request<unknown>('GET', 'admin/sso/providers', options)
  if (!isRecord(data) || !Array.isArray(data['items'])) throw malformedResponse('SSO provider list')
  return { providers: data['items'].map(parseSSOProvider) }
}

/**
 * Registers a SAML identity provider (GoTrue fetches `metadata_url` itself).
 *
 * @example
 * const provider = await createSSOProvider(http, { type: 'saml', metadata_url: 'https://idp.acme.test/metadata', domains: ['acme.test'] })
 */
export async function createSSOProvider(http: Http, p: CreateSSOProviderParams, options?: CallOptions): Promise<SSOProvider> {
  const body = providerBody(requireObject(p, 'params'), true)
  const { data } = await http.request<unknown>('POST', 'admin/sso/providers', { ...options, body })
  return parseSSOProvider(data)
}

/** @example const provider = await getSSOProvider(http, 'resource_acme') */
export async function getSSOProvider(http: Http, id: string, options?: CallOptions): Promise<SSOProvider> {
  const { data } = await http.request<unknown>('GET', providerPath(id), options)
  return parseSSOProvider(data)
}

/** @example const provider = await updateSSOProvider(http, id, { domains: ['acme.test', 'acme.example'] }) */
export async function updateSSOProvider(http: Http, id: string, p: UpdateSSOProviderParams, options?: CallOptions): Promise<SSOProvider> {
  const path = providerPath(id)
  const body = providerBody(requireObject(p, 'params'), false)
  const { data } = await http.request<unknown>('PUT', path, { ...options, body })
  return parseSSOProvider(data)
}

/** Removes a provider; resolves with it as it was, which GoTrue returns. @example await deleteSSOProvider(http, id) */
export async function deleteSSOProvider(http: Http, id: string, options?: CallOptions): Promise<SSOProvider> {
  const { data } = await http.request<unknown>('DELETE', providerPath(id), options)
  return parseSSOProvider(data)
}
