/**
 * Validation of the bodies that carry a session or a user. A 2xx answer that is not the shape it should be
 * (a proxy's error page rendered as JSON, a truncated object) is rejected here with
 * {@link AuthInvalidTokenResponseError}, so nothing half-formed reaches storage or the state machine.
 * @module
 */
import { AuthInvalidTokenResponseError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { Factor, TokenResponse, User, WeakPassword } from '../types.js'

/**
 * The error for a 2xx body that is not the shape `what` promises; names the endpoint, never the body.
 *
 * @example
 * if (!isRecord(data)) throw malformedResponse('Settings')   // "Settings response is malformed"
 */
export function malformedResponse(what: string): AuthInvalidTokenResponseError {
  return new AuthInvalidTokenResponseError(`${what} response is malformed`, 500)
}

/** A body that carried a session, or only a user (confirmation still pending). */
export type SessionOrUser = { kind: 'session'; response: TokenResponse } | { kind: 'user'; user: User }

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

function metadata(value: unknown): Record<string, unknown> {
  // GoTrue can send `user_metadata: null` (admin create with password_hash); the type promises an object.
  return isRecord(value) ? value : {}
}

/**
 * Checks that `body` is a GoTrue user (an object with a string `id`) and fills absent metadata with `{}`.
 *
 * @example
 * ```ts
 * const user = parseUser(await res.json())   // throws AuthInvalidTokenResponseError on garbage
 * ```
 */
export function parseUser(body: unknown): User {
  if (!isRecord(body) || !isNonEmptyString(body['id'])) {
    throw new AuthInvalidTokenResponseError('User missing or malformed in response', 500)
  }
  return {
    ...body,
    app_metadata: metadata(body['app_metadata']),
    user_metadata: metadata(body['user_metadata']),
  } as User
}

/** Like {@link parseUser} for a list; any bad entry rejects the whole list. */
export function parseUsers(body: unknown): User[] {
  if (!Array.isArray(body)) throw new AuthInvalidTokenResponseError('User list missing or malformed in response', 500)
  return body.map(parseUser)
}

/** Checks a factor list (each entry an object with a string `id`); any bad entry rejects the whole list. */
export function parseFactors(body: unknown): Factor[] {
  if (!Array.isArray(body) || !body.every((f) => isRecord(f) && isNonEmptyString(f['id']))) {
    throw new AuthInvalidTokenResponseError('Factor list missing or malformed in response', 500)
  }
  return body as Factor[]
}

function parseWeakPassword(value: unknown): WeakPassword | undefined {
  if (!isRecord(value) || !Array.isArray(value['reasons'])) return undefined
  return {
    reasons: value['reasons'].filter((r): r is string => typeof r === 'string'),
    message: typeof value['message'] === 'string' ? value['message'] : '',
  }
}

/** True when `body` would pass {@link parseTokenResponse}. Never throws. */
export function isTokenResponse(body: unknown): body is TokenResponse {
  try {
    parseTokenResponse(body)
    return true
  } catch {
    return false
  }
}

/**
 * Validates a session-bearing body (`/token`, `/verify`, autoconfirmed `/signup`, MFA verify) and returns
 * only the known keys. `expires_in` is kept as sent; the caller computes `expires_at` from its own clock.
 *
 * @example
 * ```ts
 * const tokens = parseTokenResponse(data)
 * const session = { ...tokens, expires_at: Math.floor(receivedAt / 1000) + tokens.expires_in }
 * ```
 */
export function parseTokenResponse(body: unknown): TokenResponse {
  if (!isRecord(body)) throw new AuthInvalidTokenResponseError('Token response is not an object', 500)
  // Field names only: the values are credentials.
  if (!isNonEmptyString(body['access_token'])) throw new AuthInvalidTokenResponseError('Token response has no access_token', 500)
  if (!isNonEmptyString(body['refresh_token'])) throw new AuthInvalidTokenResponseError('Token response has no refresh_token', 500)
  const expiresIn = body['expires_in']
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
    throw new AuthInvalidTokenResponseError('Token response has no valid expires_in', 500)
  }
  const user = parseUser(body['user'])

  const result: TokenResponse = {
    access_token: body['access_token'],
    token_type: isNonEmptyString(body['token_type']) ? body['token_type'] : 'bearer',
    expires_in: expiresIn,
    refresh_token: body['refresh_token'],
    user,
  }
  const expiresAt = body['expires_at']
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) result.expires_at = expiresAt
  if (isNonEmptyString(body['provider_token'])) result.provider_token = body['provider_token']
  if (isNonEmptyString(body['provider_refresh_token'])) result.provider_refresh_token = body['provider_refresh_token']
  const weak = parseWeakPassword(body['weak_password'])
  if (weak !== undefined) result.weak_password = weak
  return result
}

/** Session if the body carries one (strictly validated), otherwise the user it carries (`data.user ?? data`). */
export function parseSessionOrUser(body: unknown): SessionOrUser {
  if (isRecord(body) && 'access_token' in body) return { kind: 'session', response: parseTokenResponse(body) }
  const user = isRecord(body) && isRecord(body['user']) ? body['user'] : body
  return { kind: 'user', user: parseUser(user) }
}
