/**
 * The admin client's public surface: its options and every method group, with auth-js `GoTrueAdminApi`
 * names. Methods resolve with what auth-js puts in `data` and reject with an `AuthError` subclass.
 * @module
 */
import type { Hooks } from 'ky'
import type { CreateCustomProviderParams, CustomOAuthProvider, CustomProviderType, UpdateCustomProviderParams } from '../api/admin-custom-providers.js'
import type { CreateOAuthClientParams, OAuthClient, OAuthClientPage, UpdateOAuthClientParams } from '../api/admin-oauth-clients.js'
import type { CreateSSOProviderParams, SSOProvider, UpdateSSOProviderParams } from '../api/admin-sso-providers.js'
import type { AdminUserAttributes, GenerateLinkParams, GenerateLinkProperties, PageParams, UserPage } from '../api/admin.js'
import type { Passkey } from '../api/passkeys.js'
import type { CallOptions, Factor, FetchLike, SignOutScope, User } from '../types.js'
import type { AdminRetryOptions } from './retry-policy.js'

export interface AdminClientOptions {
  /** Base URL of the auth server, e.g. `https://<ref>.supabase.co/auth/v1`. */
  url: string
  /** The service-role key (a JWT with `role: service_role`, or a secret key); sent as `apikey` and bearer token. */
  serviceRoleKey: string
  headers?: Record<string, string>
  /** The `fetch` every attempt goes through (proxies, instrumentation, tests). */
  fetch?: FetchLike
  /**
   * Default timeout of each attempt in ms (10 000), headers and body; a call's own `{ timeout }` overrides
   * it. A timed-out attempt is not retried. Waits between attempts are bounded by `retry`; to bound the whole
   * call, waits included, pass a `signal` (e.g. `AbortSignal.timeout(60_000)`).
   */
  timeout?: number
  /**
   * Retries of 429 and 503 (honouring `Retry-After`) and of network failures of idempotent calls.
   * Default `{ limit: 3, maxDelayMs: 30_000 }`; `false` turns retrying off. See {@link AdminRetryOptions}.
   */
  retry?: AdminRetryOptions | false
  /**
   * ky hooks for logging and tracing: `beforeRequest` and `afterResponse` run for every attempt,
   * `beforeRetry` before each retry (with the error that caused it), `beforeError` on an error status.
   * Errors still reach you as `AuthError`s; a hook's own thrown error reaches you unchanged.
   */
  hooks?: Hooks
}

export interface AdminMfaApi {
  /** @example `const { factors } = await admin.mfa.listFactors({ userId })` */
  listFactors(params: { userId: string }, options?: CallOptions): Promise<{ factors: Factor[] }>
  /** @example `await admin.mfa.deleteFactor({ id: factorId, userId })` */
  deleteFactor(params: { id: string; userId: string }, options?: CallOptions): Promise<{ id: string }>
}

/** A user's passkeys (auth-js's `admin.passkey`); GoTrue needs `GOTRUE_PASSKEY_ENABLED`. */
export interface AdminPasskeyApi {
  /** @example `const passkeys = await admin.passkey.listPasskeys({ userId })` */
  listPasskeys(params: { userId: string }, options?: CallOptions): Promise<Passkey[]>
  /** @example `await admin.passkey.deletePasskey({ userId, passkeyId })` */
  deletePasskey(params: { userId: string; passkeyId: string }, options?: CallOptions): Promise<null>
}

/** The OAuth 2.1 server's clients (auth-js's `admin.oauth`); GoTrue needs `GOTRUE_OAUTH_SERVER_ENABLED`. */
export interface AdminOAuthApi {
  /** @example `const { clients, nextPage, total } = await admin.oauth.listClients({ page: 1, perPage: 20 })` */
  listClients(params?: PageParams, options?: CallOptions): Promise<OAuthClientPage>
  /**
   * The answer is the only time the secret of a confidential client is shown (until regenerated).
   * @example `const client = await admin.oauth.createClient({ client_name: 'CLI', redirect_uris: ['http://localhost:8976/cb'] })`
   */
  createClient(params: CreateOAuthClientParams, options?: CallOptions): Promise<OAuthClient>
  /** @example `const client = await admin.oauth.getClient(clientId)` */
  getClient(clientId: string, options?: CallOptions): Promise<OAuthClient>
  /** @example `await admin.oauth.updateClient(clientId, { redirect_uris: ['https://app.example.com/cb'] })` */
  updateClient(clientId: string, params: UpdateOAuthClientParams, options?: CallOptions): Promise<OAuthClient>
  /** @example `await admin.oauth.deleteClient(clientId)` */
  deleteClient(clientId: string, options?: CallOptions): Promise<null>
  /** @example `const { client_secret } = await admin.oauth.regenerateClientSecret(clientId)` */
  regenerateClientSecret(clientId: string, options?: CallOptions): Promise<OAuthClient>
}

/**
 * SAML SSO identity providers (`/admin/sso/providers`). Not in auth-js: named after its other registries.
 * GoTrue needs `GOTRUE_SAML_ENABLED`. A provider is addressed by its id or as `resource_<resource_id>`.
 */
export interface AdminSsoApi {
  /** @example `const { providers } = await admin.sso.listProviders()` */
  listProviders(options?: CallOptions): Promise<{ providers: SSOProvider[] }>
  /** @example `await admin.sso.createProvider({ type: 'saml', metadata_url, domains: ['acme.test'] })` */
  createProvider(params: CreateSSOProviderParams, options?: CallOptions): Promise<SSOProvider>
  /** @example `const provider = await admin.sso.getProvider('resource_acme')` */
  getProvider(id: string, options?: CallOptions): Promise<SSOProvider>
  /** @example `await admin.sso.updateProvider(id, { disabled: true })` */
  updateProvider(id: string, params: UpdateSSOProviderParams, options?: CallOptions): Promise<SSOProvider>
  /** Resolves with the removed provider, as GoTrue returns it. @example `await admin.sso.deleteProvider(id)` */
  deleteProvider(id: string, options?: CallOptions): Promise<SSOProvider>
}

/** Custom OAuth 2.0 / OIDC providers (auth-js's `admin.customProviders`). */
export interface AdminCustomProvidersApi {
  /** @example `const { providers } = await admin.customProviders.listProviders({ type: 'oidc' })` */
  listProviders(params?: { type?: CustomProviderType }, options?: CallOptions): Promise<{ providers: CustomOAuthProvider[] }>
  /** @example `await admin.customProviders.createProvider({ provider_type: 'oidc', identifier: 'custom:acme', name, client_id, client_secret, issuer })` */
  createProvider(params: CreateCustomProviderParams, options?: CallOptions): Promise<CustomOAuthProvider>
  /** @example `const provider = await admin.customProviders.getProvider('custom:acme')` */
  getProvider(identifier: string, options?: CallOptions): Promise<CustomOAuthProvider>
  /** @example `await admin.customProviders.updateProvider('custom:acme', { enabled: false })` */
  updateProvider(identifier: string, params: UpdateCustomProviderParams, options?: CallOptions): Promise<CustomOAuthProvider>
  /** @example `await admin.customProviders.deleteProvider('custom:acme')` */
  deleteProvider(identifier: string, options?: CallOptions): Promise<null>
}

export interface AdminClient {
  /** The base URL requests go to. */
  readonly url: string
  /**
   * One page of users plus pagination parsed from `X-Total-Count` and `Link`.
   * @example `const { users, nextPage } = await admin.listUsers({ page: 2, perPage: 100 })`
   */
  listUsers(params?: PageParams, options?: CallOptions): Promise<UserPage>
  /** @example `const { user } = await admin.createUser({ email, password, email_confirm: true })` */
  createUser(attributes: AdminUserAttributes, options?: CallOptions): Promise<{ user: User }>
  /** @example `const { user } = await admin.getUserById(id)` */
  getUserById(uid: string, options?: CallOptions): Promise<{ user: User }>
  /** @example `const { user } = await admin.updateUserById(id, { ban_duration: '24h' })` */
  updateUserById(uid: string, attributes: AdminUserAttributes, options?: CallOptions): Promise<{ user: User }>
  /**
   * Deletes (or soft-deletes) a user and resolves with the user as it was. GoTrue answers the DELETE with
   * `{}`, so, like auth-js, this reads the user first: two requests, and an unknown id rejects with
   * `user_not_found` before anything is deleted.
   * @example `const { user } = await admin.deleteUser(id, true)`
   */
  deleteUser(id: string, shouldSoftDelete?: boolean, options?: CallOptions): Promise<{ user: User }>
  /**
   * The link and OTP an email would carry, without sending it — for every type: `signup`, `invite`,
   * `magiclink`, `recovery`, `email_change_current`, `email_change_new`.
   * @example `const { properties } = await admin.generateLink({ type: 'recovery', email })`
   */
  generateLink(params: GenerateLinkParams, options?: CallOptions): Promise<{ properties: GenerateLinkProperties; user: User }>
  /** @example `const { user } = await admin.inviteUserByEmail(email, { redirectTo: 'https://app.example.com/join' })` */
  inviteUserByEmail(
    email: string,
    params?: { data?: Record<string, unknown>; redirectTo?: string },
    options?: CallOptions,
  ): Promise<{ user: User }>
  /**
   * Ends the sessions behind a user's access token (`scope` defaults to `global`).
   * @example `await admin.signOut(userAccessToken, 'others')`
   */
  signOut(jwt: string, scope?: SignOutScope, options?: CallOptions): Promise<void>
  mfa: AdminMfaApi
  passkey: AdminPasskeyApi
  oauth: AdminOAuthApi
  sso: AdminSsoApi
  customProviders: AdminCustomProvidersApi
}
