import { isRecord } from '../http/json.js'
import type { Session, User } from '../types.js'

/**
 * Validation of stored sessions. Storage is untrusted input (design rule 6): another library version, a
 * user's devtools or a half-written value can leave anything under the key, and it must read as "absent",
 * never as a crash or a half-valid session.
 * @module
 */

type JsonObject = Record<string, unknown>

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/**
 * True when `value` has what a session needs to be used and refreshed: string `access_token` and
 * `refresh_token`, a finite `expires_at`, and a `user` object with a string `id`. Optional fields, when
 * present, must have their documented types (`token_type` string, `expires_in` finite number).
 *
 * auth-js in `userStorage` mode stores the session without `user`; such a value is rejected here,
 * because a session whose user must be fetched before use is not one this client can serve.
 *
 * @example
 * if (isStoredSession(JSON.parse(raw))) adopt(raw)
 */
export function isStoredSession(value: unknown): value is Session {
  if (!isRecord(value)) return false
  if (typeof value['access_token'] !== 'string' || typeof value['refresh_token'] !== 'string') return false
  if (!isFiniteNumber(value['expires_at'])) return false
  const user = value['user']
  if (!isRecord(user) || typeof user['id'] !== 'string') return false
  const tokenType = value['token_type']
  if (tokenType !== undefined && tokenType !== null && typeof tokenType !== 'string') return false
  const expiresIn = value['expires_in']
  if (expiresIn !== undefined && expiresIn !== null && !isFiniteNumber(expiresIn)) return false
  return true
}

/**
 * Parses a raw stored value in the auth-js v2 format (`JSON.stringify(session)`).
 * `null` means nothing was stored (`corrupt: false`); unparsable JSON or a wrong shape gives
 * `{ session: null, corrupt: true }`. Never throws, and never echoes the raw value.
 *
 * Fields auth-js always writes but a hand-made value may lack are filled in: `token_type` → `'bearer'`,
 * `expires_in` → seconds left until `expires_at` (at least 0), `user.app_metadata`/`user_metadata` → `{}`.
 *
 * @example
 * const { session, corrupt } = parseStoredSession(localStorage.getItem('sb-abcd-auth-token'))
 */
export function parseStoredSession(raw: string | null): { session: Session | null; corrupt: boolean } {
  if (raw === null) return { session: null, corrupt: false }
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { session: null, corrupt: true }
  }
  if (!isStoredSession(value)) return { session: null, corrupt: true }
  return { session: withDefaults(value), corrupt: false }
}

function withDefaults(session: Session): Session {
  const loose = session as unknown as JsonObject
  const user = session.user as unknown as JsonObject
  const filledUser: User = {
    ...session.user,
    app_metadata: isRecord(user['app_metadata']) ? session.user.app_metadata : {},
    user_metadata: isRecord(user['user_metadata']) ? session.user.user_metadata : {},
  }
  return {
    ...session,
    token_type: typeof loose['token_type'] === 'string' ? session.token_type : 'bearer',
    expires_in: isFiniteNumber(loose['expires_in'])
      ? session.expires_in
      : Math.max(0, session.expires_at - Math.floor(Date.now() / 1000)),
    user: filledUser,
  }
}
