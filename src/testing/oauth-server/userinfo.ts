/**
 * `GET /oauth/userinfo` (OIDC UserInfo, GoTrue `OAuthUserInfo`): `sub`, plus what the session's granted
 * scopes allow. A token of a session that is no OAuth session has no scopes and gets `sub` alone.
 * @module
 */
import type { Json, SessionRow, UserRow } from '../store/records.js'
import { parseScopes } from './scopes.js'

/**
 * The `profile` scope's claims: a name (the metadata's, else the email), a picture, a preferred user name,
 * `updated_at` in Unix seconds, and the whole `user_metadata`.
 *
 * @example
 * profileClaims(user)   // { name: 'Ada', updated_at: 1767225600, user_metadata: { name: 'Ada' } }
 */
export function profileClaims(user: UserRow): Json {
  const meta = user.userMetadata ?? {}
  const text = (key: string): string | undefined => {
    const value = meta[key]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const out: Json = {}
  const name = text('name') ?? (user.email || undefined)
  if (name !== undefined) out.name = name
  const picture = text('picture') ?? text('avatar_url')
  if (picture !== undefined) out.picture = picture
  const username = text('preferred_username') ?? text('username')
  if (username !== undefined) out.preferred_username = username
  if (user.updatedAt > 0) out.updated_at = Math.floor(user.updatedAt / 1000)
  if (user.userMetadata !== null) out.user_metadata = user.userMetadata
  return out
}

/**
 * The UserInfo claims for the user behind a token of `session`.
 *
 * @example
 * userInfo(user, session)   // { sub, email, email_verified: true }
 */
export function userInfo(user: UserRow, session: SessionRow | undefined): Json {
  const out: Json = { sub: user.id }
  if (!session) return out
  const scopes = parseScopes(session.scopes ?? '')
  if (scopes.includes('email')) {
    if (user.email) out.email = user.email
    if (user.emailConfirmedAt !== undefined) out.email_verified = true
  }
  if (scopes.includes('profile')) Object.assign(out, profileClaims(user))
  if (scopes.includes('phone')) {
    if (user.phone) out.phone = user.phone
    if (user.phoneConfirmedAt !== undefined) out.phone_verified = true
  }
  return out
}
