/**
 * The chaos soak's cross-tab part (issue 13 §4), in Debian's chromium: a seeded walk over tabs of one
 * browser context (one localStorage, Web Locks, BroadcastChannel) with random public calls, server faults,
 * revocation elsewhere, reloads, frozen and woken tabs, and hours of virtual time, every invariant checked
 * after every step (`test/soak/browser/checker.ts`). A fixed, small budget here; `npm run soak:browser`
 * (scripts/soak-browser.ts) runs longer and prints the figures.
 *
 * A failure prints the seed, the command that replays it and the steps that led to it. Tokens are never
 * printed: reports name them by label (R1, S1, …).
 */
import { describe, expect, it } from 'vitest'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { browserSoakConfig } from '../soak/browser/config.js'
import { browserSummaryLine, heapGrowth } from '../soak/browser/figures.js'
import { browserWalk, HEAP_GROWTH_BOUND_BYTES, type BrowserViolationReport } from '../soak/browser/walk.js'

/** Pinned, not read from SOAK_* (those are for `npm run soak:browser`): the budget in npm test stays fixed. */
const BUDGET = { seed: 7, steps: 120, tabs: 3 } as const

function report(violations: BrowserViolationReport[]): string {
  return violations.map((v) => [`${v.rule} at step ${v.step}: ${v.detail}`, ...v.trace.map((line) => `  ${line}`)].join('\n')).join('\n\n')
}

describe.skipIf(!hasChromium)(`chaos soak across Chromium tabs${SKIP_NOTE}`, () => {
  it(`seed ${BUDGET.seed}: ${BUDGET.tabs} tabs × ${BUDGET.steps} steps keep every invariant`, async () => {
    const config = browserSoakConfig({ ...BUDGET, storageFaults: 'auto' })
    const { figures, violations } = await browserWalk(config, { includeKnown: false })
    console.log(browserSummaryLine(figures))
    expect(violations, `replay: ${figures.replay}\n${report(violations)}`).toEqual([])
    expect(figures.steps).toBe(BUDGET.steps)
    expect(figures.sessionsLost).toBe(0)
    expect(figures.pageErrors).toBe(0)
    expect(figures.maxRefreshesInFlight).toBeLessThanOrEqual(1)
    expect(figures.serverRefreshes).toBe(figures.proxyRefreshes)
    expect(Math.max(0, ...figures.heap.map(heapGrowth))).toBeLessThanOrEqual(HEAP_GROWTH_BOUND_BYTES)
    // The walk did what it is for: tokens rotated, faults were met, tabs froze and woke, rules were checked.
    expect(figures.answers.refreshed).toBeGreaterThan(0)
    expect(figures.answers.status503 + figures.answers.status429 + figures.answers.noAnswer).toBeGreaterThan(0)
    expect(figures.lifecycle.get('freeze') ?? 0).toBeGreaterThan(0)
    expect(figures.invariantChecks).toBeGreaterThan(BUDGET.steps * 3)
  }, 120_000)
})
