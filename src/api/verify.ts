/**
 * `POST /verify`: trades an emailed/SMS code or a token hash for a session (wire contract §4.6).
 * @module
 */
import type { Http } from '../http/client.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { CallOptions, EmailOtpType, MobileOtpType } from '../types.js'
import { parseSessionOrUser, type SessionOrUser } from './session-response.js'
import { captchaMeta, contactField, optionalString, requireContact, requireOneOf, requireString } from './validate.js'

const OTP_TYPES = ['signup', 'invite', 'magiclink', 'recovery', 'email_change', 'email', 'sms', 'phone_change'] as const

export interface VerifyOtpRequest {
  type: EmailOtpType | MobileOtpType
  /** The code, together with `email` or `phone`. */
  token?: string
  /** The hash from an email link, alone (no email/phone/redirectTo). */
  token_hash?: string
  email?: string
  phone?: string
  redirectTo?: string
  captchaToken?: string
}

export type VerifyResult =
  | SessionOrUser
  /** First leg of a secure email change: the other address must confirm too. */
  | { kind: 'pending'; message: string }

/**
 * Verifies an OTP or token hash.
 *
 * @example
 * ```ts
 * const r = await verifyOtp(http, { type: 'email', email, token: '123456' })
 * if (r.kind === 'session') save(r.response)
 * ```
 */
export async function verifyOtp(http: Http, p: VerifyOtpRequest, options?: CallOptions): Promise<VerifyResult> {
  const type = requireOneOf(p.type, OTP_TYPES, 'type')
  const hasToken = p.token !== undefined
  const hasHash = p.token_hash !== undefined
  if (hasToken === hasHash) throw new AuthInvalidCredentialsError('Provide either token or token_hash')

  let body: Record<string, unknown>
  let redirectTo: string | undefined
  if (hasHash) {
    if (p.email !== undefined || p.phone !== undefined || p.redirectTo !== undefined) {
      throw new AuthInvalidCredentialsError('token_hash must be sent alone (no email, phone or redirectTo)')
    }
    body = { type, token_hash: requireString(p.token_hash, 'token_hash') }
  } else {
    const contact = requireContact(p)
    body = { type, token: requireString(p.token, 'token'), ...contactField(contact) }
    redirectTo = optionalString(p.redirectTo, 'redirectTo')
  }
  body['gotrue_meta_security'] = captchaMeta(p.captchaToken)

  const { data } = await http.request<unknown>('POST', 'verify', { ...options, body, redirectTo })
  return parseVerifyResponse(data)
}

function parseVerifyResponse(body: unknown): VerifyResult {
  if (isRecord(body) && !('access_token' in body) && !('id' in body) && !isRecord(body['user'])) {
    const message = body['msg'] ?? body['message']
    if (typeof message === 'string') return { kind: 'pending', message }
    throw new AuthInvalidTokenResponseError('Verify response has neither a session nor a user', 500)
  }
  return parseSessionOrUser(body)
}
