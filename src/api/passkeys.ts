/**
 * Passkey endpoints (`/passkeys/*`; GoTrue answers `404 passkey_disabled` unless `GOTRUE_PASSKEY_ENABLED`):
 * registering a passkey for the signed-in user, signing in with one (no session needed), and listing,
 * renaming and deleting them. The browser ceremonies in between are `src/webauthn`'s.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'
import type { Http } from '../http/client.js'
import { isRecord } from '../http/json.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { malformedResponse } from './session-response.js'
import { requestSession, type SessionRequest } from './token.js'
import { captchaMeta, pathSegment, requireString, requireUuid } from './validate.js'
import type { AuthenticationResponseJSON, CreationOptionsJSON, RegistrationResponseJSON, RequestOptionsJSON } from './webauthn-wire.js'

/** A passkey of the user, as listed (auth-js `PasskeyListItem`). */
export interface Passkey {
  id: string
  friendly_name?: string
  created_at: string
  last_used_at?: string
}

/** A ceremony's options from the server, and the challenge they belong to. */
export interface PasskeyChallenge<Options> {
  challenge_id: string
  options: Options
  /** Unix seconds. */
  expires_at: number
}

/** GoTrue caps a passkey's name at 120 characters (code points, not UTF-16 units). */
const MAX_NAME_LENGTH = 120

function parseChallenge<Options>(data: unknown, what: string): PasskeyChallenge<Options> {
  if (!isRecord(data) || typeof data['challenge_id'] !== 'string' || !isRecord(data['options']) || typeof data['options']['challenge'] !== 'string') {
    throw malformedResponse(what)
  }
  const expiresAt = typeof data['expires_at'] === 'number' ? data['expires_at'] : 0
  return { challenge_id: data['challenge_id'], options: data['options'] as Options, expires_at: expiresAt }
}

/**
 * A passkey as the server lists it; absent optional fields stay absent.
 *
 * @example
 * const passkey = parsePasskey({ id, created_at: '2026-12-01T10:00:00Z' })
 */
export function parsePasskey(data: unknown): Passkey {
  if (!isRecord(data) || typeof data['id'] !== 'string' || typeof data['created_at'] !== 'string') throw malformedResponse('Passkey')
  const passkey: Passkey = { id: data['id'], created_at: data['created_at'] }
  if (typeof data['friendly_name'] === 'string') passkey.friendly_name = data['friendly_name']
  if (typeof data['last_used_at'] === 'string') passkey.last_used_at = data['last_used_at']
  return passkey
}

/**
 * A list of passkeys (the user's own, or any user's through the admin API).
 *
 * @example
 * const passkeys = parsePasskeys(data)
 */
export function parsePasskeys(data: unknown): Passkey[] {
  if (!Array.isArray(data)) throw malformedResponse('Passkey list')
  return data.map(parsePasskey)
}

/**
 * Registration options for a new passkey of the signed-in user.
 *
 * @example
 * const { challenge_id, options } = await startPasskeyRegistration(http, jwt)
 */
export async function startPasskeyRegistration(http: Http, jwt: string, options?: CallOptions): Promise<PasskeyChallenge<CreationOptionsJSON>> {
  const { data } = await http.request<unknown>('POST', 'passkeys/registration/options', { ...options, jwt: requireString(jwt, 'jwt'), body: {} })
  return parseChallenge(data, 'Passkey registration options')
}

/**
 * Sends the new credential; the server stores it as a passkey of the user.
 *
 * @example
 * const passkey = await verifyPasskeyRegistration(http, jwt, { challengeId, credential })
 */
export async function verifyPasskeyRegistration(
  http: Http,
  jwt: string,
  p: { challengeId: string; credential: RegistrationResponseJSON },
  options?: CallOptions,
): Promise<Passkey> {
  const body = { challenge_id: requireUuid(p.challengeId, 'challengeId'), credential: p.credential }
  const { data } = await http.request<unknown>('POST', 'passkeys/registration/verify', { ...options, jwt: requireString(jwt, 'jwt'), body })
  return parsePasskey(data)
}

/**
 * Options for a passkey sign-in: discoverable, so any passkey of this site may answer.
 *
 * @example
 * const { challenge_id, options } = await startPasskeySignIn(http, {})
 */
export async function startPasskeySignIn(http: Http, p: { captchaToken?: string }, options?: CallOptions): Promise<PasskeyChallenge<RequestOptionsJSON>> {
  const body = { gotrue_meta_security: captchaMeta(p.captchaToken) }
  const { data } = await http.request<unknown>('POST', 'passkeys/authentication/options', { ...options, body })
  return parseChallenge(data, 'Passkey sign-in options')
}

/** What a passkey sign-in sends: the challenge it answers and the authenticator's signed answer. */
export interface PasskeySignInBody {
  challenge_id: string
  credential: AuthenticationResponseJSON
}

/**
 * The request that trades a passkey's signed answer for a session.
 *
 * @example
 * const tokens = await requestSession(http, passkeySignInRequest({ challenge_id, credential }))
 */
export function passkeySignInRequest(body: PasskeySignInBody): SessionRequest {
  return { path: 'passkeys/authentication/verify', body }
}

/** Trades a passkey's signed answer for a session. @example const tokens = await verifyPasskeySignIn(http, { challenge_id, credential }) */
export async function verifyPasskeySignIn(http: Http, body: PasskeySignInBody, options?: CallOptions): Promise<TokenResponse> {
  return requestSession(http, passkeySignInRequest(body), options)
}

/** @example const passkeys = await listPasskeys(http, jwt) */
export async function listPasskeys(http: Http, jwt: string, options?: CallOptions): Promise<Passkey[]> {
  const { data } = await http.request<unknown>('GET', 'passkeys', { ...options, jwt: requireString(jwt, 'jwt') })
  return parsePasskeys(data)
}

/** @example const passkey = await updatePasskey(http, jwt, { passkeyId, friendlyName: 'Work laptop' }) */
export async function updatePasskey(http: Http, jwt: string, p: { passkeyId: string; friendlyName: string }, options?: CallOptions): Promise<Passkey> {
  const id = requireUuid(p.passkeyId, 'passkeyId')
  const name = requireString(p.friendlyName, 'friendlyName')
  if ([...name].length > MAX_NAME_LENGTH) throw new AuthInvalidCredentialsError(`friendlyName must be at most ${MAX_NAME_LENGTH} characters`)
  const { data } = await http.request<unknown>('PATCH', `passkeys/${pathSegment(id)}`, { ...options, jwt: requireString(jwt, 'jwt'), body: { friendly_name: name } })
  return parsePasskey(data)
}

/** @example await deletePasskey(http, jwt, { passkeyId }) */
export async function deletePasskey(http: Http, jwt: string, p: { passkeyId: string }, options?: CallOptions): Promise<void> {
  const id = requireUuid(p.passkeyId, 'passkeyId')
  await http.request<unknown>('DELETE', `passkeys/${pathSegment(id)}`, { ...options, jwt: requireString(jwt, 'jwt') })
}
