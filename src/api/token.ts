/**
 * Requests that return a session: the `POST /token` grants password, refresh_token and pkce, and the one
 * that posts any request a companion entry built and checked (wire contract §4.3).
 * `grant_type` travels in the query string, which is the only place GoTrue reads it.
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { parseTokenResponse } from './session-response.js'
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
  return requestSession(http, grantRequest('password', body), options)
}

/** The request of a refresh-token grant: the refresh token traded for a new session. */
export function refreshRequest(refreshToken: string): SessionRequest {
  return grantRequest('refresh_token', { refresh_token: requireString(refreshToken, 'refreshToken') })
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
  return requestSession(http, refreshRequest(refreshToken), options)
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
  return requestSession(http, grantRequest('pkce', body), options)
}

/**
 * A request the server answers with a session: the endpoint and the body, already checked. Companion
 * entries build theirs (an ID token, a wallet's signature, a passkey's answer, an anonymous sign-up) and
 * the client's sign-in posts it as given.
 */
export interface SessionRequest {
  /** Below the auth URL: `token`, `signup`, `passkeys/authentication/verify`. */
  path: string
  /** `grant_type` for `token`: GoTrue reads it from the query string only. */
  query?: Record<string, string>
  body: object
}

/** The `POST /token` request of a grant type. @example grantRequest('id_token', idTokenGrantBody(params, false)) */
export function grantRequest(grantType: string, body: object): SessionRequest {
  return { path: 'token', query: { grant_type: grantType }, body }
}

/**
 * Posts a request whose answer is a session; `jwt` sends a user's token with it (linking an identity).
 *
 * @example
 * ```ts
 * const tokens = await requestSession(http, grantRequest('web3', web3GrantBody(signed)))
 * ```
 */
export async function requestSession(http: Http, request: SessionRequest, options?: CallOptions & { jwt?: string }): Promise<TokenResponse> {
  const { data } = await http.request<unknown>('POST', request.path, { ...options, query: request.query, body: request.body })
  return parseTokenResponse(data)
}
