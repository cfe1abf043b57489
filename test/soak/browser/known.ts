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

type CallOf = Extract<BrowserStep, { kind: 'calls' }>['calls'][number]

/** A calls step in which a call that `changes` the session runs alongside another call or a clock jump. */
function races(step: BrowserStep, changes: (call: CallOf) => boolean): boolean {
  if (step.kind !== 'calls' || !step.calls.some(changes)) return false
  return step.calls.length > 1 || step.jumpMs !== undefined
}

export const BROWSER_KNOWN_BUGS: readonly BrowserKnownBug[] = [
  {
    id: 'stale-cross-tab-news',
    summary:
      'a tab applies what another tab announced without checking that it is still news: across processes a ' +
      'message can arrive after the receiver made a newer change, so a SIGNED_OUT sent before a sign-in signs ' +
      'the new session out in the tab that made it (leaving it in storage), a USER_UPDATED carrying a ' +
      'session another tab has since rotated rolls the receiver back to the spent refresh token, and of two ' +
      'sign-ins racing in two tabs, one tab can end on its own session while storage holds the other\'s',
    // A sign-in or sign-out (the stale SIGNED_OUT), or a user update (the stale USER_UPDATED), racing
    // another call or a clock jump. One after another, steps leave time for the news to arrive.
    triggers: (step) =>
      races(step, (c) => c.kind === 'signIn' || (c.kind === 'signOut' && c.scope !== 'others')) || races(step, (c) => c.kind === 'updateUser'),
  },
  {
    id: 'degraded-tab-after-repeated-throws',
    summary:
      'a storage call that throws twice in a row (the store retries a single throw) still switches that tab to ' +
      'memory for good, with the consequences of the in-process walk\'s degraded-tab bug: a failed write empties ' +
      'the shared storage, so the other tabs find no session at their next refresh and sign out; a failed read ' +
      'makes the tab sign itself out although storage still holds the session',
    triggers: (step) => step.kind === 'storageFault' && step.times > 1,
  },
]

/** The browser walk's known bug a step would trigger, when such steps are skipped. */
export function browserKnownTrigger(step: BrowserStep, include: boolean): BrowserKnownBug | undefined {
  return include ? undefined : BROWSER_KNOWN_BUGS.find((bug) => bug.triggers(step))
}
