/**
 * The rules every step of the walk must keep, checked as things happen (the probe and the tabs report to
 * it) and after every step once the tabs have settled:
 * 1. one refresher: at most one refresh in flight on the shared storage key at any moment;
 * 2. the server never answered `refresh_token_already_used` (the only answer with which it revokes a token
 *    family: legacy rotation revokes the session's tokens, v2 deletes the session), and never answered a
 *    terminal code for a session nothing the walk did could have ended;
 * 3. a SIGNED_OUT only after a cause the walk gave (an explicit sign-out, a revocation elsewhere);
 * 4. after settling, what the shared storage holds is what every tab believes (same refresh token, or both
 *    none); a tab whose storage failed keeps its session in memory by design and is held to its own copy;
 * 5. no unhandled rejection, no uncaught exception;
 * 6. a sign-in sticks: until something ends it, the shared storage holds the server session the latest
 *    successful sign-in made (rotated maybe, never replaced by an older session or emptied);
 * plus liveness (every call settles, every tab comes back to rest) and every rejection is an AuthError.
 */
import type { Session } from '../../src/index.js'
import { knownExcuse } from './known.js'
import type { Cause, Ledger } from './ledger.js'
import type { Answer, ProbeListener } from './probe.js'
import type { Tab, TabListener, World } from './world.js'
import { SESSION_GONE_CODES, TERMINAL_REFRESH_CODES } from '../support/session-ending-codes.js'

export type Rule =
  | 'one-refresher'
  | 'no-reuse-at-server'
  | 'terminal-only-when-ended'
  | 'signed-out-only-after-cause'
  | 'storage-agrees'
  | 'sign-in-sticks'
  | 'no-unhandled-rejection'
  | 'calls-settle'
  | 'comes-to-rest'
  | 'typed-errors'

export interface Violation {
  rule: Rule
  step: number
  detail: string
}


function claim(jwt: string | undefined, name: string): string | undefined {
  if (jwt === undefined) return undefined
  try {
    const value = (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>)[name]
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

const short = (token: string | null | undefined): string => (token == null ? 'none' : `…${token.slice(-6)}`)

export class Checker implements ProbeListener, TabListener {
  readonly violations: Violation[] = []
  /** How many times each rule was checked. */
  readonly checks = new Map<Rule, number>()
  step = 0
  sessionsLost = 0
  readonly signedOutBy = new Map<Cause, number>()
  /** Breaches excused as the symptom of a known bug (`known.ts`), by bug id. */
  readonly excused = new Map<string, number>()
  readonly answers = { total: 0, refreshed: 0, status503: 0, status429: 0, garbage: 0, noAnswer: 0, terminal: 0 }
  #unhandled = 0

  constructor(
    readonly ledger: Ledger,
    /** Excuse nothing (`SOAK_KNOWN=include`). */
    readonly includeKnown: boolean,
  ) {}

  get checkCount(): number {
    let total = 0
    for (const n of this.checks.values()) total += n
    return total
  }

  #check(rule: Rule, ok: boolean, detail: () => string, tab?: Tab): void {
    this.checks.set(rule, (this.checks.get(rule) ?? 0) + 1)
    if (ok) return
    const known = knownExcuse({ rule, ...(tab ? { tab: { stale: tab.auth.snapshot.stale, degraded: tab.degraded } } : {}) }, this.includeKnown)
    if (known) this.excused.set(known.id, (this.excused.get(known.id) ?? 0) + 1)
    else this.violations.push({ rule, step: this.step, detail: detail() })
  }

  // Rule 1, as it happens.
  overlap(tab: number, inFlight: number): void {
    this.#check('one-refresher', false, () => `tab${tab} started a refresh while ${inFlight - 1} other(s) were in flight`)
  }

  // Rule 2, per answer.
  answer(a: Answer): void {
    this.answers.total += 1
    const isRefresh = a.path === '/token' && a.grantType === 'refresh_token'
    if (a.status === 0) this.answers.noAnswer += 1
    if (a.status === 503) this.answers.status503 += 1
    if (a.status === 429) this.answers.status429 += 1
    if (a.issued && a.presented) this.ledger.learnRotation(a.presented, a.issued)
    if (isRefresh && a.status === 200 && a.issued === undefined) this.answers.garbage += 1
    if (isRefresh && a.issued) this.answers.refreshed += 1
    if (a.code === undefined) return
    this.#check('no-reuse-at-server', a.code !== 'refresh_token_already_used', () => `tab${a.tab} presented ${short(a.presented)}: the server answered refresh_token_already_used`)
    const terminal = isRefresh ? TERMINAL_REFRESH_CODES.includes(a.code) : SESSION_GONE_CODES.includes(a.code)
    if (!terminal) return
    this.answers.terminal += 1
    const facts = isRefresh && a.presented !== undefined ? this.ledger.byRefreshToken(a.presented) : undefined
    const sessionId = facts?.sessionId ?? claim(a.bearer, 'session_id')
    const cause = sessionId === undefined ? undefined : this.ledger.causeFor(sessionId)
    this.#check('terminal-only-when-ended', cause !== undefined, () => `tab${a.tab} ${a.path}${isRefresh ? ` with ${short(a.presented)}` : ''} answered ${a.status} ${a.code} for session ${sessionId === undefined ? '(unknown)' : this.ledger.describe(sessionId)}, which nothing ended`)
  }

  // Rule 3, as each SIGNED_OUT is announced.
  signedOut(tab: Tab, previous: Session | null): void {
    const facts = this.ledger.sessionOf(previous)
    const cause = facts === undefined ? undefined : this.ledger.causeFor(facts.sessionId)
    if (cause) this.signedOutBy.set(cause, (this.signedOutBy.get(cause) ?? 0) + 1)
    const lost = previous !== null && cause === undefined
    if (lost) this.sessionsLost += 1
    this.#check('signed-out-only-after-cause', !lost, () => {
      const reason = tab.auth.snapshot.reason
      return `${tab.name} announced SIGNED_OUT (reason ${reason}) for session ${facts?.sessionId ?? '(unknown)'} ${short(previous?.refresh_token)}, which nothing ended; its last events: ${tab.recent.join(' ')}`
    }, tab)
  }

  // Rule 4, once every tab is at rest.
  async storageAgrees(world: World): Promise<void> {
    const stored = world.stored()
    for (const tab of world.tabs) {
      const belief = tab.belief?.refresh_token ?? null
      if (tab.degraded) {
        // Its storage failed: it runs on a memory copy, which is what it must agree with.
        const own = (await tab.core.io.store.read()).session?.refresh_token ?? null
        this.#check('storage-agrees', own === belief, () => `${tab.name} (storage failed, memory copy) holds ${short(own)} but believes ${short(belief)}`, tab)
        continue
      }
      this.#check('storage-agrees', (stored?.refresh_token ?? null) === belief, () =>
        `${tab.name} (${tab.auth.snapshot.status}) believes ${short(belief)} but the storage holds ${short(stored?.refresh_token)}; its last events: ${tab.recent.join(' ')}`,
      tab)
    }
  }

  // Rule 6, once every tab is at rest.
  signInSticks(world: World): void {
    const expected = this.ledger.expected
    if (expected === undefined || world.tabs.some((t) => t.degraded)) return
    const stored = world.stored()
    const held = this.ledger.sessionOf(stored)?.sessionId
    this.#check('sign-in-sticks', held === expected, () =>
      `the latest sign-in made session ${expected}, but the storage holds ${held ?? 'none'} ${short(stored?.refresh_token)}; tabs: ${world.tabs.map((t) => `${t.name} ${t.recent.slice(-4).join(' ')}`).join(' | ')}`,
    )
  }

  // Rule 5.
  unhandled(kind: 'rejection' | 'exception', reason: unknown): void {
    this.#unhandled += 1
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)
    this.#check('no-unhandled-rejection', false, () => `unhandled ${kind}: ${text}`)
  }

  noUnhandled(): void {
    this.#check('no-unhandled-rejection', true, () => '')
  }

  get unhandledCount(): number {
    return this.#unhandled
  }

  /** Liveness and error typing, as reported by the step executor. */
  record(rule: 'calls-settle' | 'comes-to-rest' | 'typed-errors', ok: boolean, detail: () => string): void {
    this.#check(rule, ok, detail)
  }
}
