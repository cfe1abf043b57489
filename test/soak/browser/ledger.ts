/**
 * The browser walk's ledger: which server session and user each refresh-token fingerprint belongs to, and
 * every cause the walk gave that may end a session, each written down BEFORE the call that causes it goes
 * out. It follows `../ledger.ts` (sign-out windows, revocations of a user's sessions, "others" sparing the
 * caller's), with one difference: tabs live in other processes, so what they report reaches this process
 * later than it happened. Every fact and cause is therefore dated on the wall clock (this process's
 * `Date.now()` for causes and proxy answers, the page's for its events; one machine, one clock), and a
 * SIGNED_OUT or a terminal answer is explained only by a cause registered no later than it happened.
 */
import type { Cause } from '../ledger.js'
import type { SessionRef } from './fingerprint.js'

export type { Cause }

export interface SessionFacts {
  sessionId: string
  userId: string
  /** Wall time at which the walk first saw it (the proxy, as the server's answer passed). */
  firstSeen: number
  /**
   * Wall time at which the sign-in that made it was sent, when a tab's sign-in made it: the server creates
   * the session then, possibly well before the answer passes the proxy (a revocation racing the sign-in may
   * end it). As `../ledger.ts` dates it.
   */
  requestedAt?: number
}

interface SignOutWindow {
  start: number
  end: number
}

interface Revocation {
  userId: string
  /** Registered at: it explains nothing that happened before. */
  registered: number
  /** Sessions first seen before this end; +∞ until the revoking call returned. */
  before: number
  except: string | undefined
  cause: Cause
}

/** Only recent tokens are presented again; older fingerprints are forgotten so a long run stays flat. */
const MAX_FINGERPRINTS = 5_000

/** The sessions the walk has seen and the causes it gave; see the module comment. */
export class BrowserLedger {
  readonly #sessions = new Map<string, SessionFacts>()
  readonly #byFingerprint = new Map<string, string>()
  readonly #ended = new Map<string, { cause: Cause; at: number }>()
  readonly #signOuts: SignOutWindow[] = []
  readonly #revocations: Revocation[] = []
  #signedIn: string | undefined

  /** Notes a session seen at `at` (a token answer at the proxy, or a tab's announcement). */
  learn(ref: SessionRef | null, at: number): SessionFacts | undefined {
    if (ref === null || ref.sessionId === undefined || ref.userId === undefined) return undefined
    let facts = this.#sessions.get(ref.sessionId)
    if (facts === undefined) {
      facts = { sessionId: ref.sessionId, userId: ref.userId, firstSeen: at }
      this.#sessions.set(ref.sessionId, facts)
    }
    this.#byFingerprint.delete(ref.fp)
    this.#byFingerprint.set(ref.fp, ref.sessionId)
    if (this.#byFingerprint.size > MAX_FINGERPRINTS) {
      const oldest = this.#byFingerprint.keys().next().value
      if (oldest !== undefined) this.#byFingerprint.delete(oldest)
    }
    return facts
  }

  /** The session a refresh token (by fingerprint) belongs to, if the walk has seen it. */
  sessionIdOf(fp: string | undefined): string | undefined {
    return fp === undefined ? undefined : this.#byFingerprint.get(fp)
  }

  facts(sessionId: string | undefined): SessionFacts | undefined {
    return sessionId === undefined ? undefined : this.#sessions.get(sessionId)
  }

  /**
   * An explicit sign-out (local or global) begins at `at`: it ends the sessions `live` on the shared storage
   * and any session first seen while it runs. Returns `finish(at)`, called when the call settled.
   */
  signOutBegins(live: Iterable<string>, at: number): (end: number) => void {
    const window: SignOutWindow = { start: at, end: Number.POSITIVE_INFINITY }
    this.#signOuts.push(window)
    for (const id of live) if (!this.#ended.has(id)) this.#ended.set(id, { cause: 'signOut', at })
    this.#signedIn = undefined
    return (end) => {
      window.end = Math.max(end, at)
      this.#signedIn = undefined
    }
  }

  /**
   * Every session of `userId` but `except` ends (a revocation elsewhere, or `signOut({ scope: 'others' })`).
   * Registered at `at`, before the revoking call goes out; `finish(at)` once it returned spares the sessions
   * first seen after it.
   */
  revokeUser(userId: string, cause: Cause, except: string | undefined, at: number): (end: number) => void {
    const revocation: Revocation = { userId, registered: at, before: Number.POSITIVE_INFINITY, except, cause }
    this.#revocations.push(revocation)
    return (end) => {
      revocation.before = Math.max(end, at)
    }
  }

  /** A sign-in sent at `requestedAt` returned this session at `at`: the latest one is what the storage must hold. */
  signedIn(ref: SessionRef | null, at: number, requestedAt: number): void {
    const facts = this.learn(ref, at)
    if (facts !== undefined) facts.requestedAt = Math.min(facts.requestedAt ?? requestedAt, requestedAt)
    this.#signedIn = facts?.sessionId
  }

  /** The session the latest sign-in made, unless something since may have ended it. */
  expected(at: number): string | undefined {
    const id = this.#signedIn
    return id !== undefined && this.causeFor(id, at) === undefined ? id : undefined
  }

  /** Why `sessionId` may have ended by wall time `at`, or undefined when nothing the walk did by then ends it. */
  causeFor(sessionId: string, at: number): Cause | undefined {
    const ended = this.#ended.get(sessionId)
    if (ended !== undefined && ended.at <= at) return ended.cause
    const facts = this.#sessions.get(sessionId)
    if (facts === undefined) return undefined
    if (this.#signOuts.some((w) => w.start <= at && facts.firstSeen >= w.start && facts.firstSeen <= w.end)) return 'signOut'
    const madeAt = facts.requestedAt ?? facts.firstSeen
    const revocation = this.#revocations.find(
      (r) => r.registered <= at && r.userId === facts.userId && madeAt <= r.before && r.except !== sessionId,
    )
    return revocation?.cause
  }
}
