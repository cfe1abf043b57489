/**
 * Bugs the soak found that are not fixed yet (each fix costs more of the main entry's size budget than
 * this work may spend), each pinned by `it.fails` regression tests that replay its minimal sequence in
 * `test/rules/soak-findings.test.ts`. By default the walk still draws the steps that trigger them (a seed
 * means the same step sequence either way) but skips them, and excuses (counts, never hides) the one
 * symptom a bug shows that no step can be kept from causing; so the budgeted run in `npm test` holds every
 * rule on everything else. `SOAK_KNOWN=include` takes the triggers and excuses nothing, to watch the bugs
 * (or to check a fix).
 *
 * When one is fixed, its regression tests start passing, `it.fails` turns red, and its entry goes.
 */
import type { Rule } from './invariants.js'
import type { Step } from './scenario.js'

/** What a rule knew when it broke, for an excuse to judge. */
export interface Breach {
  rule: Rule
  /** The tab the rule was checked on, if one. */
  tab?: { stale: boolean; degraded: boolean }
}

export interface KnownBug {
  id: string
  summary: string
  /** Steps that trigger it: skipped unless `SOAK_KNOWN=include`. */
  triggers(step: Step): boolean
  /** Its symptom where no step can be kept from causing it: excused (and counted) unless included. */
  excuses?(breach: Breach): boolean
}

/** A step in which a sign-in or sign-out races other calls or a clock jump (a refresh, or another sign-in/out). */
function racesSessionChange(step: Step): boolean {
  if (step.kind !== 'calls') return false
  const changesSession = step.calls.some((c) => c.kind === 'signIn' || (c.kind === 'signOut' && c.scope !== 'others'))
  return changesSession && (step.calls.length > 1 || step.jumpMs !== undefined)
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'degraded-tab-leaves-shared-storage',
    summary:
      'one failed storage call switches that tab to memory for good: its rotations never reach the shared storage ' +
      '(which a failed write also empties) and what it adopts from other tabs never reaches its memory copy, so ' +
      'the other tabs disagree with storage and sign out at their next refresh (sessions lost), and the degraded ' +
      'tab can spend a stale token from its copy (refresh_token_already_used)',
    triggers: (step) => step.kind === 'storageFault',
  },
  {
    id: 'busy-tab-misses-cross-tab-news',
    summary:
      'while refreshing or signing in, a tab ignores what other tabs announce, on the ground that its operation ' +
      'settles the session anyway; it does not when the refresh read storage before another tab changed it: a ' +
      'refresh that succeeds writes the old session over a sign-in made meanwhile (every tab flips back), one ' +
      'that fails transiently keeps a session replaced or signed out elsewhere until its retry, and a failed ' +
      'sign-in falls back to a session another tab signed out meanwhile',
    triggers: racesSessionChange,
    // A transient failure concurrent with another tab's terminal refresh (a revocation) needs no racing step.
    excuses: (breach) => breach.rule === 'storage-agrees' && breach.tab?.stale === true,
  },
]

/** Whether the known bugs' triggers are taken (`SOAK_KNOWN=include`) or skipped (default). */
export function includeKnown(): boolean {
  return process.env['SOAK_KNOWN'] === 'include'
}

/** The known bug a step would trigger, when such steps are skipped. */
export function knownTrigger(step: Step, include: boolean): KnownBug | undefined {
  return include ? undefined : KNOWN_BUGS.find((bug) => bug.triggers(step))
}

/** The known bug that excuses a breach, when known bugs are not included. */
export function knownExcuse(breach: Breach, include: boolean): KnownBug | undefined {
  return include ? undefined : KNOWN_BUGS.find((bug) => bug.excuses?.(breach) === true)
}
