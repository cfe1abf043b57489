/**
 * `POST /token` grants that return a session: password, refresh_token, pkce, and the checked bodies of
 * id_token and web3 (wire contract §4.3).
 * `grant_type` travels in the query string, which is the only place GoTrue reads it.
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { parseTokenResponse } from './session-response.js'
import type { IdTokenGrantBody } from './identities.js'
import type { Web3GrantBody } from './web3.js'
import { captchaMeta, contactField, requireContact, requireString } from './validate.js'

export interface PasswordGrantParams {
  email?: string
  phone?: string
  password: string
  captchaToken?: string
}

/**
 * Signs in with email or phone and password. The result may carry `weak_password` when the (correct)
 * password no longer meets the server's policy.
 *
 * @example
 * ```ts
 * const tokens = await signInWithPassword(http, { email: 'a@example.com', password })
 * ```
 */
export async function signInWithPassword(http: Http, p: PasswordGrantParams, options?: CallOptions): Promise<TokenResponse> {
  const contact = requireContact(p)
  const password = requireString(p.password, 'password')
  const body = {
    ...contactField(contact),
    password,
    gotrue_meta_security: captchaMeta(p.captchaToken),
  }
  const { data } = await http.request<unknown>('POST', 'token', { ...options, query: { grant_type: 'password' }, body })
  return parseTokenResponse(data)
}

/**
 * Rotates a refresh token. What a failure means for the session is decided in `machines/failures.ts`.
 *
 * @example
 * ```ts
 * const tokens = await refreshAccessToken(http, session.refresh_token, { timeout: 5_000 })
 * ```
 */
export async function refreshAccessToken(http: Http, refreshToken: string, options?: CallOptions): Promise<TokenResponse> {
  const refresh_token = requireString(refreshToken, 'refreshToken')
  const { data } = await http.request<unknown>('POST', 'token', {
    ...options,
    query: { grant_type: 'refresh_token' },
    body: { refresh_token },
  })
  return parseTokenResponse(data)
}

/**
 * Completes a PKCE flow (email link, OAuth, SSO) by trading the `code` for a session.
 *
 * @example
 * ```ts
 * const tokens = await exchangeCodeForSession(http, { authCode: code, codeVerifier: verifier })
 * ```
 */
export async function exchangeCodeForSession(
  http: Http,
  p: { authCode: string; codeVerifier: string },
  options?: CallOptions,
): Promise<TokenResponse> {
  const body = { auth_code: requireString(p.authCode, 'authCode'), code_verifier: requireString(p.codeVerifier, 'codeVerifier') }
  const { data } = await http.request<unknown>('POST', 'token', { ...options, query: { grant_type: 'pkce' }, body })
  return parseTokenResponse(data)
}

/** The grants whose body a companion entry builds and checks, by `grant_type`. */
export interface CheckedGrantBodies {
  id_token: IdTokenGrantBody
  web3: Web3GrantBody
}

/**
 * A grant whose body another module built and checked (the ID-token grant of `supabase-auth-machine/identities`,
 * the wallet grant of `supabase-auth-machine/web3`).
 *
 * @example
 * ```ts
 * const tokens = await tokenGrant(http, 'id_token', idTokenGrantBody(params, false))
 * ```
 */
export async function tokenGrant<G extends keyof CheckedGrantBodies>(
  http: Http,
  grantType: G,
  body: CheckedGrantBodies[G],
  options?: CallOptions & { jwt?: string },
): Promise<TokenResponse> {
  const { data } = await http.request<unknown>('POST', 'token', { ...options, query: { grant_type: grantType }, body })
  return parseTokenResponse(data)
}
