/**
 * Public server information: `GET /settings`, `GET /health` (wire contract §4.1, §2.7).
 * @module
 */
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions } from '../types.js'
import { malformedResponse } from './session-response.js'

export interface Settings {
  /** Which sign-in providers are enabled (`email`, `phone`, `anonymous_users`, `google`, ...). */
  external: Record<string, boolean>
  disable_signup: boolean
  mailer_autoconfirm: boolean
  phone_autoconfirm: boolean
  sms_provider: string
  saml_enabled: boolean
  [key: string]: unknown
}

export interface Health {
  version: string
  name: string
  description: string
  [key: string]: unknown
}

/**
 * @example
 * ```ts
 * const { external } = await getSettings(http)
 * if (external['anonymous_users']) offerGuestMode()
 * ```
 */
export async function getSettings(http: Http, options?: CallOptions): Promise<Settings> {
  const { data } = await http.request<unknown>('GET', 'settings', options)
  if (!isRecord(data) || !isRecord(data['external'])) throw malformedResponse('Settings')
  return data as Settings
}

/**
 * @example
 * ```ts
 * const { version } = await getHealth(http, { timeout: 1_000 })
 * ```
 */
export async function getHealth(http: Http, options?: CallOptions): Promise<Health> {
  const { data } = await http.request<unknown>('GET', 'health', options)
  if (!isRecord(data)) throw malformedResponse('Health')
  return data as Health
}
