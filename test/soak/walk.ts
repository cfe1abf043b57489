/**
 * The chaos soak: a seeded random walk over K tabs sharing one storage, with the invariants of
 * `invariants.ts` checked after every step (and some as things happen). Returns the figures and every
 * violation, each with the steps that led to it, so a failure is replayed from the seed it prints.
 */
import { replayCommand, type SoakConfig } from './config.js'
import { heapSample, type Figures } from './figures.js'
import { Checker, type Violation } from './invariants.js'
import { includeKnown } from './known.js'
import { Ledger } from './ledger.js'
import { Prng } from './prng.js'
import { describeStep, nextStep, type Step } from './scenario.js'
import { StepRunner } from './steps.js'
import { VIRTUAL_EPOCH, World } from './world.js'

/** Tabs that do not come back to rest within this long (real time) are stuck. */
const QUIESCE_BOUND_MS = 20_000
const USERS = 2

export interface WalkOptions {
  /** Stop at the first step with a violation (default true: later steps only repeat the consequence). */
  stopOnViolation?: boolean
  /** Progress lines (the soak script prints them; the test stays quiet). */
  progress?: (line: string) => void
  /** Take the steps that trigger known bugs (default: `SOAK_KNOWN=include`). */
  includeKnown?: boolean
  /** Every step's line as it is taken (SOAK_VERBOSE=1). */
  verbose?: (line: string) => void
}

export interface ViolationReport extends Violation {
  /** The steps up to and including the one that broke the rule, with where the tabs ended after each. */
  trace: string[]
}

export interface WalkResult {
  config: SoakConfig
  figures: Figures
  violations: ViolationReport[]
}

/** The steps a seed produces: the walk's exact sequence, for turning a failure into a regression test. */
export function stepsOf(config: Pick<SoakConfig, 'seed' | 'clients'>, count: number): Step[] {
  const prng = new Prng(config.seed)
  return Array.from({ length: count }, () => nextStep(prng, config.clients, USERS))
}

/** Each status in the trace's few letters (`auth`, `ref…`); both walks print tabs with them. */
export const STATUS_CODES: Record<string, string> = {
  initializing: 'init',
  signedOut: 'out',
  signingIn: 'in…',
  anonymous: 'anon',
  mfaChallenge: 'mfa',
  authenticated: 'auth',
  refreshing: 'ref…',
  signingOut: 'out…',
}

/** Where the tabs and the storage are, in one short line. */
function where(world: World): string {
  const tabs = world.tabs.map((t) => `${STATUS_CODES[t.auth.snapshot.status] ?? t.auth.snapshot.status}${t.degraded ? '!' : ''}${t.auth.snapshot.stale ? '~' : ''}`)
  const stored = world.stored()?.refresh_token
  return `[${tabs.join(' ')}] stored ${stored === undefined ? 'none' : `…${stored.slice(-6)}`}`
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Waits until no request is in flight and every tab is at rest, a few turns in a row. */
async function quiesce(world: World, checker: Checker): Promise<void> {
  const deadline = Date.now() + QUIESCE_BOUND_MS
  for (let calm = 0; calm < 3; ) {
    const busy = world.probe.inFlight > 0 || world.tabs.some((t) => !t.settled)
    if (busy) {
      calm = 0
      await sleep(2)
    } else {
      calm += 1
      await macrotask()
    }
    if (Date.now() > deadline) {
      checker.record('comes-to-rest', false, () => `still busy after ${QUIESCE_BOUND_MS} ms: ${where(world)}, ${world.probe.inFlight} request(s) in flight`)
      return
    }
  }
  checker.record('comes-to-rest', true, () => '')
}

export async function walk(config: SoakConfig, options: WalkOptions = {}): Promise<WalkResult> {
  const stopOnViolation = options.stopOnViolation ?? true
  const include = options.includeKnown ?? includeKnown()
  const prng = new Prng(config.seed)
  const ledger = new Ledger()
  const checker = new Checker(ledger, include)
  const onRejection = (reason: unknown): void => checker.unhandled('rejection', reason)
  const onException = (error: unknown): void => checker.unhandled('exception', error)
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  // The chart's backoff jitter reads Math.random; seeding it too makes retry times part of the replay.
  const realRandom = Math.random
  const jitter = new Prng(config.seed ^ 0x5bd1e995)
  Math.random = () => jitter.next()

  const started = Date.now()
  const heap: number[] = [heapSample()]
  const trace: string[] = []
  const violations: ViolationReport[] = []
  const world = await World.open(config, ledger, checker, USERS)
  const runner = new StepRunner(world, checker, include)
  let steps = 0
  try {
    await quiesce(world, checker)
    for (let i = 0; i < config.steps; i += 1) {
      checker.step = i
      const step = nextStep(prng, config.clients, USERS)
      const seen = checker.violations.length
      await runner.run(step, i)
      await quiesce(world, checker)
      await checker.storageAgrees(world)
      checker.signInSticks(world)
      checker.noUnhandled()
      steps += 1
      const outcomes = runner.lastOutcomes.length > 0 ? ` (${runner.lastOutcomes.join(', ')})` : ''
      const line = `#${i} ${describeStep(step)}${outcomes} → ${where(world)}`
      options.verbose?.(line)
      trace.push(line)
      if (trace.length > config.traceLength) trace.shift()
      for (const v of checker.violations.slice(seen)) violations.push({ ...v, trace: [...trace] })
      if ((i + 1) % config.heapEvery === 0) {
        // The server's request log is the walk's, not the client's: cleared so it does not count as heap.
        world.server.requests.clear()
        heap.push(heapSample())
        options.progress?.(`step ${i + 1}/${config.steps}: ${checker.checkCount} checks, ${violations.length} violations, ${where(world)}`)
      }
      if (violations.length > 0 && stopOnViolation) break
    }
  } finally {
    await world.close()
    Math.random = realRandom
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
  }
  heap.push(heapSample())
  const figures: Figures = {
    seed: config.seed,
    replay: replayCommand(config),
    steps,
    clients: config.clients,
    algorithm: config.refreshTokenAlgorithmVersion === 2 ? 'v2' : 'legacy',
    virtualHours: (world.clock.now() - VIRTUAL_EPOCH) / 3_600_000,
    realSeconds: (Date.now() - started) / 1000,
    faultsInjected: new Map(runner.injected),
    skippedKnown: new Map(runner.skipped),
    excusedKnown: new Map(checker.excused),
    knownIncluded: include,
    invariantChecks: checker.checkCount,
    checksByRule: new Map(checker.checks),
    violations: violations.length,
    sessionsLost: checker.sessionsLost,
    signedOutBy: new Map(checker.signedOutBy),
    answers: { ...checker.answers },
    maxRefreshesInFlight: world.probe.maxRefreshesInFlight,
    requests: world.probe.requests,
    reloads: world.reloads,
    outcomes: new Map(runner.outcomes),
    unhandled: checker.unhandledCount,
    heap,
  }
  return { config, figures, violations }
}
