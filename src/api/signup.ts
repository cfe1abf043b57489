/**
 * `POST /signup`: email/phone sign-up and anonymous sign-in (wire contract §4.2, §8.1).
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { pkceBody, type PkceParams } from './pkce-params.js'
import { parseSessionOrUser, type SessionOrUser } from './session-response.js'
import { requestSession, type SessionRequest } from './token.js'
import { captchaMeta, optionalObject, optionalString, phoneChannel, requireContact, requireString } from './validate.js'

export interface SignUpParams extends PkceParams {
  email?: string
  phone?: string
  password: string
  data?: Record<string, unknown>
  /** Phone only; defaults to `sms`. */
  channel?: 'sms' | 'whatsapp'
  captchaToken?: string
  /** Email only: where the confirmation link leads. */
  redirectTo?: string
}

export type SignUpResult = SessionOrUser

export interface AnonymousSignInParams {
  data?: Record<string, unknown>
  captchaToken?: string
}

/**
 * Creates a user. With autoconfirm on the server answers a session; otherwise the unconfirmed user and a
 * confirmation email/SMS is sent. PKCE fields and `redirectTo` apply to email sign-ups only, as in auth-js.
 *
 * @example
 * ```ts
 * const r = await signUp(http, { email, password, data: { plan: 'free' } })
 * if (r.kind === 'user') showCheckYourInbox(r.user.email)
 * ```
 */
export async function signUp(http: Http, p: SignUpParams, options?: CallOptions): Promise<SignUpResult> {
  const contact = requireContact(p)
  const password = requireString(p.password, 'password')
  const data = optionalObject(p.data, 'data') ?? {}
  const gotrue_meta_security = captchaMeta(p.captchaToken)
  const body =
    contact.kind === 'email'
      ? { email: contact.email, password, data, gotrue_meta_security, ...pkceBody(p) }
      : {
          phone: contact.phone,
          password,
          data,
          channel: phoneChannel(p.channel),
          gotrue_meta_security,
        }
  const redirectTo = contact.kind === 'email' ? optionalString(p.redirectTo, 'redirectTo') : undefined
  const { data: res } = await http.request<unknown>('POST', 'signup', { ...options, body, redirectTo })
  return parseSessionOrUser(res)
}

/**
 * The request that starts an anonymous session (`is_anonymous: true`). The body always has `data`: an empty
 * body would be rejected by GoTrue as `bad_json`.
 *
 * @example
 * ```ts
 * const tokens = await requestSession(http, anonymousSignInRequest({ data: { cart: 'abc' } }))
 * ```
 */
export function anonymousSignInRequest(p: AnonymousSignInParams = {}): SessionRequest {
  return { path: 'signup', body: { data: optionalObject(p.data, 'data') ?? {}, gotrue_meta_security: captchaMeta(p.captchaToken) } }
}

/** Starts an anonymous session. @example const tokens = await signInAnonymously(http, { data: { cart: 'abc' } }) */
export async function signInAnonymously(http: Http, p: AnonymousSignInParams = {}, options?: CallOptions): Promise<TokenResponse> {
  return requestSession(http, anonymousSignInRequest(p), options)
}
