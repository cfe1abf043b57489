/**
 * A session the OAuth 2.1 server issued belongs to one third-party app: only that app, authenticated at
 * `/oauth/token`, may refresh it, and `/oauth/token` refreshes nothing else (GoTrue `RefreshTokenGrant`,
 * checked once the token, its user and its session are known, before any rotation rule runs).
 * @module
 */
import { OAuthError } from '../server/respond.js'
import type { SessionRow } from '../store/records.js'

/**
 * Throws GoTrue's `invalid_client` unless `clientId` (the app that authenticated, `undefined` on `/token`)
 * is the one the session was issued to.
 *
 * @example
 * requireSessionClient(session, undefined)   // throws for an app's session refreshed at /token
 */
export function requireSessionClient(session: SessionRow, clientId: string | undefined): void {
  if (session.oauthClientId !== undefined) {
    if (clientId === undefined) throw new OAuthError('invalid_client', 'Client authentication required for OAuth session')
    if (clientId !== session.oauthClientId) throw new OAuthError('invalid_client', "Client does not match the session's OAuth client")
  } else if (clientId !== undefined) {
    throw new OAuthError('invalid_client', 'Client authentication not allowed for non-OAuth session')
  }
}
