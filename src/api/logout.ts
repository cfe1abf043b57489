/**
 * `POST /logout` (wire contract §4.12).
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions, SignOutScope } from '../types.js'
import { requireOneOf, requireString } from './validate.js'

export const SIGN_OUT_SCOPES: readonly SignOutScope[] = ['global', 'local', 'others']

/**
 * Ends sessions on the server. Rejects as the server answers: a session already gone is
 * `AuthSessionMissingError` (`session_not_found`, 403). Treating 401/403/404 as "already signed out" is the
 * caller's policy, not this layer's.
 *
 * @example
 * ```ts
 * await logout(http, session.access_token, 'local')
 * ```
 */
export async function logout(http: Http, jwt: string, scope: SignOutScope, options?: CallOptions): Promise<void> {
  const checkedScope = requireOneOf(scope, SIGN_OUT_SCOPES, 'scope')
  await http.request<unknown>('POST', 'logout', { ...options, jwt: requireString(jwt, 'jwt'), query: { scope: checkedScope } })
}
