/**
 * The figures a walk produces, and the two ways they are printed: one summary line (npm test) and a small
 * table (npm run soak).
 */
import type { Cause } from './ledger.js'
import type { Rule } from './invariants.js'

export interface Figures {
  seed: number
  replay: string
  steps: number
  clients: number
  algorithm: 'legacy' | 'v2'
  virtualHours: number
  realSeconds: number
  faultsInjected: Map<string, number>
  /** Steps skipped because they trigger a known bug (`known.ts`), by bug id. */
  skippedKnown: Map<string, number>
  /** Breaches excused as a known bug's symptom, by bug id. */
  excusedKnown: Map<string, number>
  /** SOAK_KNOWN=include: nothing skipped or excused. */
  knownIncluded: boolean
  invariantChecks: number
  checksByRule: Map<Rule, number>
  violations: number
  sessionsLost: number
  signedOutBy: Map<Cause, number>
  answers: { total: number; refreshed: number; status503: number; status429: number; garbage: number; noAnswer: number; terminal: number }
  maxRefreshesInFlight: number
  requests: number
  reloads: number
  outcomes: Map<string, number>
  unhandled: number
  /** heapUsed samples in bytes: at the start, every `heapEvery` steps, and at the end. */
  heap: number[]
}

/** heapUsed after a full collection when the process runs with --expose-gc, else as it stands. */
export function heapSample(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc === 'function') {
    gc()
    gc()
  }
  return process.memoryUsage().heapUsed
}

export const gcExposed = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function'

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

export function totalFaults(figures: Figures): number {
  let total = 0
  for (const [kind, n] of figures.faultsInjected) if (!kind.includes('nobody')) total += n
  return total
}

/**
 * Heap growth after warm-up: the least-squares slope of the samples past the first quarter, in bytes per
 * 1,000 steps. A slope, not end minus start, so one late young-generation spike does not read as a leak.
 */
export function heapSlopePer1000Steps(figures: Figures, heapEvery: number): number {
  const samples = figures.heap.slice(Math.floor(figures.heap.length / 4))
  if (samples.length < 3) return 0
  const xs = samples.map((_, i) => i * heapEvery)
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = samples.reduce((a, b) => a + b, 0) / samples.length
  let num = 0
  let den = 0
  for (let i = 0; i < samples.length; i += 1) {
    num += (xs[i]! - mx) * (samples[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? 0 : (num / den) * 1000
}

function sum(map: Map<string, number>): number {
  let total = 0
  for (const n of map.values()) total += n
  return total
}

function list(map: Map<string, number>): string {
  return [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'
}

/** One line for npm test. */
export function summaryLine(f: Figures): string {
  return (
    `soak seed=${f.seed} (${f.algorithm}) steps=${f.steps} clients=${f.clients} virtual=${f.virtualHours.toFixed(1)}h ` +
    `faults=${totalFaults(f)} checks=${f.invariantChecks} violations=${f.violations} sessionsLost=${f.sessionsLost} ` +
    `knownSkipped=${sum(f.skippedKnown)} knownExcused=${sum(f.excusedKnown)} ` +
    `refreshes=${f.answers.refreshed} maxInFlight=${f.maxRefreshesInFlight} heap=${mb(f.heap[0] ?? 0)}→${mb(f.heap.at(-1) ?? 0)} ` +
    `in ${f.realSeconds.toFixed(1)}s`
  )
}

/** The table `npm run soak` prints. */
export function table(f: Figures, heapEvery: number): string {
  const heapStart = f.heap[0] ?? 0
  const heapWarm = f.heap[Math.floor(f.heap.length / 4)] ?? heapStart
  const heapEnd = f.heap.at(-1) ?? 0
  const rows: Array<[string, string]> = [
    ['seed', `${f.seed} (${f.algorithm} refresh tokens)`],
    ['steps', `${f.steps} over ${f.clients} tabs, ${f.virtualHours.toFixed(1)} h of virtual time, ${f.realSeconds.toFixed(1)} s real`],
    ['faults injected', `${totalFaults(f)}: ${list(f.faultsInjected)}`],
    ['known bugs', f.knownIncluded ? 'included (SOAK_KNOWN=include)' : `steps skipped: ${list(f.skippedKnown)}; symptoms excused: ${list(f.excusedKnown)} (SOAK_KNOWN=include takes and flags them)`],
    ['server answers', `${f.requests} requests; ${f.answers.refreshed} refreshes; 503 ×${f.answers.status503}, 429 ×${f.answers.status429}, garbage ×${f.answers.garbage}, no answer ×${f.answers.noAnswer}, terminal ×${f.answers.terminal}`],
    ['refreshes in flight', `at most ${f.maxRefreshesInFlight} at once`],
    ['invariant checks', `${f.invariantChecks}: ${list(f.checksByRule)}`],
    ['signed out', `${list(f.signedOutBy)}; tab reloads ${f.reloads}`],
    ['sessions lost', String(f.sessionsLost)],
    ['violations', String(f.violations)],
    ['unhandled rejections', String(f.unhandled)],
    ['heap', `${mb(heapStart)} start, ${mb(heapWarm)} after warm-up, ${mb(heapEnd)} end; ${(heapSlopePer1000Steps(f, heapEvery) / 1024).toFixed(0)} KB per 1,000 steps after warm-up${gcExposed() ? '' : ' (no --expose-gc: samples include garbage)'}`],
    ['replay', f.replay],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')
}

/** The public calls' outcomes, for the curious (not part of the table). */
export function outcomesLine(f: Figures): string {
  return list(f.outcomes)
}

/** A violation as a walk reports it: the rule, where, what, and the steps that led there. */
export interface ReportedViolation {
  rule: string
  step: number
  detail: string
  trace: string[]
}

/**
 * Prints each violation with the replay command and the steps that led to it; keeping going, only the first
 * of each rule (one tends to repeat for a while), then a count by rule.
 */
export function printViolations(violations: readonly ReportedViolation[], replay: string, keepGoing: boolean): void {
  const shown = new Set<string>()
  for (const v of violations) {
    if (keepGoing && shown.has(v.rule)) continue
    shown.add(v.rule)
    console.log(`\nVIOLATION of ${v.rule} at step ${v.step}: ${v.detail}`)
    console.log(`replay: ${replay}`)
    for (const line of v.trace) console.log(`  ${line}`)
  }
  if (keepGoing && violations.length > 0) {
    const byRule = new Map<string, number>()
    for (const v of violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1)
    console.log(`\nviolations by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`)
  }
}
