/**
 * Bugs the soak found that are not fixed yet, each pinned by `it.fails` regression tests that replay its
 * minimal sequence in `test/rules/soak-findings.test.ts` (none now: all five found so far are fixed). By default the walk still draws the steps that trigger them (a seed
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

export const KNOWN_BUGS: readonly KnownBug[] = [
  // None open: the five bugs the soak found are fixed (test/rules/soak-findings.test.ts).
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
