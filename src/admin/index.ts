/**
 * `supabase-auth-machine/admin`: the service-role API, with auth-js `GoTrueAdminApi` method names and data
 * shapes. Methods resolve with the data and reject with an `AuthError` subclass. Server-side only: the
 * service-role key bypasses every access rule and must never reach a browser.
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
import * as api from '../api/admin.js'
import { deleteUserPasskey, listUserPasskeys } from '../api/admin-passkeys.js'
import type { Passkey } from '../api/passkeys.js'
import type { AdminUserAttributes, GenerateLinkParams, GenerateLinkProperties, PageParams, UserPage } from '../api/admin.js'
import { createHttp } from '../http/client.js'
import type { CallOptions, Factor, SignOutScope, User } from '../types.js'

export type { Passkey } from '../api/passkeys.js'
export type { AdminUserAttributes, GenerateLinkParams, GenerateLinkProperties, GenerateLinkType, LinkOptions, LinkOptionsWithData, PageParams, UserPage } from '../api/admin.js'

export interface AdminClientOptions {
  /** Base URL of the auth server, e.g. `https://<ref>.supabase.co/auth/v1`. */
  url: string
  /** The service-role key (a JWT with `role: service_role`); sent as `apikey` and bearer token. */
  serviceRoleKey: string
  headers?: Record<string, string>
  fetch?: typeof fetch
  /** Default per-request timeout in ms (10 000). */
  timeout?: number
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
   * Deletes (or soft-deletes) a user. GoTrue answers `{}`, so unlike auth-js (which passes that `{}` through
   * as `user`) this resolves `{ user: null }`: there is no user left to return.
   * @example `await admin.deleteUser(id, true)`
   */
  deleteUser(id: string, shouldSoftDelete?: boolean, options?: CallOptions): Promise<{ user: null }>
  /**
   * The link and OTP an email would carry, without sending it — handy in tests and custom mailers.
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
}

/**
 * Creates the admin client. Bad UUID arguments reject with `AuthInvalidCredentialsError` before any request.
 *
 * @example
 * ```ts
 * const admin = createAdminClient({ url, serviceRoleKey })
 * const { properties } = await admin.generateLink({ type: 'magiclink', email: 'ada@example.com' })
 * console.log(properties.action_link)
 * ```
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const http = createHttp({
    url: options.url,
    apiKey: options.serviceRoleKey,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  })
  return {
    url: http.url,
    listUsers: (params, o) => api.listUsers(http, params, o),
    createUser: async (attributes, o) => ({ user: await api.createUser(http, attributes, o) }),
    getUserById: async (uid, o) => ({ user: await api.getUserById(http, uid, o) }),
    updateUserById: async (uid, attributes, o) => ({ user: await api.updateUserById(http, uid, attributes, o) }),
    deleteUser: async (id, shouldSoftDelete = false, o) => {
      await api.deleteUser(http, id, shouldSoftDelete, o)
      return { user: null }
    },
    generateLink: (params, o) => api.generateLink(http, params, o),
    inviteUserByEmail: async (email, params, o) => ({ user: await api.inviteUserByEmail(http, email, params, o) }),
    signOut: (jwt, scope = 'global', o) => api.signOutUser(http, jwt, scope, o),
    mfa: {
      // Optional chaining: a missing params object must fail validation, not throw a TypeError.
      listFactors: async (params, o) => ({ factors: await api.listFactors(http, params?.userId, o) }),
      deleteFactor: (params, o) => api.deleteFactor(http, params?.userId, params?.id, o),
    },
    passkey: {
      listPasskeys: (params, o) => listUserPasskeys(http, params?.userId, o),
      deletePasskey: async (params, o) => {
        await deleteUserPasskey(http, params?.userId, params?.passkeyId, o)
        return null
      },
    },
  }
}
