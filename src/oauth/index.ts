/**
 * `supabase-auth-machine/oauth`: the signed-in user's side of Supabase Auth as an OAuth 2.1 identity
 * provider for third-party apps (auth-js's `auth.oauth`), in an entry of its own so the apps without a
 * consent page do not carry it. `auth.oauth.x()` in auth-js is `oauth(auth).x()` here; each resolves with
 * what auth-js puts in `data` and rejects with a typed `AuthError`. The server needs
 * `GOTRUE_OAUTH_SERVER_ENABLED` (else `404 feature_disabled`). Registering the apps is the admin API's.
 *
 * @example
 * ```ts
 * import { oauth } from 'supabase-auth-machine/oauth'
 * // on the consent page, /oauth/consent?authorization_id=…
 * const id = new URL(location.href).searchParams.get('authorization_id')!
 * const details = await oauth(auth).getAuthorizationDetails(id)
 * if ('authorization_id' in details) await oauth(auth).approveAuthorization(id)   // the browser goes back to the app
 * else location.assign(details.redirect_url)                                         // consented before
 * ```
 * @module
 */
import type { AuthClient } from '../client/auth-client.js'
import type { ClientCore } from '../client/core.js'
import { coreOf } from '../client/core-key.js'
import { OAuthServerApi } from './oauth-server-api.js'

export { OAuthServerApi, type ConsentOptions } from './oauth-server-api.js'
export type { OAuthAuthorizationClient, OAuthAuthorizationDetails, OAuthGrant, OAuthRedirect } from '../api/oauth-server.js'

const apis = new WeakMap<ClientCore, OAuthServerApi>()

/**
 * The OAuth consent and grant calls of `auth`'s user: the same object for the same client.
 *
 * @example
 * ```ts
 * const grants = await oauth(auth).listGrants()
 * ```
 */
export function oauth(auth: AuthClient): OAuthServerApi {
  const core = coreOf(auth)
  let api = apis.get(core)
  if (api === undefined) {
    api = new OAuthServerApi(core)
    apis.set(core, api)
  }
  return api
}
