/**
 * The chaos soak's cross-tab part: a seeded random walk over K Chromium tabs of one browser context, with
 * the invariants of `checker.ts` checked as things happen and after every step. Returns the figures and
 * every violation with the steps that led to it, so a failure is replayed from the seed it prints.
 *
 * Steps are a pure function of the seed; what the tabs do within a step is not (they are separate
 * processes racing in real time), which is the point: the invariants are about outcomes, never timings, and
 * every wait is bounded far beyond what a loaded machine needs.
 */
import { includeKnown, knownTrigger } from '../known.js'
import { Prng } from '../prng.js'
import { browserReplayCommand, type BrowserSoakConfig } from './config.js'
import { BrowserChecker, type Violation } from './checker.js'
import { heapGrowth, type BrowserFigures, type HeapSeries } from './figures.js'
import { browserKnownTrigger } from './known.js'
import type { TabView } from './page.js'
import { BrowserStepRunner } from './runner.js'
import { coreStep, describeBrowserStep, nextBrowserStep, type BrowserStep } from './scenario.js'
import type { BrowserTab } from './tab.js'
import { BrowserWorld, VIRTUAL_EPOCH } from './world.js'
import { STATUS_CODES } from '../walk.js'

const USERS = 2
/** Tabs that do not come back to rest within this long (real time) are stuck. */
const REST_BOUND_MS = 30_000
/**
 * Once at rest, how long the tabs have to agree with localStorage (real time). Cross-tab news (a storage
 * event, a channel message) takes milliseconds; this bound is for a loaded machine, and only a tab that
 * never catches up fails the rule.
 */
const AGREE_BOUND_MS = 5_000
const POLL_MS = 15
/** Heap growth of one tab after warm-up that still counts as flat. */
export const HEAP_GROWTH_BOUND_BYTES = 8 * 1024 * 1024

export interface BrowserWalkOptions {
  /** Stop at the first step with a violation (default true: later steps only repeat the consequence). */
  stopOnViolation?: boolean
  /** Take the steps that trigger known bugs (default: `SOAK_KNOWN=include`). */
  includeKnown?: boolean
  /** Progress lines (the soak script prints them; the test stays quiet). */
  progress?: (line: string) => void
  /** Every step's line as it is taken. */
  verbose?: (line: string) => void
}

export interface BrowserViolationReport extends Violation {
  /** The steps up to and including the one that broke the rule, with where the tabs ended after each. */
  trace: string[]
}

export interface BrowserWalkResult {
  config: BrowserSoakConfig
  figures: BrowserFigures
  violations: BrowserViolationReport[]
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The steps a seed produces, for turning a failure into a regression test. */
export function browserStepsOf(config: Pick<BrowserSoakConfig, 'seed' | 'tabs'>, count: number): BrowserStep[] {
  const prng = new Prng(config.seed)
  return Array.from({ length: count }, () => nextBrowserStep(prng, config.tabs, USERS))
}


/** Where the tabs and the storage are, in one short line (`z`: frozen, `!`: degraded, `~`: stale). */
function where(world: BrowserWorld, checker: BrowserChecker): string {
  const tabs = world.tabs.map((tab) => {
    const view = tab.lastView
    if (view === undefined) return '?'
    const status = STATUS_CODES[view.status] ?? view.status
    return `${status}${tab.frozen ? 'z' : ''}${view.degraded ? '!' : ''}${view.stale ? '~' : ''}`
  })
  const stored = world.awake[0]?.lastView?.stored
  return `[${tabs.join(' ')}] stored ${checker.labels.ref(stored)}`
}

/** Why a step is not taken, or undefined. */
function skipReason(step: BrowserStep, config: BrowserSoakConfig, include: boolean): string | undefined {
  if (step.kind === 'storageFault') {
    if (config.storageFaults === 'off') return 'storage faults off'
    if (config.storageFaults === 'on' || config.storageFaults === 'once') return undefined
  }
  const core = coreStep(step)
  const known = (core && knownTrigger(core, include)) ?? browserKnownTrigger(step, include)
  return known ? `known bug ${known.id}` : undefined
}

/** The step as this run takes it: `SOAK_BROWSER_STORAGE_FAULTS=once` makes every storage fault throw once. */
function effective(step: BrowserStep, config: BrowserSoakConfig): BrowserStep {
  return step.kind === 'storageFault' && config.storageFaults === 'once' ? { ...step, times: 1 } : step
}

function storageFaultsNote(config: BrowserSoakConfig, include: boolean): string {
  if (config.storageFaults !== 'auto') return `${config.storageFaults} (SOAK_BROWSER_STORAGE_FAULTS)`
  const skipped = (times: number): string | undefined => skipReason({ kind: 'storageFault', op: 'setItem', tab: 0, times }, config, include)
  const [once, twice] = [skipped(1), skipped(2)]
  if (once === undefined && twice === undefined) return 'on'
  const note = once !== undefined ? `off: ${once}` : `single throws on, double throws off: ${twice}`
  return `${note} (SOAK_BROWSER_STORAGE_FAULTS=on takes them all)`
}

async function readViews(tabs: readonly BrowserTab[]): Promise<Array<TabView | undefined>> {
  return Promise.all(tabs.map((tab) => tab.view()))
}

/** Waits until no request is in flight and every awake tab is at rest, a few polls in a row. */
async function comeToRest(world: BrowserWorld, checker: BrowserChecker): Promise<void> {
  const deadline = Date.now() + REST_BOUND_MS
  for (let calm = 0; calm < 3; ) {
    let busy = world.proxy.inFlight > 0
    if (!busy) busy = (await readViews(world.awake)).some((view) => view === undefined || !view.settled) || world.proxy.inFlight > 0
    calm = busy ? 0 : calm + 1
    if (Date.now() > deadline) {
      checker.check('comes-to-rest', false, () => `still busy after ${REST_BOUND_MS} ms: ${where(world, checker)}, ${world.proxy.inFlight} request(s) in flight`)
      return
    }
    await sleep(POLL_MS)
  }
  checker.check('comes-to-rest', true, () => '')
}

/** Rule 4, given time for cross-tab news to arrive: polls until every awake tab agrees, within the bound. */
async function storageAgrees(world: BrowserWorld, checker: BrowserChecker): Promise<void> {
  const deadline = Date.now() + AGREE_BOUND_MS
  for (;;) {
    const views = await readViews(world.awake)
    const agreed = world.awake.every((tab, i) => views[i] !== undefined && checker.disagreement(tab, views[i]!) === undefined)
    if (agreed || Date.now() > deadline) {
      world.awake.forEach((tab, i) => {
        const view = views[i]
        if (view) checker.storageAgrees(tab, view)
        else checker.check('comes-to-rest', false, () => `${tab.name} did not answer`)
      })
      return
    }
    await sleep(POLL_MS * 2)
  }
}

async function drainReports(world: BrowserWorld, checker: BrowserChecker): Promise<void> {
  const reports = await Promise.all(world.awake.map((tab) => tab.drain()))
  world.awake.forEach((tab, i) => checker.tabReport(tab, reports[i]!))
}

/** Samples every awake tab's heap into its series (a reload starts a new one) and bounds its growth. */
async function sampleHeap(world: BrowserWorld, checker: BrowserChecker, heap: Map<string, HeapSeries>): Promise<void> {
  for (const tab of world.awake) {
    let series = heap.get(tab.name)
    if (series === undefined) heap.set(tab.name, (series = { tab: tab.name, samples: [] }))
    series.samples.push(await tab.heapUsed())
    const growth = heapGrowth(series)
    checker.check('heap-bounded', growth <= HEAP_GROWTH_BOUND_BYTES, () => `${tab.name}'s heap grew ${(growth / 1024 / 1024).toFixed(1)} MB after warm-up (bound ${HEAP_GROWTH_BOUND_BYTES / 1024 / 1024} MB)`)
  }
}

/**
 * Runs one seeded walk of `config.steps` steps over `config.tabs` tabs and returns its figures and violations.
 *
 * @example
 * const { figures, violations } = await browserWalk(browserSoakConfig({ seed: 7, steps: 120, tabs: 3 }))
 */
export async function browserWalk(config: BrowserSoakConfig, options: BrowserWalkOptions = {}): Promise<BrowserWalkResult> {
  const stopOnViolation = options.stopOnViolation ?? true
  const include = options.includeKnown ?? includeKnown()
  const prng = new Prng(config.seed)
  const checker = new BrowserChecker(include)
  const started = Date.now()
  const world = await BrowserWorld.open(config, checker, USERS)
  const runner = new BrowserStepRunner(world, checker)
  const skipped = new Map<string, number>()
  const heap = new Map<string, HeapSeries>()
  const trace: string[] = []
  const violations: BrowserViolationReport[] = []
  let steps = 0
  let degradedSteps = 0
  let serverRefreshes = 0
  let proxyRefreshesSeen = 0
  // The server's log is cleared as it is read, so a long run does not keep it; the proxy's count is a total.
  const crossCheckLog = (): void => {
    const counted = world.server.requests.count({ path: '/token', grantType: 'refresh_token' })
    world.server.requests.clear()
    serverRefreshes += counted
    const seen = world.proxy.refreshes - proxyRefreshesSeen
    proxyRefreshesSeen = world.proxy.refreshes
    checker.check('server-log-agrees', counted === seen, () => `the server logged ${counted} refreshes where the proxy saw ${seen}`)
  }
  try {
    await comeToRest(world, checker)
    await sampleHeap(world, checker, heap)
    for (let i = 0; i < config.steps; i += 1) {
      checker.step = i
      const step = effective(nextBrowserStep(prng, config.tabs, USERS), config)
      const seen = checker.violations.length
      const skip = skipReason(step, config, include)
      if (skip !== undefined) {
        skipped.set(skip, (skipped.get(skip) ?? 0) + 1)
        runner.lastOutcomes = [`skipped: ${skip}`]
      } else {
        await runner.run(step, i)
      }
      await comeToRest(world, checker)
      // Drained before the storage check, so a disagreement's report shows the tab's latest events.
      await drainReports(world, checker)
      await storageAgrees(world, checker)
      const awakeViews = world.awake.map((tab) => tab.lastView)
      checker.signInSticks(awakeViews[0]?.stored ?? null, awakeViews.some((view) => view?.degraded === true), Date.now())
      if (awakeViews.some((view) => view?.degraded === true)) degradedSteps += 1
      steps += 1
      const outcomes = runner.lastOutcomes.length > 0 ? ` (${runner.lastOutcomes.join(', ')})` : ''
      const line = `#${i} ${describeBrowserStep(step)}${outcomes} → ${where(world, checker)}`
      options.verbose?.(line)
      trace.push(line)
      if (trace.length > config.traceLength) trace.shift()
      if ((i + 1) % config.heapEvery === 0) {
        crossCheckLog()
        await sampleHeap(world, checker, heap)
        options.progress?.(`step ${i + 1}/${config.steps}: ${checker.checkCount} checks, ${checker.violations.length} violations, ${where(world, checker)}`)
      }
      for (const v of checker.violations.slice(seen)) violations.push({ ...v, trace: [...trace] })
      if (violations.length > 0 && stopOnViolation) break
    }
    // Every tab awake at the end, so the last word on storage and heap covers them all.
    for (const tab of world.tabs) await world.wake(tab)
    await comeToRest(world, checker)
    await drainReports(world, checker)
    await storageAgrees(world, checker)
    await drainReports(world, checker)
    crossCheckLog()
    await sampleHeap(world, checker, heap)
    for (const v of checker.violations.slice(violations.length)) violations.push({ ...v, trace: [...trace] })
  } finally {
    await world.close()
  }
  const figures: BrowserFigures = {
    seed: config.seed,
    replay: browserReplayCommand(config),
    steps,
    tabs: config.tabs,
    algorithm: config.refreshTokenAlgorithmVersion === 2 ? 'v2' : 'legacy',
    virtualHours: (world.virtualNow - VIRTUAL_EPOCH) / 3_600_000,
    realSeconds: (Date.now() - started) / 1000,
    storageFaults: storageFaultsNote(config, include),
    faultsInjected: new Map(runner.injected),
    skipped,
    excusedKnown: new Map(checker.excused),
    knownIncluded: include,
    invariantChecks: checker.checkCount,
    checksByRule: new Map(checker.checks),
    violations: checker.violations.length,
    sessionsLost: checker.sessionsLost,
    signedOutBy: new Map(checker.signedOutBy),
    answers: { ...checker.answers },
    proxyRefreshes: world.proxy.refreshes,
    serverRefreshes,
    maxRefreshesInFlight: world.proxy.maxRefreshesInFlight,
    requests: world.proxy.requests,
    lifecycle: new Map(runner.lifecycle),
    reloads: world.reloads,
    degradedSteps,
    outcomes: new Map(runner.outcomes),
    pageErrors: checker.pageErrors,
    heap: [...heap.values()],
  }
  return { config, figures, violations }
}
