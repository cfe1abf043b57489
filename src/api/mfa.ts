/**
 * Multi-factor endpoints under `/factors` (wire contract §2.5, §4.16). Every call needs the user's access
 * token; anonymous users are refused by the server.
 * @module
 */
import type { Http } from '../http/client.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { malformedResponse, parseTokenResponse } from './session-response.js'
import { optionalString, pathSegment, PHONE_CHANNELS, requireObject, requireOneOf, requireString, requireUuid } from './validate.js'
import type { FactorChallengeWebAuthn, FactorVerifyWebAuthn, RelyingParty } from './webauthn-wire.js'

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

export interface WebAuthnEnrollResponse {
  id: string
  type: 'webauthn'
  friendly_name: string
}

export type EnrollResponse = TotpEnrollResponse | PhoneEnrollResponse | WebAuthnEnrollResponse

export type EnrollParams =
  | { factorType: 'totp'; friendlyName?: string; issuer?: string }
  | { factorType: 'phone'; friendlyName?: string; phone: string }
  | { factorType: 'webauthn'; friendlyName?: string }

export interface ChallengeResponse {
  /** The challenge id to pass to `auth.mfa.verify`. */
  id: string
  type: string
  /** Unix seconds. */
  expires_at: number
  /** WebAuthn factors: the options of the browser ceremony that answers this challenge. */
  webauthn?: FactorChallengeWebAuthn
}

/** A challenge request: the channel of a phone factor's code, or the relying party of a WebAuthn factor. */
export interface ChallengeParams {
  factorId: string
  channel?: 'sms' | 'whatsapp'
  webauthn?: RelyingParty
}

/** What answers a challenge: the code (TOTP, phone), or the WebAuthn ceremony's result. */
export type MfaProof = { code: string } | { webauthn: FactorVerifyWebAuthn }

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
  const factorType = requireOneOf(p.factorType, ['totp', 'phone', 'webauthn'] as const, 'factorType')
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
  if (data['type'] === 'webauthn') return { id: data['id'], type: 'webauthn', friendly_name: friendlyName }
  throw malformedResponse('Enroll')
}

function relyingParty(rp: RelyingParty): RelyingParty {
  // An object first: `webauthn: null` is a caller's mistake to refuse, not a property to read.
  const rpOrigins = requireObject(rp, 'webauthn')['rpOrigins']
  if (rpOrigins !== undefined && (!Array.isArray(rpOrigins) || !rpOrigins.every((origin) => str(origin) && origin.length > 0))) {
    throw new AuthInvalidCredentialsError('webauthn.rpOrigins must be an array of origins')
  }
  return { rpId: requireString(rp.rpId, 'webauthn.rpId'), ...(rpOrigins === undefined ? {} : { rpOrigins }) }
}

function challengeBody(p: ChallengeParams): Record<string, unknown> {
  if (p.webauthn !== undefined) return { webauthn: relyingParty(p.webauthn) }
  return p.channel === undefined ? {} : { channel: requireOneOf(p.channel, PHONE_CHANNELS, 'channel') }
}

/** The ceremony options of a WebAuthn challenge, checked as far as the browser call needs them. */
function challengeWebAuthn(value: unknown): FactorChallengeWebAuthn {
  const options = isRecord(value) && isRecord(value['credential_options']) ? value['credential_options']['publicKey'] : undefined
  if (!isRecord(options) || !str(options['challenge']) || (value as Record<string, unknown>)['type'] === undefined) {
    throw malformedResponse('Challenge')
  }
  const type = (value as Record<string, unknown>)['type']
  if (type === 'create' && isRecord(options['rp']) && isRecord(options['user'])) return value as FactorChallengeWebAuthn
  if (type === 'request') return value as FactorChallengeWebAuthn
  throw malformedResponse('Challenge')
}

/**
 * Starts a challenge (sends the SMS for phone factors; WebAuthn factors get the ceremony's options). The
 * body is always JSON, because GoTrue rejects an empty body on phone challenges.
 *
 * @example
 * ```ts
 * const { id: challengeId } = await challengeFactor(http, jwt, { factorId })
 * const { webauthn } = await challengeFactor(http, jwt, { factorId, webauthn: { rpId: 'example.com' } })
 * ```
 */
export async function challengeFactor(http: Http, jwt: string, p: ChallengeParams, options?: CallOptions): Promise<ChallengeResponse> {
  const token = requireString(jwt, 'jwt')
  const factorId = requireUuid(p.factorId, 'factorId')
  const body = challengeBody(p)
  const { data } = await http.request<unknown>('POST', `factors/${pathSegment(factorId)}/challenge`, { ...options, jwt: token, body })
  if (!isRecord(data) || !str(data['id']) || !str(data['type']) || typeof data['expires_at'] !== 'number') {
    throw malformedResponse('Challenge')
  }
  const challenge: ChallengeResponse = { id: data['id'], type: data['type'], expires_at: data['expires_at'] }
  if (data['type'] === 'webauthn') challenge.webauthn = challengeWebAuthn(data['webauthn'])
  return challenge
}

/**
 * A code or WebAuthn proof checked before it is sent (the credential itself is the server's to judge). Done
 * when the verify operation is made, so the chart's actor sends what it is given.
 *
 * @example
 * const proof = checkedProof({ code: '123456' })
 */
export function checkedProof(proof: MfaProof): MfaProof {
  if (!('webauthn' in proof)) return { code: requireString(proof.code, 'code') }
  const webauthn = proof.webauthn
  if (!isRecord(webauthn)) throw new AuthInvalidCredentialsError('webauthn must be an object')
  const type = requireOneOf(webauthn.type, ['create', 'request'] as const, 'webauthn.type')
  const response: unknown = webauthn.credential_response
  if (!isRecord(response) || !str(response['id']) || !isRecord(response['response'])) {
    throw new AuthInvalidCredentialsError('webauthn.credential_response must be a serialized credential')
  }
  return { webauthn: { ...webauthn, ...relyingParty(webauthn), type } as FactorVerifyWebAuthn }
}

/**
 * Verifies a challenge with a code or a WebAuthn credential. Success is a new session at `aal2` for the same
 * session id.
 *
 * @example
 * ```ts
 * const tokens = await verifyFactor(http, jwt, { factorId, challengeId, proof: checkedProof({ code: '123456' }) })
 * ```
 */
export async function verifyFactor(
  http: Http,
  jwt: string,
  p: { factorId: string; challengeId: string; proof: MfaProof },
  options?: CallOptions,
): Promise<TokenResponse> {
  const token = requireString(jwt, 'jwt')
  const factorId = requireUuid(p.factorId, 'factorId')
  // The proof was checked when the operation was made (`checkedProof`).
  const body = { challenge_id: requireUuid(p.challengeId, 'challengeId'), ...p.proof }
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
