/**
 * The registry of third-party apps (GoTrue `oauth_clients`): registering one (by an admin or dynamically),
 * changing it, a new secret, soft deletion, and its JSON. Secrets are shown once, when made, and kept
 * only as base64url(SHA-256(secret)), as GoTrue keeps them.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { uuid } from '../crypto/hash.js'
import type { OAuthClientRow, OAuthGrantType, OAuthServerTables, TokenEndpointAuthMethod } from '../store/oauth-server.js'
import type { Json } from '../store/records.js'
import { iso } from '../store/serialize.js'
import { clientTypeOf, type RegisterParams, type UpdateParams } from './client-params.js'

/** base64url(SHA-256(secret)), the stored form (GoTrue `hashClientSecret`). */
function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

/** 32 random bytes, base64url: what GoTrue hands out as a client secret. */
function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * True when `secret` is the client's (compared in constant time, as GoTrue does).
 *
 * @example
 * secretMatches(client, presented)
 */
export function secretMatches(client: OAuthClientRow, secret: string): boolean {
  if (client.secretHash === '') return false
  const stored = Buffer.from(client.secretHash, 'base64url')
  const computed = createHash('sha256').update(secret).digest()
  return stored.length === computed.length && timingSafeEqual(stored, computed)
}

/** `''` is no value: GoTrue stores an empty name or URI as NULL and leaves it out of the JSON. */
const nonEmpty = (value: string): string | undefined => (value === '' ? undefined : value)

/**
 * A new client from checked registration params, with its secret in plain text for confidential clients
 * (the only time it is ever shown).
 *
 * @example
 * const { client, secret } = registerClient(store.oauthServer, now, params, 'manual')
 */
export function registerClient(
  tables: OAuthServerTables,
  now: number,
  p: RegisterParams,
  registrationType: OAuthClientRow['registrationType'],
): { client: OAuthClientRow; secret: string | undefined } {
  // Priority as GoTrue's `DetermineClientType`: explicit type, the type the auth method implies, confidential.
  const clientType = p.clientType === 'public' || p.clientType === 'confidential' ? p.clientType : p.authMethod ? clientTypeOf(p.authMethod) : 'confidential'
  const authMethod = (p.authMethod || (clientType === 'public' ? 'none' : 'client_secret_basic')) as TokenEndpointAuthMethod
  const secret = clientType === 'confidential' ? newSecret() : undefined
  const client: OAuthClientRow = {
    id: uuid(),
    secretHash: secret === undefined ? '' : hashSecret(secret),
    registrationType,
    clientType,
    tokenEndpointAuthMethod: authMethod,
    redirectUris: [...p.redirectUris],
    grantTypes: (p.grantTypes.length > 0 ? [...p.grantTypes] : ['authorization_code', 'refresh_token']) as OAuthGrantType[],
    createdAt: now,
    updatedAt: now,
  }
  const name = nonEmpty(p.clientName)
  const uri = nonEmpty(p.clientUri)
  const logo = nonEmpty(p.logoUri)
  if (name !== undefined) client.clientName = name
  if (uri !== undefined) client.clientUri = uri
  if (logo !== undefined) client.logoUri = logo
  tables.clients.set(client.id, client)
  return { client, secret }
}

/** Applies checked update params; an empty name or URI removes it. */
export function updateClient(client: OAuthClientRow, now: number, p: UpdateParams): void {
  if (p.redirectUris !== undefined) client.redirectUris = [...p.redirectUris]
  if (p.grantTypes !== undefined) client.grantTypes = [...p.grantTypes] as OAuthGrantType[]
  const set = (key: 'clientName' | 'clientUri' | 'logoUri', value: string | undefined): void => {
    if (value === undefined) return
    if (value === '') delete client[key]
    else client[key] = value
  }
  set('clientName', p.clientName)
  set('clientUri', p.clientUri)
  set('logoUri', p.logoUri)
  if (p.authMethod !== undefined) client.tokenEndpointAuthMethod = p.authMethod as TokenEndpointAuthMethod
  client.updatedAt = now
}

/** A new secret for a confidential client, returned in plain text; the old one stops working at once. */
export function regenerateSecret(client: OAuthClientRow, now: number): string {
  const secret = newSecret()
  client.secretHash = hashSecret(secret)
  client.updatedAt = now
  return secret
}

/** GoTrue only stamps `deleted_at`: lookups stop finding the client, its sessions stay until they are refreshed. */
export function softDeleteClient(client: OAuthClientRow, now: number): void {
  client.deletedAt = now
  client.updatedAt = now
}

/**
 * A client as the admin and registration routes render it (`OAuthServerClientResponse`), the secret only
 * when just made.
 *
 * @example
 * clientJson(client)   // { client_id, client_type, redirect_uris, token_endpoint_auth_method, grant_types, … }
 */
export function clientJson(client: OAuthClientRow, secret?: string): Json {
  const out: Json = { client_id: client.id }
  if (secret !== undefined) out.client_secret = secret
  out.client_type = client.clientType
  out.redirect_uris = [...client.redirectUris]
  out.token_endpoint_auth_method = client.tokenEndpointAuthMethod
  out.grant_types = [...client.grantTypes]
  out.response_types = ['code']
  if (client.clientName !== undefined) out.client_name = client.clientName
  if (client.clientUri !== undefined) out.client_uri = client.clientUri
  if (client.logoUri !== undefined) out.logo_uri = client.logoUri
  out.registration_type = client.registrationType
  out.created_at = iso(client.createdAt)
  out.updated_at = iso(client.updatedAt)
  return out
}

/**
 * A client as the consent page and the grant list show it (`ClientDetailsResponse`): who is asking.
 *
 * @example
 * clientDetailsJson(client)   // { id, name: 'Acme', uri: 'https://acme.example' }
 */
export function clientDetailsJson(client: OAuthClientRow): Json {
  const out: Json = { id: client.id }
  if (client.clientName !== undefined) out.name = client.clientName
  if (client.clientUri !== undefined) out.uri = client.clientUri
  if (client.logoUri !== undefined) out.logo_uri = client.logoUri
  return out
}
