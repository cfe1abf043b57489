/**
 * The in-memory database: plain maps plus the few lookups and cascades GoTrue's schema gives for free.
 * @module
 */
import { uuid } from '../crypto/hash.js'
import { OAuthServerTables } from './oauth-server.js'
import { PasskeyTables } from './passkeys.js'
import type {
  ChallengeRow,
  FactorRow,
  FlowStateRow,
  IdentityRow,
  RefreshTokenRow,
  SessionRow,
  SsoProviderRow,
  UserRow,
} from './records.js'

export class Store {
  readonly users = new Map<string, UserRow>()
  readonly identities = new Map<string, IdentityRow>()
  readonly sessions = new Map<string, SessionRow>()
  readonly refreshTokens = new Map<string, RefreshTokenRow>()
  readonly factors = new Map<string, FactorRow>()
  readonly challenges = new Map<string, ChallengeRow>()
  readonly flowStates = new Map<string, FlowStateRow>()
  readonly ssoProviders = new Map<string, SsoProviderRow>()
  readonly passkeys = new PasskeyTables()
  readonly oauthServer = new OAuthServerTables()
  private seq = 0

  constructor(private readonly now: () => number) {}

  newUser(fields: Partial<UserRow> & Pick<UserRow, 'aud' | 'role'>): UserRow {
    const t = this.now()
    const user: UserRow = {
      id: uuid(),
      email: '',
      phone: '',
      passwordHash: null,
      createdAt: t,
      updatedAt: t,
      appMetadata: {},
      userMetadata: {},
      isAnonymous: false,
      confirmationToken: '',
      recoveryToken: '',
      emailChangeTokenCurrent: '',
      emailChangeTokenNew: '',
      emailChangeConfirmStatus: 0,
      phoneChangeToken: '',
      reauthenticationToken: '',
      ...fields,
    }
    this.users.set(user.id, user)
    return user
  }

  touch(user: UserRow): void {
    user.updatedAt = this.now()
  }

  /** The non-SSO user with this email: SSO users may share an address, and GoTrue's lookups skip them. */
  userByEmail(email: string): UserRow | undefined {
    const e = email.toLowerCase()
    if (!e) return undefined
    for (const u of this.users.values()) if (u.email === e && !u.isSsoUser) return u
    return undefined
  }

  userByPhone(phone: string): UserRow | undefined {
    if (!phone) return undefined
    for (const u of this.users.values()) if (u.phone === phone) return u
    return undefined
  }

  identitiesOf(userId: string): IdentityRow[] {
    return [...this.identities.values()]
      .filter((i) => i.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  identity(userId: string, provider: string): IdentityRow | undefined {
    return this.identitiesOf(userId).find((i) => i.provider === provider)
  }

  /** The identity a provider's subject id signed in with, on whichever user holds it. */
  identityBySubject(provider: string, providerId: string): IdentityRow | undefined {
    for (const i of this.identities.values()) if (i.provider === provider && i.providerId === providerId) return i
    return undefined
  }

  /** A new identity for an external provider (its subject id is not the user id), providers recomputed. */
  addIdentity(user: UserRow, provider: string, providerId: string, data: Record<string, unknown>): IdentityRow {
    const t = this.now()
    const identity: IdentityRow = { identityId: uuid(), providerId, userId: user.id, provider, identityData: data, createdAt: t, updatedAt: t }
    this.identities.set(identity.identityId, identity)
    this.recomputeProviders(user)
    return identity
  }

  /** Creates or updates the user's identity for `provider` and recomputes `app_metadata.providers`. */
  upsertIdentity(user: UserRow, provider: string, data: Record<string, unknown>): IdentityRow {
    const t = this.now()
    let identity = this.identity(user.id, provider)
    if (identity) {
      identity.identityData = { ...identity.identityData, ...data }
      identity.updatedAt = t
    } else {
      identity = {
        identityId: uuid(),
        providerId: user.id,
        userId: user.id,
        provider,
        identityData: { sub: user.id, ...data },
        createdAt: t,
        updatedAt: t,
      }
      this.identities.set(identity.identityId, identity)
    }
    this.recomputeProviders(user)
    return identity
  }

  recomputeProviders(user: UserRow): void {
    const providers = [...new Set(this.identitiesOf(user.id).map((i) => i.provider))]
    if (providers.length === 0) return
    user.appMetadata = { ...user.appMetadata, provider: providers[0], providers }
  }

  sessionsOf(userId: string): SessionRow[] {
    return [...this.sessions.values()].filter((s) => s.userId === userId)
  }

  deleteSession(id: string): void {
    this.sessions.delete(id)
    for (const [token, row] of this.refreshTokens) if (row.sessionId === id) this.refreshTokens.delete(token)
  }

  newRefreshToken(session: Pick<SessionRow, 'id' | 'userId'>, token: string, parent: string | null): RefreshTokenRow {
    const t = this.now()
    const row: RefreshTokenRow = {
      seq: ++this.seq,
      token,
      sessionId: session.id,
      userId: session.userId,
      parent,
      revoked: false,
      createdAt: t,
      updatedAt: t,
    }
    this.refreshTokens.set(token, row)
    return row
  }

  /** The session's newest non-revoked token (GoTrue `FindCurrentlyActiveRefreshToken`). */
  activeRefreshToken(sessionId: string): RefreshTokenRow | undefined {
    return this.unrevokedToken(sessionId, (row, best) => row.seq > best.seq)
  }

  /** The session's oldest non-revoked token (GoTrue `FindTokenBySessionID`, used by MFA verify). */
  oldestActiveRefreshToken(sessionId: string): RefreshTokenRow | undefined {
    return this.unrevokedToken(sessionId, (row, best) => row.seq < best.seq)
  }

  private unrevokedToken(
    sessionId: string,
    better: (row: RefreshTokenRow, best: RefreshTokenRow) => boolean,
  ): RefreshTokenRow | undefined {
    let best: RefreshTokenRow | undefined
    for (const row of this.refreshTokens.values()) {
      if (row.sessionId === sessionId && !row.revoked && (!best || better(row, best))) best = row
    }
    return best
  }

  factorsOf(userId: string): FactorRow[] {
    return [...this.factors.values()]
      .filter((f) => f.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  deleteFactor(id: string): void {
    this.factors.delete(id)
    for (const [cid, c] of this.challenges) if (c.factorId === id) this.challenges.delete(cid)
  }

  /** Hard delete with the schema's cascades. */
  deleteUser(id: string): void {
    for (const s of this.sessionsOf(id)) this.deleteSession(s.id)
    for (const f of this.factorsOf(id)) this.deleteFactor(f.id)
    this.passkeys.deleteUser(id)
    this.oauthServer.deleteUser(id)
    for (const i of this.identitiesOf(id)) this.identities.delete(i.identityId)
    for (const [fid, f] of this.flowStates) if (f.userId === id) this.flowStates.delete(fid)
    this.users.delete(id)
  }
}
