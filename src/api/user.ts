/**
 * The signed-in user's own record: `GET /user`, `PUT /user`, `GET /reauthenticate` (wire contract §4.9–4.11).
 * Every call needs the user's access token.
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions, User, UserAttributes } from '../types.js'
import { pkceBody, type PkceParams } from './pkce-params.js'
import { parseUser } from './session-response.js'
import { optionalObject, optionalString, requireString } from './validate.js'

/**
 * Reads the user behind an access token (fresh from the server, with identities and factors).
 * A revoked session rejects with `AuthSessionMissingError` (`session_not_found`).
 *
 * @example
 * ```ts
 * const user = await getUser(http, session.access_token)
 * ```
 */
export async function getUser(http: Http, jwt: string, options?: CallOptions): Promise<User> {
  const { data } = await http.request<unknown>('GET', 'user', { ...options, jwt: requireString(jwt, 'jwt') })
  return parseUser(data)
}

export interface UpdateUserParams extends PkceParams {
  /** Where the email-change confirmation link leads. */
  redirectTo?: string
}

/**
 * Updates email, phone, password or metadata. Email and phone changes stay pending (`new_email`,
 * `new_phone`) until confirmed. PKCE fields matter only when `email` changes.
 *
 * @example
 * ```ts
 * const user = await updateUser(http, jwt, { data: { theme: 'dark' } })
 * ```
 */
export async function updateUser(
  http: Http,
  jwt: string,
  attrs: UserAttributes,
  p: UpdateUserParams = {},
  options?: CallOptions,
): Promise<User> {
  const token = requireString(jwt, 'jwt')
  const body = { ...optionalObject(attrs, 'attributes'), ...pkceBody(p) }
  const { data } = await http.request<unknown>('PUT', 'user', {
    ...options,
    jwt: token,
    body,
    redirectTo: optionalString(p.redirectTo, 'redirectTo'),
  })
  return parseUser(data)
}

/**
 * Sends a nonce (email, else SMS) to pass as `nonce` in a later password update.
 *
 * @example
 * ```ts
 * await reauthenticate(http, jwt)
 * ```
 */
export async function reauthenticate(http: Http, jwt: string, options?: CallOptions): Promise<void> {
  await http.request<unknown>('GET', 'reauthenticate', { ...options, jwt: requireString(jwt, 'jwt') })
}
