/**
 * The OAuth 2.1 server's tables (GoTrue `oauth_clients`, `oauth_authorizations`, `oauth_consents`): the
 * third-party apps registered with the server, their pending and approved authorization requests, and
 * what each user consented to.
 * @module
 */

export type OAuthClientType = 'public' | 'confidential'
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'
export type OAuthGrantType = 'authorization_code' | 'refresh_token'

/** A registered app. Deleting one only stamps `deletedAt` (GoTrue soft-deletes), so lookups skip it. */
export interface OAuthClientRow {
  id: string
  /** base64url(SHA-256(secret)); `''` for public clients, which have none. */
  secretHash: string
  registrationType: 'dynamic' | 'manual'
  clientType: OAuthClientType
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  redirectUris: string[]
  grantTypes: OAuthGrantType[]
  /** `undefined` when not given (omitted from the JSON then). */
  clientName?: string
  clientUri?: string
  logoUri?: string
  createdAt: number
  updatedAt: number
  deletedAt?: number
}

export type OAuthAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'expired'

/** One `/oauth/authorize` request, from its start to the code exchange (which deletes it). */
export interface OAuthAuthorizationRow {
  /** 32 alphanumerics: the `authorization_id` the consent page gets. */
  id: string
  clientId: string
  /** Set by the first signed-in user who reads it; only that user may decide on it. */
  userId?: string
  redirectUri: string
  /** Space-separated, as requested (or the default scope). */
  scope: string
  state?: string
  resource?: string
  codeChallenge: string
  codeChallengeMethod: 's256' | 'plain'
  nonce?: string
  status: OAuthAuthorizationStatus
  /** Set on approval (a UUID); the app trades it at `/oauth/token`. */
  code?: string
  createdAt: number
  expiresAt: number
  approvedAt?: number
}

/** What a user granted an app; revoking stamps `revokedAt`, approving again clears it. */
export interface OAuthConsentRow {
  id: string
  userId: string
  clientId: string
  scopes: string[]
  grantedAt: number
  revokedAt?: number
}

export class OAuthServerTables {
  readonly clients = new Map<string, OAuthClientRow>()
  readonly authorizations = new Map<string, OAuthAuthorizationRow>()
  readonly consents = new Map<string, OAuthConsentRow>()

  /** The client with this id unless deleted (GoTrue `FindOAuthServerClientByID`). */
  client(id: string): OAuthClientRow | undefined {
    const row = this.clients.get(id.toLowerCase())
    return row && row.deletedAt === undefined ? row : undefined
  }

  /** Every client not deleted, newest first (the admin list's order). */
  activeClients(): OAuthClientRow[] {
    return [...this.clients.values()].filter((c) => c.deletedAt === undefined).sort((a, b) => b.createdAt - a.createdAt)
  }

  /** The approved authorization this code was issued for (denied or pending ones have no usable code). */
  authorizationByCode(code: string): OAuthAuthorizationRow | undefined {
    if (!code) return undefined
    for (const a of this.authorizations.values()) if (a.status === 'approved' && a.code === code) return a
    return undefined
  }

  /** The user's consent for the client, revoked or not (at most one per pair). */
  consent(userId: string, clientId: string): OAuthConsentRow | undefined {
    for (const c of this.consents.values()) if (c.userId === userId && c.clientId === clientId) return c
    return undefined
  }

  /** The user's consent for the client unless revoked. */
  activeConsent(userId: string, clientId: string): OAuthConsentRow | undefined {
    const row = this.consent(userId, clientId)
    return row && row.revokedAt === undefined ? row : undefined
  }

  /** The user's consents not revoked, most recently granted first. */
  activeConsentsOf(userId: string): OAuthConsentRow[] {
    return [...this.consents.values()]
      .filter((c) => c.userId === userId && c.revokedAt === undefined)
      .sort((a, b) => b.grantedAt - a.grantedAt)
  }

  /** The cascade of a hard user delete. */
  deleteUser(userId: string): void {
    for (const [id, a] of this.authorizations) if (a.userId === userId) this.authorizations.delete(id)
    for (const [id, c] of this.consents) if (c.userId === userId) this.consents.delete(id)
  }
}
