/**
 * Bugs the browser walk found that are not fixed yet, each pinned by an `it.fails` reproduction in
 * `test/browser/soak-tabs-findings.test.ts`. They add to the in-process walk's list (`../known.ts`), which the
 * browser walk honours too, and work the same way: by default the walk still draws their trigger steps (a
 * seed means the same step sequence either way) but skips them; `SOAK_KNOWN=include` takes them.
 *
 * When one is fixed, its reproduction passes, `it.fails` turns red, and its entry here goes.
 */
import type { BrowserStep } from './scenario.js'

export interface BrowserKnownBug {
  id: string
  summary: string
  /** Steps that trigger it: skipped unless `SOAK_KNOWN=include`. */
  triggers(step: BrowserStep): boolean
}

/**
 * Empty: the stale cross-tab news (a late SIGNED_OUT or USER_UPDATED applied over a newer change), the
 * degraded tab after two throws in a row, and the crossing sign-ins (two tabs changing the sign-in at once)
 * are fixed; each is replayed in `soak-tabs-findings.test.ts`.
 */
export const BROWSER_KNOWN_BUGS: readonly BrowserKnownBug[] = []

/** The browser walk's known bug a step would trigger, when such steps are skipped. */
export function browserKnownTrigger(step: BrowserStep, include: boolean): BrowserKnownBug | undefined {
  return include ? undefined : BROWSER_KNOWN_BUGS.find((bug) => bug.triggers(step))
}
