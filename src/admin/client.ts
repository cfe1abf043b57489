/**
 * `createAdminClient`: each method is a call function from `src/api` on the ky transport, wrapped into the
 * auth-js data shape.
 * @module
 */
import * as custom from '../api/admin-custom-providers.js'
import * as oauth from '../api/admin-oauth-clients.js'
import { deleteUserPasskey, listUserPasskeys } from '../api/admin-passkeys.js'
import * as sso from '../api/admin-sso-providers.js'
import * as api from '../api/admin.js'
import { createAdminTransport } from './transport.js'
import type { AdminClient, AdminClientOptions } from './types.js'

/**
 * Creates the admin client on the ky transport: 429 and 503 are retried after the server's `Retry-After`
 * (up to 3 times, never waiting more than 30 s), and `hooks` see every attempt. Bad arguments (a non-UUID
 * user id, a missing field) reject with `AuthInvalidCredentialsError` before any request.
 *
 * @example
 * ```ts
 * const admin = createAdminClient({
 *   url, serviceRoleKey,
 *   retry: { limit: 5, maxDelayMs: 10_000 },
 *   hooks: { beforeRequest: [(request) => log.debug(request.method, request.url)] },
 * })
 * const { properties } = await admin.generateLink({ type: 'magiclink', email: 'ada@example.com' })
 * console.log(properties.action_link)
 * ```
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const http = createAdminTransport({
    url: options.url,
    apiKey: options.serviceRoleKey,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  })
  return {
    url: http.url,
    listUsers: (params, o) => api.listUsers(http, params, o),
    createUser: async (attributes, o) => ({ user: await api.createUser(http, attributes, o) }),
    getUserById: async (uid, o) => ({ user: await api.getUserById(http, uid, o) }),
    updateUserById: async (uid, attributes, o) => ({ user: await api.updateUserById(http, uid, attributes, o) }),
    deleteUser: async (id, shouldSoftDelete = false, o) => ({ user: await api.deleteUserReturningIt(http, id, shouldSoftDelete, o) }),
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
    oauth: {
      listClients: (params, o) => oauth.listOAuthClients(http, params, o),
      createClient: (params, o) => oauth.createOAuthClient(http, params, o),
      getClient: (clientId, o) => oauth.getOAuthClient(http, clientId, o),
      updateClient: (clientId, params, o) => oauth.updateOAuthClient(http, clientId, params, o),
      deleteClient: async (clientId, o) => {
        await oauth.deleteOAuthClient(http, clientId, o)
        return null
      },
      regenerateClientSecret: (clientId, o) => oauth.regenerateOAuthClientSecret(http, clientId, o),
    },
    sso: {
      listProviders: (o) => sso.listSSOProviders(http, o),
      createProvider: (params, o) => sso.createSSOProvider(http, params, o),
      getProvider: (id, o) => sso.getSSOProvider(http, id, o),
      updateProvider: (id, params, o) => sso.updateSSOProvider(http, id, params, o),
      deleteProvider: (id, o) => sso.deleteSSOProvider(http, id, o),
    },
    customProviders: {
      listProviders: (params, o) => custom.listCustomProviders(http, params, o),
      createProvider: (params, o) => custom.createCustomProvider(http, params, o),
      getProvider: (identifier, o) => custom.getCustomProvider(http, identifier, o),
      updateProvider: (identifier, params, o) => custom.updateCustomProvider(http, identifier, params, o),
      deleteProvider: async (identifier, o) => {
        await custom.deleteCustomProvider(http, identifier, o)
        return null
      },
    },
  }
}
