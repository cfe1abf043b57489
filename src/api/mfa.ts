/**
 * Multi-factor endpoints under `/factors` (wire contract §2.5, §4.16). Every call needs the user's access
 * token; anonymous users are refused by the server.
 * @module
 */
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { malformedResponse, parseTokenResponse } from './session-response.js'
import { optionalString, pathSegment, PHONE_CHANNELS, requireOneOf, requireString, requireUuid } from './validate.js'

/** auth-js hands out the QR code as a data URI; GoTrue sends raw SVG markup. */
const QR_CODE_PREFIX = 'data:image/svg+xml;utf-8,'

export interface TotpEnrollResponse {
  id: string
  type: 'totp'
  friendly_name: string
  totp: { qr_code: string; secret: string; uri: string }
}

export interface PhoneEnrollResponse {
  id: string
  type: 'phone'
  friendly_name: string
  phone: string
}

export type EnrollResponse = TotpEnrollResponse | PhoneEnrollResponse

export type EnrollParams =
  | { factorType: 'totp'; friendlyName?: string; issuer?: string }
  | { factorType: 'phone'; friendlyName?: string; phone: string }

export interface ChallengeResponse {
  /** The challenge id to pass to `auth.mfa.verify`. */
  id: string
  type: string
  /** Unix seconds. */
  expires_at: number
}

export interface UnenrollResponse {
  id: string
}

function str(value: unknown): value is string {
  return typeof value === 'string'
}

/**
 * Creates an unverified factor. Complete it with {@link challengeFactor} + {@link verifyFactor}.
 *
 * @example
 * ```ts
 * const f = await enrollFactor(http, jwt, { factorType: 'totp', friendlyName: 'Phone app' })
 * if (f.type === 'totp') showQr(f.totp.qr_code)   // a data: URI, ready for <img src>
 * const p = await enrollFactor(http, jwt, { factorType: 'phone', phone: '+15550100' })   // { id, type: 'phone', friendly_name, phone }
 * ```
 */
export async function enrollFactor(http: Http, jwt: string, p: EnrollParams, options?: CallOptions): Promise<EnrollResponse> {
  const token = requireString(jwt, 'jwt')
  const factorType = requireOneOf(p.factorType, ['totp', 'phone'] as const, 'factorType')
  const friendly_name = optionalString(p.friendlyName, 'friendlyName')
  const body =
    p.factorType === 'phone'
      ? { factor_type: factorType, friendly_name, phone: requireString(p.phone, 'phone') }
      : { factor_type: factorType, friendly_name, issuer: optionalString(p.factorType === 'totp' ? p.issuer : undefined, 'issuer') }
  const { data } = await http.request<unknown>('POST', 'factors', { ...options, jwt: token, body })

  if (!isRecord(data) || !str(data['id']) || data['id'].length === 0) throw malformedResponse('Enroll')
  const friendlyName = str(data['friendly_name']) ? data['friendly_name'] : ''
  if (data['type'] === 'totp') {
    const totp = data['totp']
    if (!isRecord(totp) || !str(totp['qr_code']) || !str(totp['secret']) || !str(totp['uri'])) throw malformedResponse('Enroll')
    const qr = totp['qr_code'].startsWith('data:') ? totp['qr_code'] : `${QR_CODE_PREFIX}${totp['qr_code']}`
    return { id: data['id'], type: 'totp', friendly_name: friendlyName, totp: { qr_code: qr, secret: totp['secret'], uri: totp['uri'] } }
  }
  if (data['type'] === 'phone' && str(data['phone'])) {
    return { id: data['id'], type: 'phone', friendly_name: friendlyName, phone: data['phone'] }
  }
  throw malformedResponse('Enroll')
}

/**
 * Starts a challenge (sends the SMS for phone factors). The body is always JSON, because GoTrue rejects an
 * empty body on phone challenges.
 *
 * @example
 * ```ts
 * const { id: challengeId } = await challengeFactor(http, jwt, { factorId })
 * ```
 */
export async function challengeFactor(
  http: Http,
  jwt: string,
  p: { factorId: string; channel?: 'sms' | 'whatsapp' },
  options?: CallOptions,
): Promise<ChallengeResponse> {
  const token = requireString(jwt, 'jwt')
  const factorId = requireUuid(p.factorId, 'factorId')
  const body = p.channel === undefined ? {} : { channel: requireOneOf(p.channel, PHONE_CHANNELS, 'channel') }
  const { data } = await http.request<unknown>('POST', `factors/${pathSegment(factorId)}/challenge`, { ...options, jwt: token, body })
  if (!isRecord(data) || !str(data['id']) || !str(data['type']) || typeof data['expires_at'] !== 'number') {
    throw malformedResponse('Challenge')
  }
  return { id: data['id'], type: data['type'], expires_at: data['expires_at'] }
}

/**
 * Verifies a challenge. Success is a new session at `aal2` for the same session id.
 *
 * @example
 * ```ts
 * const tokens = await verifyFactor(http, jwt, { factorId, challengeId, code: '123456' })
 * ```
 */
export async function verifyFactor(
  http: Http,
  jwt: string,
  p: { factorId: string; challengeId: string; code: string },
  options?: CallOptions,
): Promise<TokenResponse> {
  const token = requireString(jwt, 'jwt')
  const factorId = requireUuid(p.factorId, 'factorId')
  const body = { challenge_id: requireUuid(p.challengeId, 'challengeId'), code: requireString(p.code, 'code') }
  const { data } = await http.request<unknown>('POST', `factors/${pathSegment(factorId)}/verify`, { ...options, jwt: token, body })
  return parseTokenResponse(data)
}

/**
 * Deletes a factor. A verified factor needs an `aal2` session.
 *
 * @example
 * ```ts
 * await unenrollFactor(http, jwt, { factorId })
 * ```
 */
export async function unenrollFactor(
  http: Http,
  jwt: string,
  p: { factorId: string },
  options?: CallOptions,
): Promise<UnenrollResponse> {
  const token = requireString(jwt, 'jwt')
  const factorId = requireUuid(p.factorId, 'factorId')
  const { data } = await http.request<unknown>('DELETE', `factors/${pathSegment(factorId)}`, { ...options, jwt: token })
  if (!isRecord(data) || !str(data['id'])) throw malformedResponse('Unenroll')
  return { id: data['id'] }
}
