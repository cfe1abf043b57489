/**
 * `oauth(auth)`: the consent page's calls and the user's grants, each through the session gateway (a
 * fresh access token; an answer meaning the session is gone signs the client out). None changes the
 * client's own session: approving hands the app a code for a session of its own.
 * @module
 */
import {
  consentToAuthorization,
  getAuthorizationDetails,
  listOAuthGrants,
  requireAuthorizationId,
  revokeOAuthGrant,
  type ConsentAction,
  type OAuthAuthorizationDetails,
  type OAuthGrant,
  type OAuthRedirect,
} from '../api/oauth-server.js'
import { optionalObject, requireObject, requireUuid } from '../api/validate.js'
import type { ClientCore } from '../client/core.js'
import { withSession } from '../client/gateway.js'
import { navigateTo } from '../client/page-url.js'
import type { CallOptions } from '../types.js'

/** Options of approving and denying: auth-js's `skipBrowserRedirect`, and the usual signal and timeout. */
export interface ConsentOptions extends CallOptions {
  /** Keep the browser on the page and only return the `redirect_url`; default false (the browser goes back to the app). */
  skipBrowserRedirect?: boolean
}

/** `oauth(auth)`: the user's side of the OAuth 2.1 server (auth-js's `auth.oauth`). */
export class OAuthServerApi {
  readonly #core: ClientCore

  /** @internal Made by `oauth(auth)`, the way in. */
  constructor(core: ClientCore) {
    this.#core = core
  }

  /**
   * The request the consent page is about (binding it to this user), or, when the user already granted
   * every scope it asks for, the redirect back to the app with a code. Never navigates by itself.
   * @example
   * const details = await oauth(auth).getAuthorizationDetails(authorizationId)
   * if (!('authorization_id' in details)) location.assign(details.redirect_url)
   */
  async getAuthorizationDetails(authorizationId: string, options?: CallOptions): Promise<OAuthAuthorizationDetails | OAuthRedirect> {
    const id = requireAuthorizationId(authorizationId)
    return withSession(this.#core, (token) => getAuthorizationDetails(this.#core.io.transport, token, id, options))
  }

  /**
   * Approves: the app gets a code and the state it sent. In a browser the page goes to `redirect_url`
   * unless `skipBrowserRedirect`.
   * @example const { redirect_url } = await oauth(auth).approveAuthorization(authorizationId, { skipBrowserRedirect: true })
   */
  async approveAuthorization(authorizationId: string, options?: ConsentOptions): Promise<OAuthRedirect> {
    return this.#consent(authorizationId, 'approve', options)
  }

  /**
   * Denies: the app gets `error=access_denied`. In a browser the page goes to `redirect_url` unless
   * `skipBrowserRedirect`.
   * @example await oauth(auth).denyAuthorization(authorizationId)
   */
  async denyAuthorization(authorizationId: string, options?: ConsentOptions): Promise<OAuthRedirect> {
    return this.#consent(authorizationId, 'deny', options)
  }

  /**
   * The apps the user granted access to, most recent first.
   * @example const grants = await oauth(auth).listGrants()
   */
  async listGrants(options?: CallOptions): Promise<OAuthGrant[]> {
    return withSession(this.#core, (token) => listOAuthGrants(this.#core.io.transport, token, options))
  }

  /**
   * Revokes the grant of one app; the server also ends that app's sessions, so its refresh token stops
   * working. Resolves with `{}`, as auth-js's `data`.
   * @example await oauth(auth).revokeGrant({ clientId })
   */
  async revokeGrant(params: { clientId: string }, options?: CallOptions): Promise<Record<string, never>> {
    const clientId = requireUuid(requireObject(params, 'params')['clientId'], 'clientId')
    await withSession(this.#core, (token) => revokeOAuthGrant(this.#core.io.transport, token, clientId, options))
    return {}
  }

  async #consent(authorizationId: string, action: ConsentAction, options: ConsentOptions | undefined): Promise<OAuthRedirect> {
    // Checked before the session is even looked at, so bad input costs no request (not even a refresh).
    const id = requireAuthorizationId(authorizationId)
    const { skipBrowserRedirect, ...callOptions } = (optionalObject(options, 'options') ?? {}) as ConsentOptions
    const result = await withSession(this.#core, (token) => consentToAuthorization(this.#core.io.transport, token, id, action, callOptions))
    if (skipBrowserRedirect !== true) navigateTo(result.redirect_url)
    return result
  }
}
