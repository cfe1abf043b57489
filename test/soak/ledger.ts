/**
 * What the walk knows about sessions: which server session (the access token's `session_id`) and user
 * each refresh token belongs to, and what the walk did that may end one. A SIGNED_OUT, or a terminal
 * answer from the server, is explained only by such a cause; anything else is a session lost.
 *
 * Causes are kept as exactly as the walk can know them:
 * - an explicit `signOut` (local or global) ends the sessions live on the shared storage while it ran, and
 *   those made meanwhile;
 * - a revocation elsewhere (global sign-out from another device) ends every session of that user that
 *   existed when it returned (a sign-in sent before that may have made one), and none made later;
 * - `signOut({ scope: 'others' })` does the same except for the caller's own session.
 */
import type { Session } from '../../src/index.js'

export interface SessionFacts {
  sessionId: string
  userId: string
  /** Ledger time at which the walk first saw it. */
  firstSeen: number
  /**
   * Ledger time at which the sign-in that made it was sent, when the walk made it: the server creates the
   * session then, possibly long before the walk sees it (a revocation racing the sign-in may end it).
   */
  requestedAt?: number
}

const MAX_TOKENS = 2_000

export type Cause = 'signOut' | 'revoked' | 'othersSignedOut'

function claimsOf(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

export class Ledger {
  /** A logical clock: increases with every fact and cause, so "before" and "after" need no wall time. */
  #time = 0
  readonly #byRefreshToken = new Map<string, SessionFacts>()
  readonly #sessions = new Map<string, SessionFacts>()
  readonly #ended = new Map<string, Cause>()
  /** The session the last successful sign-in made: the storage must hold it until something ends it. */
  #signedIn: string | undefined
  /** Explicit sign-outs, as ledger-time windows: sessions first seen inside one may be ended by it. */
  readonly #signOuts: Array<{ start: number; end: number }> = []
  /** Per user: sessions first seen before this ledger time are revoked (minus the exception). */
  readonly #revocations: Array<{ userId: string; before: number; except: string | undefined; cause: Cause }> = []

  tick(): number {
    this.#time += 1
    return this.#time
  }

  /** Notes a session a tab announced or a token answer the probe saw. */
  learn(session: Session): SessionFacts | undefined {
    const claims = claimsOf(session.access_token)
    const sessionId = typeof claims['session_id'] === 'string' ? claims['session_id'] : undefined
    const userId = typeof claims['sub'] === 'string' ? claims['sub'] : session.user?.id
    if (sessionId === undefined || userId === undefined) return undefined
    let facts = this.#sessions.get(sessionId)
    if (facts === undefined) {
      facts = { sessionId, userId, firstSeen: this.tick() }
      this.#sessions.set(sessionId, facts)
    }
    this.#remember(session.refresh_token, facts)
    return facts
  }

  /** A refresh token handed out for a known one (a refresh answer whose session the tabs may never see). */
  learnRotation(presented: string, issued: string): void {
    const facts = this.#byRefreshToken.get(presented)
    if (facts) this.#remember(issued, facts)
  }

  /**
   * Only recent tokens are ever presented again, so the oldest are forgotten: the ledger must not be
   * what makes the heap grow over a long run.
   */
  #remember(token: string, facts: SessionFacts): void {
    this.#byRefreshToken.delete(token)
    this.#byRefreshToken.set(token, facts)
    if (this.#byRefreshToken.size > MAX_TOKENS) {
      const oldest = this.#byRefreshToken.keys().next().value
      if (oldest !== undefined) this.#byRefreshToken.delete(oldest)
    }
  }

  byRefreshToken(token: string): SessionFacts | undefined {
    return this.#byRefreshToken.get(token)
  }

  sessionOf(session: Session | null): SessionFacts | undefined {
    if (session === null) return undefined
    return this.#byRefreshToken.get(session.refresh_token) ?? this.learn(session)
  }

  /**
   * An explicit sign-out begins: it ends the sessions live on the shared storage now, and any session made
   * while it runs (a sign-in racing it in another tab may be swept away with it). `finish` takes the
   * sessions live when it returned.
   */
  signOutBegins(live: Iterable<string>): (live: Iterable<string>) => void {
    const window = { start: this.tick(), end: Number.POSITIVE_INFINITY }
    this.#signOuts.push(window)
    this.#endAll(live)
    this.#signedIn = undefined
    return (after) => {
      this.#endAll(after)
      window.end = this.tick()
      this.#signedIn = undefined
    }
  }

  #endAll(ids: Iterable<string>): void {
    for (const id of ids) if (!this.#ended.has(id)) this.#ended.set(id, 'signOut')
  }

  /**
   * A sign-in sent at ledger time `requestedAt` returned this session: the latest one wins, so it is what
   * the storage must hold from now.
   */
  signedIn(session: Session, requestedAt: number): void {
    const facts = this.learn(session)
    if (facts !== undefined) facts.requestedAt = Math.min(facts.requestedAt ?? requestedAt, requestedAt)
    this.#signedIn = facts?.sessionId
  }

  /** The session the latest sign-in made, unless something since may have ended it. */
  get expected(): string | undefined {
    const id = this.#signedIn
    return id !== undefined && this.causeFor(id) === undefined ? id : undefined
  }

  /**
   * Every session of `userId` (but `except`) ends: registered before the revoking call goes out, since a
   * tab may meet the revocation before that call returns; `finish` (once it returned) spares the
   * sessions first seen after it.
   */
  revokeUser(userId: string, cause: Cause, except?: string): () => void {
    const revocation = { userId, before: Number.POSITIVE_INFINITY, except, cause }
    this.#revocations.push(revocation)
    return () => {
      revocation.before = this.tick()
    }
  }

  /** Why `sessionId` may have ended, or undefined when nothing the walk did ends it. */
  causeFor(sessionId: string): Cause | undefined {
    const ended = this.#ended.get(sessionId)
    if (ended) return ended
    const facts = this.#sessions.get(sessionId)
    if (facts === undefined) return undefined
    if (this.#signOuts.some((w) => facts.firstSeen > w.start && facts.firstSeen < w.end)) return 'signOut'
    const madeAt = facts.requestedAt ?? facts.firstSeen
    const revocation = this.#revocations.find((r) => r.userId === facts.userId && madeAt < r.before && r.except !== sessionId)
    return revocation?.cause
  }

  /** What the ledger knows of a session, for violation reports. */
  describe(sessionId: string): string {
    const facts = this.#sessions.get(sessionId)
    if (facts === undefined) return `${sessionId} (never seen)`
    const revocations = this.#revocations.filter((r) => r.userId === facts.userId).map((r) => `${r.cause}<${r.before}`)
    return `${sessionId} (user …${facts.userId.slice(-4)}, first seen at ${facts.firstSeen}, revocations of that user: ${revocations.join(' ') || 'none'})`
  }
}
