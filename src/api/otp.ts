/**
 * Endpoints that send a one-time code or link and return no session: `/otp`, `/resend`, `/recover`
 * (wire contract §4.4, §4.7, §4.8).
 * @module
 */
import type { Http } from '../http/client.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { pkceBody, type PkceParams } from './pkce-params.js'
import { captchaMeta, optionalObject, optionalString, phoneChannel, requireContact, requireOneOf, requireString } from './validate.js'

export interface SendOtpParams extends PkceParams {
  email?: string
  phone?: string
  /** Create the user if unknown (server default true). */
  shouldCreateUser?: boolean
  data?: Record<string, unknown>
  /** Phone only; defaults to `sms`. */
  channel?: 'sms' | 'whatsapp'
  captchaToken?: string
  /** Email only. */
  redirectTo?: string
}

export interface MessageResult {
  /** Only a test OTP yields one on real GoTrue (§2.7); `null` otherwise. */
  messageId: string | null
}

function messageResult(body: unknown): MessageResult {
  const id = isRecord(body) ? body['message_id'] : undefined
  return { messageId: typeof id === 'string' && id.length > 0 ? id : null }
}

/**
 * Sends a magic link / email OTP, or an SMS/WhatsApp OTP.
 *
 * @example
 * ```ts
 * await sendOtp(http, { email, redirectTo: 'https://app.example.com/welcome' })
 * ```
 */
export async function sendOtp(http: Http, p: SendOtpParams, options?: CallOptions): Promise<MessageResult> {
  const contact = requireContact(p)
  if (p.shouldCreateUser !== undefined && typeof p.shouldCreateUser !== 'boolean') {
    throw new AuthInvalidCredentialsError('shouldCreateUser must be a boolean')
  }
  const common = {
    data: optionalObject(p.data, 'data') ?? {},
    create_user: p.shouldCreateUser ?? true,
    gotrue_meta_security: captchaMeta(p.captchaToken),
  }
  const body =
    contact.kind === 'email'
      ? { email: contact.email, ...common, ...pkceBody(p) }
      : {
          phone: contact.phone,
          ...common,
          channel: phoneChannel(p.channel),
        }
  const redirectTo = contact.kind === 'email' ? optionalString(p.redirectTo, 'redirectTo') : undefined
  const { data } = await http.request<unknown>('POST', 'otp', { ...options, body, redirectTo })
  return messageResult(data)
}

export type ResendType = 'signup' | 'email_change' | 'sms' | 'phone_change'

export interface ResendParams extends PkceParams {
  type: ResendType
  email?: string
  phone?: string
  captchaToken?: string
  /** Email types only. */
  redirectTo?: string
}

/**
 * Re-sends a sign-up confirmation or a pending email/phone change code. `signup`/`email_change` need
 * `email`, `sms`/`phone_change` need `phone`.
 *
 * @example
 * ```ts
 * await resend(http, { type: 'signup', email })
 * ```
 */
export async function resend(http: Http, p: ResendParams, options?: CallOptions): Promise<MessageResult> {
  const type = requireOneOf(p.type, ['signup', 'email_change', 'sms', 'phone_change'] as const, 'type')
  const gotrue_meta_security = captchaMeta(p.captchaToken)
  const isEmailType = type === 'signup' || type === 'email_change'
  const body = isEmailType
    ? { email: requireString(p.email, 'email'), type, gotrue_meta_security, ...pkceBody(p) }
    : { phone: requireString(p.phone, 'phone'), type, gotrue_meta_security }
  const redirectTo = isEmailType ? optionalString(p.redirectTo, 'redirectTo') : undefined
  const { data } = await http.request<unknown>('POST', 'resend', { ...options, body, redirectTo })
  return messageResult(data)
}

export interface RecoverParams extends PkceParams {
  redirectTo?: string
  captchaToken?: string
}

/**
 * Sends a password-recovery email. Answers `{}` for unknown addresses too (no enumeration).
 *
 * @example
 * ```ts
 * await recover(http, email, { redirectTo: 'https://app.example.com/reset' })
 * ```
 */
export async function recover(
  http: Http,
  email: string,
  p: RecoverParams = {},
  options?: CallOptions,
): Promise<Record<string, never>> {
  const body = { email: requireString(email, 'email'), ...pkceBody(p), gotrue_meta_security: captchaMeta(p.captchaToken) }
  await http.request<unknown>('POST', 'recover', { ...options, body, redirectTo: optionalString(p.redirectTo, 'redirectTo') })
  return {}
}
