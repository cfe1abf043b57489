/**
 * Options for Supabase Auth as an OAuth 2.1 authorization server (third-party apps sign their users in
 * through it), named after GoTrue's `OAUTH_SERVER_*` settings. Off by default, as on GoTrue.
 * @module
 */

export interface OAuthServerOptions {
  /**
   * The OAuth 2.1 server, GoTrue `OAUTH_SERVER_ENABLED`; default false. Off, every `/oauth/*`,
   * `/user/oauth/grants` and `/admin/oauth/*` route answers `404 feature_disabled` "OAuth server is disabled".
   *
   * @example
   * const server = await startAuthServer({ oauthServer: true, siteUrl: 'http://localhost:5173' })
   */
  oauthServer?: boolean
  /**
   * The app's consent page, a path on the site URL, GoTrue `OAUTH_SERVER_AUTHORIZATION_PATH`: where
   * `/oauth/authorize` sends the user with `?authorization_id=`. Default `'/oauth/consent'` (the Supabase
   * CLI's); `''` plays a server without one, whose `/oauth/authorize` redirects back with `server_error`.
   */
  oauthServerAuthorizationPath?: string
  /**
   * `POST /oauth/clients/register` (dynamic client registration), GoTrue
   * `OAUTH_SERVER_ALLOW_DYNAMIC_REGISTRATION`; default false (then `403 oauth_dynamic_client_registration_disabled`).
   */
  oauthServerAllowDynamicRegistration?: boolean
  /** The scope of an authorization request that names none, GoTrue `OAUTH_SERVER_DEFAULT_SCOPE`; default `'email'`. */
  oauthServerDefaultScope?: string
  /**
   * Seconds an authorization request (and the code it yields) stays usable, GoTrue
   * `OAUTH_SERVER_AUTHORIZATION_TTL`; default 600.
   */
  oauthServerAuthorizationTtl?: number
}

export interface OAuthServerConfig {
  oauthServer: boolean
  oauthServerAuthorizationPath: string
  oauthServerAllowDynamicRegistration: boolean
  oauthServerDefaultScope: string
  oauthServerAuthorizationTtl: number
}

/**
 * Fills the OAuth server options with their defaults.
 *
 * @example
 * resolveOAuthServerOptions({ oauthServer: true }).oauthServerDefaultScope   // 'email'
 */
export function resolveOAuthServerOptions(o: OAuthServerOptions): OAuthServerConfig {
  return {
    oauthServer: o.oauthServer ?? false,
    oauthServerAuthorizationPath: o.oauthServerAuthorizationPath ?? '/oauth/consent',
    oauthServerAllowDynamicRegistration: o.oauthServerAllowDynamicRegistration ?? false,
    oauthServerDefaultScope: o.oauthServerDefaultScope ?? 'email',
    oauthServerAuthorizationTtl: o.oauthServerAuthorizationTtl ?? 600,
  }
}
