/**
 * The chaos soak's fixed budget for `npm test` (issue 13 §4): a few seeded walks of 3 tabs × 400 steps, each
 * covering days of virtual time, with every invariant checked after every step (see `invariants.ts`).
 * Seeds alternate the server's refresh-token algorithm (odd: v2, even: legacy). `npm run soak` runs longer.
 *
 * A failure prints the seed, the command that replays it and the steps that led to it; turn it into a
 * minimal sequence in `test/rules/soak-findings.test.ts`.
 */
import { describe, expect, it } from 'vitest'
import { soakConfig } from './config.js'
import { summaryLine } from './figures.js'
import { walk, type ViolationReport } from './walk.js'

const SEEDS = [1, 2, 3] as const
const BUDGET = { steps: 400, clients: 3 } as const

function report(violations: ViolationReport[]): string {
  return violations
    .map((v) => [`${v.rule} at step ${v.step}: ${v.detail}`, ...v.trace.map((line) => `  ${line}`)].join('\n'))
    .join('\n\n')
}

describe('chaos soak: tabs sharing one storage, random calls and faults over days of virtual time', () => {
  it.each(SEEDS)('seed %i keeps every invariant', async (seed) => {
    // Pinned here, not read from SOAK_* (those are for `npm run soak`): the budget in npm test stays fixed.
    const config = soakConfig({ seed, ...BUDGET })
    const { figures, violations } = await walk(config, { includeKnown: false })
    console.log(summaryLine(figures))
    expect(violations, `replay: ${figures.replay}\n${report(violations)}`).toEqual([])
    expect(figures.steps).toBe(BUDGET.steps)
    expect(figures.sessionsLost).toBe(0)
    expect(figures.unhandled).toBe(0)
    expect(figures.maxRefreshesInFlight).toBeLessThanOrEqual(1)
    // The walk did what it is for: sessions were refreshed, faults were injected and met, rules checked.
    expect(figures.answers.refreshed).toBeGreaterThan(0)
    expect(figures.answers.status503 + figures.answers.status429 + figures.answers.noAnswer).toBeGreaterThan(0)
    expect(figures.invariantChecks).toBeGreaterThan(BUDGET.steps * 3)
  }, 60_000)
})
