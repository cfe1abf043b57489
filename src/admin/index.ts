/**
 * `supabase-auth-machine/admin`: the service-role API, with auth-js `GoTrueAdminApi` method names and data
 * shapes (plus `sso`, which auth-js lacks). Methods resolve with the data and reject with an `AuthError`
 * subclass. Server-side only: the service-role key bypasses every access rule and must never reach a
 * browser.
 *
 * Requests go through ky (this entry only; the browser client stays on `fetch`): 429 and 503 are retried
 * after the server's `Retry-After`, or with capped exponential backoff, and ky hooks see every attempt.
 *
 * @example
 * ```ts
 * import { createAdminClient } from 'supabase-auth-machine/admin'
 *
 * const admin = createAdminClient({ url: 'https://<ref>.supabase.co/auth/v1', serviceRoleKey: process.env.SERVICE_ROLE_KEY! })
 * const { user } = await admin.createUser({ email: 'ada@example.com', password: 'correct horse', email_confirm: true })
 * const { users, total } = await admin.listUsers({ page: 1, perPage: 50 })
 * ```
 * @module
 */
export { createAdminClient } from './client.js'
export { DEFAULT_MAX_DELAY_MS, DEFAULT_RETRY_LIMIT } from './retry-policy.js'
export type { AdminRetryOptions } from './retry-policy.js'
export type {
  AdminClient,
  AdminClientOptions,
  AdminCustomProvidersApi,
  AdminMfaApi,
  AdminOAuthApi,
  AdminPasskeyApi,
  AdminSsoApi,
} from './types.js'
export type { Hooks } from 'ky'
export type { FetchLike } from '../types.js'
export type { Passkey } from '../api/passkeys.js'
export type { Pagination } from '../api/admin-pagination.js'
export type {
  AdminUserAttributes,
  GenerateLinkParams,
  GenerateLinkProperties,
  GenerateLinkType,
  LinkOptions,
  LinkOptionsWithData,
  PageParams,
  UserPage,
} from '../api/admin.js'
export type {
  CreateOAuthClientParams,
  OAuthClient,
  OAuthClientGrantType,
  OAuthClientPage,
  OAuthClientRegistrationType,
  OAuthClientResponseType,
  OAuthClientTokenEndpointAuthMethod,
  OAuthClientType,
  UpdateOAuthClientParams,
} from '../api/admin-oauth-clients.js'
export type {
  CreateSSOProviderParams,
  SAMLAttributeMapping,
  SAMLNameIdFormat,
  SSOProvider,
  SSOProviderFields,
  UpdateSSOProviderParams,
} from '../api/admin-sso-providers.js'
export type {
  CreateCustomProviderParams,
  CustomOAuthProvider,
  CustomProviderSettings,
  CustomProviderType,
  OIDCDiscoveryDocument,
  UpdateCustomProviderParams,
} from '../api/admin-custom-providers.js'
