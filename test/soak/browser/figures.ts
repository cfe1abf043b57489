/**
 * The figures a browser walk produces, and the two ways they are printed: one summary line (npm test) and
 * a small table (npm run soak:browser), laid out as the in-process soak's.
 */
import type { Answers, BrowserRule } from './checker.js'
import type { Cause } from './ledger.js'

/** One tab's JS heap samples (bytes, after a full collection), per page load: a reload starts a new series. */
export interface HeapSeries {
  tab: string
  samples: number[]
}

export interface BrowserFigures {
  seed: number
  replay: string
  steps: number
  tabs: number
  algorithm: 'legacy' | 'v2'
  virtualHours: number
  realSeconds: number
  /** Whether "storage throws" steps were taken, and why. */
  storageFaults: string
  faultsInjected: Map<string, number>
  /** Steps skipped because they trigger a known bug (`known.ts`) or are switched off, by reason. */
  skipped: Map<string, number>
  /** Breaches excused as a known bug's symptom, by bug id. */
  excusedKnown: Map<string, number>
  knownIncluded: boolean
  invariantChecks: number
  checksByRule: Map<BrowserRule, number>
  violations: number
  sessionsLost: number
  signedOutBy: Map<Cause, number>
  answers: Answers
  /** Refresh requests that reached the proxy. */
  proxyRefreshes: number
  /** Refreshes the server's request log counted (a cross-check of the proxy's count). */
  serverRefreshes: number
  maxRefreshesInFlight: number
  requests: number
  lifecycle: Map<string, number>
  reloads: number
  /** Steps after which some awake tab's storage was degraded to memory. */
  degradedSteps: number
  outcomes: Map<string, number>
  pageErrors: number
  heap: HeapSeries[]
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

function list(map: Map<string, number>): string {
  return [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'
}

function sum(map: Map<string, number>): number {
  let total = 0
  for (const n of map.values()) total += n
  return total
}

/**
 * How much a series grew after warm-up: its last sample minus its second (the first is taken as the page
 * has just loaded, before the client did anything). 0 for a series too short to say.
 */
export function heapGrowth(series: HeapSeries): number {
  const { samples } = series
  return samples.length < 3 ? 0 : samples[samples.length - 1]! - samples[1]!
}

function heapLine(f: BrowserFigures): string {
  if (f.heap.length === 0) return 'no samples'
  const parts = f.heap
    .filter((s) => s.samples.length > 0)
    .map((s) => `${s.tab} ${mb(s.samples[0]!)}→${mb(s.samples[s.samples.length - 1]!)} (${s.samples.length})`)
  const growth = Math.max(0, ...f.heap.map(heapGrowth))
  const peak = Math.max(0, ...f.heap.flatMap((s) => s.samples))
  // A reload starts a new series (a new page), so on a long run most series are short: the peak over every
  // sample says as much about flatness as the growth within one.
  const shown = parts.length > 8 ? [...parts.slice(0, 8), `… ${parts.length - 8} more`] : parts
  return `peak ${mb(peak)}, largest growth after warm-up ${mb(growth)}; ${shown.join(', ')}`
}

/** One line for npm test. */
export function browserSummaryLine(f: BrowserFigures): string {
  return (
    `browser soak seed=${f.seed} (${f.algorithm}) steps=${f.steps} tabs=${f.tabs} virtual=${f.virtualHours.toFixed(1)}h ` +
    `real=${f.realSeconds.toFixed(1)}s faults=${sum(f.faultsInjected)} checks=${f.invariantChecks} ` +
    `refreshes=${f.proxyRefreshes} (ok ${f.answers.refreshed}, max in flight ${f.maxRefreshesInFlight}) ` +
    `signedOut=${sum(f.signedOutBy)} lost=${f.sessionsLost} violations=${f.violations} storageFaults=${f.storageFaults}`
  )
}

/** The table `npm run soak:browser` prints. */
export function browserTable(f: BrowserFigures): string {
  const rows: Array<[string, string]> = [
    ['seed', `${f.seed} (refresh tokens: ${f.algorithm})`],
    ['steps', `${f.steps} over ${f.tabs} Chromium tabs, ${f.virtualHours.toFixed(1)} h virtual in ${f.realSeconds.toFixed(1)} s real`],
    ['faults injected', `${sum(f.faultsInjected)}: ${list(f.faultsInjected)}`],
    ['storage faults', f.storageFaults],
    ['skipped steps', list(f.skipped)],
    ['excused (known)', f.knownIncluded ? 'nothing (SOAK_KNOWN=include)' : list(f.excusedKnown)],
    ['tab lifecycle', `${list(f.lifecycle)}; reloads ${f.reloads}`],
    ['requests', `${f.requests} through the proxy`],
    ['refreshes', `${f.proxyRefreshes} (server log ${f.serverRefreshes}), ${f.answers.refreshed} rotated, at most ${f.maxRefreshesInFlight} in flight at once`],
    ['answers', `503 ×${f.answers.status503}, 429 ×${f.answers.status429}, garbage ×${f.answers.garbage}, no answer ×${f.answers.noAnswer}, terminal ×${f.answers.terminal}`],
    ['invariant checks', `${f.invariantChecks}: ${list(f.checksByRule)}`],
    ['signed out', `${sum(f.signedOutBy)}, each after a cause: ${list(f.signedOutBy)}`],
    ['sessions lost', String(f.sessionsLost)],
    ['degraded storage', `${f.degradedSteps} step(s) ended with a tab on memory storage`],
    ['violations', String(f.violations)],
    ['page errors', String(f.pageErrors)],
    ['heap (per tab)', heapLine(f)],
    ['replay', f.replay],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')
}

/** The public calls' outcomes (not part of the table). */
export function browserOutcomesLine(f: BrowserFigures): string {
  return list(f.outcomes)
}
