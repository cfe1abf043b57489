/**
 * The rules every step of the browser walk must keep, checked as things happen (the proxy reports every
 * answer and every refresh overlap) and after every step once the tabs are at rest:
 * 1. one refresher: at most one `/token?grant_type=refresh_token` in flight at the proxy at any moment (every
 *    tab shares one storage key);
 * 2. the server never answered `refresh_token_already_used` (its answer whenever it revokes a token family:
 *    legacy rotation revokes the session's tokens, v2 deletes the session), and never a terminal code for a
 *    session nothing the walk did could have ended;
 * 3. every SIGNED_OUT a tab announced follows a cause the walk registered before it (an explicit sign-out,
 *    a revocation elsewhere, "sign out others");
 * 4. once at rest, what localStorage holds is what every awake tab's chart believes (the same refresh
 *    token, or none) — a tab whose storage failed (degraded) is reported, not held to it;
 * 5. no unhandled rejection or uncaught error in any page;
 * 6. a sign-in sticks: until something ends it, storage holds the session the latest sign-in made;
 * plus liveness (every call settles, the tabs come back to rest), typed errors, the server's log counting
 * the refreshes the proxy saw, and a bound on each tab's heap growth after warm-up.
 *
 * Messages name tokens and sessions by label (`labels.ts`), never by value.
 */
import { knownExcuse } from '../known.js'
import type { Rule } from '../invariants.js'
import { BrowserLedger, type Cause } from './ledger.js'
import { Labels } from './labels.js'
import type { PageEvent, TabView } from './page.js'
import type { ProxyAnswer, ProxyListener, RefreshOverlap } from './proxy.js'
import type { BrowserTab, TabSink } from './tab.js'
import { SESSION_GONE_CODES, TERMINAL_REFRESH_CODES } from '../../support/session-ending-codes.js'

export type BrowserRule = Rule | 'server-log-agrees' | 'heap-bounded'

export interface Violation {
  rule: BrowserRule
  step: number
  detail: string
}

const CORE_RULES: ReadonlySet<string> = new Set<Rule>([
  'one-refresher',
  'no-reuse-at-server',
  'terminal-only-when-ended',
  'signed-out-only-after-cause',
  'storage-agrees',
  'sign-in-sticks',
  'no-unhandled-rejection',
  'calls-settle',
  'comes-to-rest',
  'typed-errors',
])

export interface Answers {
  total: number
  refreshes: number
  refreshed: number
  status503: number
  status429: number
  garbage: number
  noAnswer: number
  terminal: number
}

/** Checks the rules above and keeps the walk's counts; the proxy and the tabs report to it. */
export class BrowserChecker implements ProxyListener, TabSink {
  readonly ledger = new BrowserLedger()
  readonly labels = new Labels()
  readonly violations: Violation[] = []
  readonly checks = new Map<BrowserRule, number>()
  /** Breaches excused as a known bug's symptom (`known.ts`), by bug id. */
  readonly excused = new Map<string, number>()
  readonly signedOutBy = new Map<Cause, number>()
  readonly answers: Answers = { total: 0, refreshes: 0, refreshed: 0, status503: 0, status429: 0, garbage: 0, noAnswer: 0, terminal: 0 }
  step = 0
  sessionsLost = 0
  pageErrors = 0

  constructor(
    /** Excuse nothing (`SOAK_KNOWN=include`). */
    readonly includeKnown: boolean,
  ) {}

  get checkCount(): number {
    let total = 0
    for (const n of this.checks.values()) total += n
    return total
  }

  check(rule: BrowserRule, ok: boolean, detail: () => string, tab?: TabView): void {
    this.checks.set(rule, (this.checks.get(rule) ?? 0) + 1)
    if (ok) return
    const known = CORE_RULES.has(rule)
      ? knownExcuse({ rule: rule as Rule, ...(tab ? { tab: { stale: tab.stale, degraded: tab.degraded } } : {}) }, this.includeKnown)
      : undefined
    if (known) this.excused.set(known.id, (this.excused.get(known.id) ?? 0) + 1)
    else this.violations.push({ rule, step: this.step, detail: detail() })
  }

  // Rule 1, as the proxy sees it.
  overlap(overlap: RefreshOverlap): void {
    this.check('one-refresher', false, () => `${overlap.tab ?? 'a tab'} sent a refresh while ${overlap.others.map((t) => t ?? 'a tab').join(', ')} still had one in flight`)
  }

  // Rule 2, per answer; the ledger learns every session the server hands out.
  answer(a: ProxyAnswer): void {
    this.answers.total += 1
    const isRefresh = a.path === '/token' && a.grantType === 'refresh_token'
    if (a.status === 0) this.answers.noAnswer += 1
    if (a.status === 503) this.answers.status503 += 1
    if (a.status === 429) this.answers.status429 += 1
    if (a.issued) this.ledger.learn(a.issued, a.at)
    if (isRefresh) {
      this.answers.refreshes += 1
      if (a.issued) this.answers.refreshed += 1
      else if (a.status === 200) this.answers.garbage += 1
    }
    if (a.code === undefined) return
    this.check('no-reuse-at-server', a.code !== 'refresh_token_already_used', () => `${a.tab} presented ${this.labels.token(a.presented)}: the server answered refresh_token_already_used (a family revocation)`)
    const terminal = isRefresh ? TERMINAL_REFRESH_CODES.includes(a.code) && a.status < 429 : SESSION_GONE_CODES.includes(a.code)
    if (!terminal) return
    this.answers.terminal += 1
    const sessionId = isRefresh ? this.ledger.sessionIdOf(a.presented) : a.bearer?.sessionId
    const cause = sessionId === undefined ? undefined : this.ledger.causeFor(sessionId, a.at)
    this.check('terminal-only-when-ended', cause !== undefined, () =>
      `${a.tab} ${a.method} ${a.path}${isRefresh ? ` with ${this.labels.token(a.presented)}` : ''} was answered ${a.status} ${a.code} for session ${this.labels.session(sessionId)}, which nothing ended`,
    )
  }

  pageError(tab: BrowserTab, text: string): void {
    this.pageErrors += 1
    this.check('no-unhandled-rejection', false, () => `${tab.name}: ${text}`)
  }

  // Rule 3 (and 5, for errors the page caught itself), from what a tab reported since the last step.
  tabReport(tab: BrowserTab, report: { events: PageEvent[]; errors: string[] }): void {
    for (const text of report.errors) this.pageError(tab, text)
    for (const e of report.events) {
      this.ledger.learn(e.session, e.at)
      tab.note(`${e.event}(${this.labels.ref(e.session)})`)
      if (e.event !== 'SIGNED_OUT') continue
      const sessionId = e.previous?.sessionId ?? this.ledger.sessionIdOf(e.previous?.fp)
      const cause = sessionId === undefined ? undefined : this.ledger.causeFor(sessionId, e.at)
      if (cause) this.signedOutBy.set(cause, (this.signedOutBy.get(cause) ?? 0) + 1)
      const lost = e.previous !== null && cause === undefined
      if (lost) this.sessionsLost += 1
      this.check('signed-out-only-after-cause', !lost, () =>
        `${tab.name} announced SIGNED_OUT of ${this.labels.ref(e.previous)}, which nothing ended; its last events: ${tab.recent.join(' ')}`,
      )
    }
  }

  /** Rule 4 for one tab: what disagrees, or undefined. Degraded tabs are not held to the shared storage. */
  disagreement(tab: BrowserTab, view: TabView): string | undefined {
    if (view.degraded) return undefined
    if ((view.belief?.fp ?? null) === (view.stored?.fp ?? null)) return undefined
    return `${tab.name} (${view.status}${view.stale ? ', stale' : ''}) believes ${this.labels.ref(view.belief)} but localStorage holds ${this.labels.ref(view.stored)}; its last events: ${tab.recent.join(' ')}`
  }

  storageAgrees(tab: BrowserTab, view: TabView): void {
    const detail = this.disagreement(tab, view)
    this.check('storage-agrees', detail === undefined, () => detail ?? '', view)
  }

  // Rule 6, once at rest.
  signInSticks(stored: TabView['stored'], anyDegraded: boolean, at: number): void {
    const expected = this.ledger.expected(at)
    if (expected === undefined || anyDegraded) return
    const held = stored?.sessionId ?? this.ledger.sessionIdOf(stored?.fp)
    this.check('sign-in-sticks', held === expected, () =>
      `the latest sign-in made session ${this.labels.session(expected)}, but localStorage holds ${this.labels.ref(stored)}`,
    )
  }
}
