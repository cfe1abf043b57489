/**
 * The identity calls few apps make, kept out of the main entry (they serve `supabase-auth-machine/identities`):
 * the SAML SSO request body (wire contract §4.15), linking another provider's identity and unlinking one
 * (§4.17), and the body of the ID-token grant (§4.3).
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions } from '../types.js'
import { authorizeQuery, urlOf, type AuthorizeParams, type SsoRequestBody } from './oauth.js'
import { captchaMeta, optionalString, pathSegment, requirePathText, requireString, requireUuid } from './validate.js'

export type SsoParams = { redirectTo?: string; captchaToken?: string } & ({ providerId: string } | { domain: string })

/**
 * The checked body of `POST /sso`: by the identity provider's id, or by the user's email domain.
 *
 * @example
 * ```ts
 * const body = ssoRequestBody({ domain: 'acme.com', redirectTo: location.origin })
 * ```
 */
export function ssoRequestBody(p: SsoParams): SsoRequestBody {
  const target = 'providerId' in p ? { provider_id: requireUuid(p.providerId, 'providerId') } : { domain: requireString(p.domain, 'domain') }
  return { ...target, redirect_to: optionalString(p.redirectTo, 'redirectTo'), skip_http_redirect: true, gotrue_meta_security: captchaMeta(p.captchaToken) }
}

/**
 * Asks for the provider URL that links another identity to the signed-in user (manual linking must be on).
 *
 * @example
 * ```ts
 * const { url } = await linkIdentityUrl(http, session.access_token, { provider: 'github' })
 * ```
 */
export async function linkIdentityUrl(http: Http, accessToken: string, p: AuthorizeParams, options?: CallOptions): Promise<{ url: string }> {
  const query: Record<string, string> = { skip_http_redirect: 'true' }
  for (const [key, value] of authorizeQuery(p)) query[key] = value
  const { data } = await http.request<unknown>('GET', 'user/identities/authorize', { ...options, jwt: accessToken, query })
  return urlOf(data)
}

/**
 * Removes one of the user's identities (`identity_id`, not the row `id`); the last one cannot go.
 *
 * @example
 * ```ts
 * await unlinkIdentity(http, session.access_token, identity.identity_id)
 * ```
 */
export async function unlinkIdentity(http: Http, accessToken: string, identityId: string, options?: CallOptions): Promise<void> {
  const id = requirePathText(identityId, 'identity_id')
  await http.request<unknown>('DELETE', `user/identities/${pathSegment(id)}`, { ...options, jwt: accessToken })
}

export interface IdTokenGrantParams {
  /** `google`, `apple`, `azure`, `facebook`, `kakao`, `keycloak`, … or `custom:<id>`. */
  provider: string
  /** The OIDC ID token the provider issued. */
  token: string
  /** The provider's access token, when the ID token carries an `at_hash` for it. */
  accessToken?: string
  /** The raw nonce whose SHA-256 (hex) the ID token's `nonce` claim holds. */
  nonce?: string
  captchaToken?: string
}

/** The checked body of `POST /token?grant_type=id_token`. */
export interface IdTokenGrantBody {
  provider: string
  id_token: string
  access_token?: string
  nonce?: string
  gotrue_meta_security: { captcha_token?: string }
  /** Link to the user whose access token authorizes the request, instead of signing in. */
  link_identity?: true
}

/**
 * @example
 * ```ts
 * const body = idTokenGrantBody({ provider: 'google', token: credential }, false)
 * ```
 */
export function idTokenGrantBody(p: IdTokenGrantParams, link: boolean): IdTokenGrantBody {
  return {
    provider: requireString(p.provider, 'provider'),
    id_token: requireString(p.token, 'token'),
    access_token: optionalString(p.accessToken, 'accessToken'),
    nonce: optionalString(p.nonce, 'nonce'),
    gotrue_meta_security: captchaMeta(p.captchaToken),
    ...(link ? { link_identity: true as const } : {}),
  }
}
