/**
 * What users granted apps (GoTrue `oauth_consents`): recorded on approval, consulted to skip the consent
 * page next time, listed as the user's grants, and revoked, which also ends every session the app holds
 * for the user (its refresh tokens stop working, its access tokens fail as `session_not_found`).
 * @module
 */
import { uuid } from '../crypto/hash.js'
import type { Store } from '../store/store.js'
import type { OAuthConsentRow } from '../store/oauth-server.js'
import type { Json } from '../store/records.js'
import { iso } from '../store/serialize.js'
import { clientDetailsJson } from './clients.js'
import { coversScopes, parseScopes } from './scopes.js'

/**
 * Records the user's consent to `scopes` for the client (GoTrue `UpsertOAuthServerConsent`): an earlier
 * consent, even a revoked one, is replaced (scopes overwritten, not merged) and un-revoked.
 *
 * @example
 * upsertConsent(store, user.id, client.id, ['email'], ctx.now())
 */
export function upsertConsent(store: Store, userId: string, clientId: string, scopes: string[], now: number): OAuthConsentRow {
  const tables = store.oauthServer
  const existing = tables.consent(userId, clientId)
  if (existing) {
    existing.scopes = [...scopes]
    existing.grantedAt = now
    delete existing.revokedAt
    return existing
  }
  const row: OAuthConsentRow = { id: uuid(), userId, clientId, scopes: [...scopes], grantedAt: now }
  tables.consents.set(row.id, row)
  return row
}

/** True when the user already granted the client every scope in `scope` (then the consent page is skipped). */
export function consentCovers(store: Store, userId: string, clientId: string, scope: string): boolean {
  const consent = store.oauthServer.activeConsent(userId, clientId)
  return consent !== undefined && coversScopes(consent.scopes, parseScopes(scope))
}

/**
 * The user's grants as `GET /user/oauth/grants` lists them, newest first; grants of deleted apps are left out.
 *
 * @example
 * grantsJson(store, user.id)   // [{ client: { id, name }, scopes: ['email'], granted_at }]
 */
export function grantsJson(store: Store, userId: string): Json[] {
  const grants: Json[] = []
  for (const consent of store.oauthServer.activeConsentsOf(userId)) {
    const client = store.oauthServer.client(consent.clientId)
    if (!client) continue
    grants.push({ client: clientDetailsJson(client), scopes: [...consent.scopes], granted_at: iso(consent.grantedAt) })
  }
  return grants
}

/**
 * Revokes the user's grant for the client and deletes the sessions the client holds for the user; false
 * when there was no active grant.
 *
 * @example
 * if (!revokeGrant(store, user.id, clientId, ctx.now())) throw notFound(…)
 */
export function revokeGrant(store: Store, userId: string, clientId: string, now: number): boolean {
  const consent = store.oauthServer.activeConsent(userId, clientId)
  if (!consent) return false
  consent.revokedAt = now
  for (const session of store.sessionsOf(userId)) if (session.oauthClientId === clientId) store.deleteSession(session.id)
  return true
}
