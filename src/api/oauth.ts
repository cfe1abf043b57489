/**
 * Sign-in through an identity provider: the `/authorize` URL the browser is sent to (wire contract §4.13),
 * and the calls that answer such a URL (`POST /sso`, `GET /user/identities/authorize`). The redirect back
 * and the code exchange are `token.ts`'s `exchangeCodeForSession`.
 * @module
 */
import type { Http } from '../http/client.js'
import { AuthInvalidTokenResponseError } from '../errors.js'
import type { CallOptions } from '../types.js'
import { pkceBody, type PkceParams } from './pkce-params.js'
import { optionalObject, optionalString, requireString } from './validate.js'

export interface AuthorizeParams extends PkceParams {
  /** A built-in provider (`google`, `github`, …) or `custom:<id>`. */
  provider: string
  redirectTo?: string
  /** Space-separated scopes, added to the provider's defaults. */
  scopes?: string
  /** Extra query parameters forwarded to the provider (`access_type`, `prompt`, …). */
  queryParams?: Record<string, string>
}

/**
 * The `/authorize` URL that starts an OAuth sign-in: the browser goes there, the server sends it on to the
 * provider. Built, not fetched.
 *
 * @example
 * ```ts
 * location.assign(authorizeUrl(http.url, { provider: 'github', redirectTo: location.origin }))
 * ```
 */
export function authorizeUrl(baseUrl: string, p: AuthorizeParams): string {
  return `${baseUrl}/authorize?${authorizeQuery(p)}`
}

/** The query of `/authorize` (and of `/user/identities/authorize`, which takes the same). */
export function authorizeQuery(p: AuthorizeParams): URLSearchParams {
  const query = new URLSearchParams({ provider: requireString(p.provider, 'provider') })
  const redirectTo = optionalString(p.redirectTo, 'redirectTo')
  if (redirectTo !== undefined) query.set('redirect_to', redirectTo)
  const scopes = optionalString(p.scopes, 'scopes')
  if (scopes) query.set('scopes', scopes)
  for (const [key, value] of Object.entries(pkceBody(p))) query.set(key, value)
  for (const [key, value] of Object.entries(optionalObject(p.queryParams, 'queryParams') ?? {})) query.append(key, String(value))
  return query
}

/** A provider URL the server answers (`{ url }`), as `POST /sso` and `GET /user/identities/authorize` do. */
export function urlOf(body: unknown): { url: string } {
  const url = body !== null && typeof body === 'object' && 'url' in body ? body.url : undefined
  if (typeof url !== 'string') throw new AuthInvalidTokenResponseError('The server answered without a url')
  return { url }
}

/** The body of `POST /sso`, checked; PKCE fields are added by whoever starts the flow. */
export type SsoRequestBody = ({ provider_id: string } | { domain: string }) & {
  redirect_to?: string
  skip_http_redirect: true
  gotrue_meta_security: { captcha_token?: string }
}

/**
 * Asks for the URL of a SAML identity provider's sign-in (`skip_http_redirect`: the answer is JSON).
 *
 * @example
 * ```ts
 * const { url } = await ssoUrl(http, body, { codeChallenge, codeChallengeMethod: 's256' })
 * ```
 */
export async function ssoUrl(http: Http, body: SsoRequestBody, pkce: PkceParams, options?: CallOptions): Promise<{ url: string }> {
  const { data } = await http.request<unknown>('POST', 'sso', { ...options, body: { ...body, ...pkceBody(pkce) } })
  return urlOf(data)
}
