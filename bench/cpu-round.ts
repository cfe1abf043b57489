/**
 * Client CPU per lifecycle round, and requests per round counted at the server.
 *
 * Each contender runs in its own worker process, as an app runs one auth client: its own JIT state,
 * inline caches and heap, nothing shared with the other contenders. The server answers from precomputed
 * bodies in a third process. The parent drives the workers in blocks of rounds, the contenders' order
 * rotating from block to block, so load on a shared machine falls on all of them alike; ratios are taken
 * block by block (median of one contender's block over the median of the other's adjacent block).
 *
 * One round is timed as a user lives it: every call awaited in turn, then the event loop turned until no
 * timer or immediate is pending, so whatever a client defers (listeners, notifications, storage writes) is
 * charged inside the window. `process.cpuUsage()` counts every thread of the process: V8's compiler and GC
 * helpers and libuv's pool (WebCrypto) included. Garbage collection is kept out of the window: a minor GC
 * runs just before each round, and the young generation is large enough that a round never fills it, so a
 * round never pays for the garbage of an earlier one (bytes allocated per round are reported on their own
 * row). Not a full GC: its concurrent sweeping would run on helper threads inside the next window.
 *
 * Warm-up is long because the JIT converges slowly: functions called once per round reach TurboFan only
 * after hundreds of rounds, and those compilations run on helper threads inside the windows. The first
 * blocks of every worker are kept apart as the "fresh process" figure.
 *
 * Usage: `tsx bench/cpu-round.ts [rounds] [warmup]` prints one JSON line.
 * Profiling one contender: `node --cpu-prof --expose-gc --import tsx bench/cpu-round.ts solo <kind> [rounds] [claims|lifecycle]`
 * (or `tsx bench/profile.ts`, which profiles the steady state only).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { type Kind, loadAuthJs, loadOurs, makeAuthJs, makeFloor, makeOurs, mapStorage, roundAuthJs, roundOurs } from './clients.js'
import { STORAGE_KEY } from './server/bodies.js'
import { type Counts, startBenchServer } from './server/ipc.js'

/** `claims`: the round with its ten `getClaims`; `lifecycle`: the same round without them. */
export type Variant = 'claims' | 'lifecycle'
export const VARIANTS: readonly Variant[] = ['claims', 'lifecycle']
const KINDS: readonly Kind[] = ['ours', 'authjs', 'floor']

/**
 * The young generation fixed at V8's largest default size, many rounds' worth of allocation, so a round that
 * starts right after a minor GC does not fill it (rounds with a GC in the window anyway are counted).
 */
const WORKER_NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16']
const BLOCK = 10
const COUNT_ROUNDS = 5
/** The first rounds of each variant in a fresh worker: the "fresh process" figure (JIT still warming). */
const FRESH_ROUNDS = 50
/** Settling gives up after this many event-loop turns (a long timer a client keeps is not deferred work). */
const MAX_SETTLE_TURNS = 5

export interface Samples {
  cpuUs: number[]
  wallMs: number[]
}

export interface CpuResults {
  rounds: number
  warmup: number
  block: number
  requests: Record<Kind, { perRound: Counts; total: number }>
  /** Per variant and contender, every timed round in order; blocks of `block` rounds line up across contenders. */
  samples: Record<Variant, Record<Kind, Samples>>
  /** The first `freshRounds` rounds of each variant in a fresh worker (after the 5 counting rounds), same layout. */
  fresh: Record<Variant, Record<Kind, Samples>>
  freshRounds: number
  /**
   * Share of the timed CPU spent on the main thread (the rest is helper threads: JIT compiler, GC helpers,
   * libuv's pool), from the kernel's per-thread tick counts; `null` where `/proc` is unavailable.
   */
  mainThreadShare: Record<Variant, Record<Kind, number | null>>
  /** Rounds during which a GC ran anyway, and rounds after which work was still pending (both should be ~0). */
  gcInWindow: Record<Kind, number>
  unsettled: Record<Kind, number>
}

// ---------------------------------------------------------------- worker side

type ToWorker = { type: 'run'; variant: Variant; rounds: number; timed: boolean } | { type: 'exit' }
interface Done extends Samples {
  type: 'done'
  /** Main-thread CPU in the windows, µs, at the kernel's tick resolution (meaningful summed, not per round). */
  mainUs: number | null
  gcInWindow: number
  unsettled: number
}
type FromWorker = { type: 'ready' } | Done

/** One contender's round, client built and ready. */
async function contender(kind: Kind, url: string, anonKey: string): Promise<{ round: (v: Variant) => Promise<void>; dispose: () => void }> {
  const config = { url, anonKey, storageKey: STORAGE_KEY, storage: mapStorage() }
  if (kind === 'ours') {
    const client = makeOurs(await loadOurs(), config)
    await client.ready
    return { round: (v) => roundOurs(client, v === 'claims'), dispose: () => client.dispose() }
  }
  if (kind === 'authjs') {
    const client = makeAuthJs(await loadAuthJs(), config)
    await client.initialize()
    return { round: (v) => roundAuthJs(client, v === 'claims'), dispose: () => void client.stopAutoRefresh() }
  }
  const floor = makeFloor(url, anonKey)
  return { round: (v) => floor(v === 'claims'), dispose: () => {} }
}

const cpuNow = () => {
  const used = process.cpuUsage()
  return used.user + used.system
}
const nextTimerTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve))
const pendingWork = () => process.getActiveResourcesInfo().some((r) => r === 'Timeout' || r === 'Immediate')

/** CPU of the main thread so far, µs, from `/proc` (Linux; the kernel counts in ticks); `null` elsewhere. */
function mainThreadUs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100
  } catch {
    return null
  }
}

function minorGc(): void {
  const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc
  if (gc === undefined) throw new Error('run the worker with --expose-gc')
  gc({ type: 'minor' })
}

/** Times `rounds` rounds; GC entries are matched against the windows once the observer has delivered them. */
async function timeRounds(round: () => Promise<void>, rounds: number): Promise<Done> {
  const windows: Array<[number, number]> = []
  const gcStarts: number[] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcStarts.push(entry.startTime)
  })
  observer.observe({ entryTypes: ['gc'] })
  const cpuUs: number[] = []
  const wallMs: number[] = []
  let mainUs: number | null = 0
  let unsettled = 0
  for (let i = 0; i < rounds; i++) {
    minorGc()
    const wall = performance.now()
    const main = mainThreadUs()
    const cpu = cpuNow()
    await round()
    // Deferred work is the client's: turn the loop (inside the window) until none is pending. An immediate
    // first: it runs after everything already queued without sleeping for a timer's millisecond.
    await nextImmediate()
    for (let turn = 0; turn < MAX_SETTLE_TURNS && pendingWork(); turn++) await nextTimerTurn()
    const used = cpuNow() - cpu
    const mainEnd = mainThreadUs()
    const end = performance.now()
    if (pendingWork()) unsettled += 1
    cpuUs.push(used)
    wallMs.push(end - wall)
    mainUs = main === null || mainEnd === null || mainUs === null ? null : mainUs + mainEnd - main
    windows.push([wall, end])
  }
  await nextTimerTurn()
  observer.disconnect()
  const gcInWindow = windows.filter(([from, to]) => gcStarts.some((t) => t >= from && t <= to)).length
  return { type: 'done', cpuUs, wallMs, mainUs, gcInWindow, unsettled }
}

async function worker(kind: Kind, url: string, anonKey: string): Promise<void> {
  const { round, dispose } = await contender(kind, url, anonKey)
  const send = (message: FromWorker) => process.send!(message)
  process.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      dispose()
      process.disconnect()
      return
    }
    void (async () => {
      if (message.timed) return send(await timeRounds(() => round(message.variant), message.rounds))
      for (let i = 0; i < message.rounds; i++) await round(message.variant)
      send({ type: 'done', cpuUs: [], wallMs: [], mainUs: null, gcInWindow: 0, unsettled: 0 })
    })().catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
  })
  send({ type: 'ready' })
}

/** In-process, one contender, for `node --cpu-prof`: warm-up and timed rounds alike. */
async function solo(kind: Kind, rounds: number, variant: Variant): Promise<void> {
  const server = await startBenchServer('precomputed')
  const { round, dispose } = await contender(kind, server.url, server.anonKey)
  const result = await timeRounds(() => round(variant), rounds)
  dispose()
  await server.close()
  const sorted = [...result.cpuUs].sort((a, b) => a - b)
  console.log(JSON.stringify({ kind, variant, rounds, medianCpuUs: sorted[sorted.length >> 1], gcInWindow: result.gcInWindow, unsettled: result.unsettled }))
}

// ---------------------------------------------------------------- parent side

interface WorkerHandle {
  run(variant: Variant, rounds: number, timed: boolean): Promise<Done>
  exit(): Promise<void>
}

function startWorker(kind: Kind, url: string, anonKey: string): Promise<WorkerHandle> {
  const script = fileURLToPath(import.meta.url)
  const child: ChildProcess = spawn(process.execPath, [...WORKER_NODE_FLAGS, '--import', 'tsx', script, 'worker', kind, url, anonKey], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const next = <T extends FromWorker>(type: T['type']): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type !== type) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(message as T)
      }
      const onExit = (code: number | null) => reject(new Error(`cpu-round worker ${kind} exited with ${code}`))
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  return next('ready').then(() => ({
    run: (variant, rounds, timed) => {
      const done = next<Done>('done')
      child.send({ type: 'run', variant, rounds, timed } satisfies ToWorker)
      return done
    },
    exit: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.send({ type: 'exit' } satisfies ToWorker)
      }),
  }))
}

type PerVariant<T> = Record<Variant, Record<Kind, T>>
const perVariant = <T>(make: () => T): PerVariant<T> =>
  Object.fromEntries(VARIANTS.map((v) => [v, Object.fromEntries(KINDS.map((k) => [k, make()]))])) as PerVariant<T>

async function parent(rounds: number, warmup: number): Promise<void> {
  const server = await startBenchServer('precomputed')
  const workers = {} as Record<Kind, WorkerHandle>
  for (const kind of KINDS) workers[kind] = await startWorker(kind, server.url, server.anonKey)

  // Requests per round, counted at the server, one contender at a time, before anything else (so the key
  // set each fetches once shows up).
  const requests = {} as CpuResults['requests']
  for (const kind of KINDS) {
    await server.reset()
    await workers[kind].run('claims', COUNT_ROUNDS, false)
    const perRound: Counts = {}
    for (const [route, n] of Object.entries(await server.stats())) perRound[route] = n / COUNT_ROUNDS
    requests[kind] = { perRound, total: Object.values(perRound).reduce((a, b) => a + b, 0) }
  }

  const blocks = Math.max(1, Math.ceil(rounds / BLOCK))
  const warmBlocks = Math.max(Math.ceil(warmup / BLOCK), Math.ceil(FRESH_ROUNDS / BLOCK))
  const samples = perVariant<Samples>(() => ({ cpuUs: [], wallMs: [] }))
  const fresh = perVariant<Samples>(() => ({ cpuUs: [], wallMs: [] }))
  const main = perVariant<{ cpu: number; main: number | null }>(() => ({ cpu: 0, main: 0 }))
  const gcInWindow = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>
  const unsettled = { ...gcInWindow }
  for (let b = 0; b < warmBlocks + blocks; b++) {
    const timed = b >= warmBlocks
    const freshBlock = b * BLOCK < FRESH_ROUNDS
    for (const variant of VARIANTS) {
      for (let j = 0; j < KINDS.length; j++) {
        const kind = KINDS[(b + j) % KINDS.length]!
        const done = await workers[kind].run(variant, BLOCK, timed || freshBlock)
        if (freshBlock) {
          fresh[variant][kind].cpuUs.push(...done.cpuUs)
          fresh[variant][kind].wallMs.push(...done.wallMs)
        }
        if (!timed) continue
        samples[variant][kind].cpuUs.push(...done.cpuUs)
        samples[variant][kind].wallMs.push(...done.wallMs)
        const m = main[variant][kind]
        m.cpu += done.cpuUs.reduce((a, c) => a + c, 0)
        m.main = m.main === null || done.mainUs === null ? null : m.main + done.mainUs
        gcInWindow[kind] += done.gcInWindow
        unsettled[kind] += done.unsettled
      }
    }
  }
  for (const kind of KINDS) await workers[kind].exit()
  await server.close()
  const mainThreadShare = Object.fromEntries(
    VARIANTS.map((v) => [v, Object.fromEntries(KINDS.map((k) => [k, main[v][k].main === null ? null : main[v][k].main! / main[v][k].cpu]))]),
  ) as PerVariant<number | null>
  const result: CpuResults = {
    rounds: blocks * BLOCK,
    warmup: warmBlocks * BLOCK,
    block: BLOCK,
    requests,
    samples,
    fresh,
    freshRounds: FRESH_ROUNDS,
    mainThreadShare,
    gcInWindow,
    unsettled,
  }
  console.log(JSON.stringify(result))
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'worker') {
  await worker(args[0] as Kind, args[1]!, args[2]!)
} else if (mode === 'solo') {
  await solo(args[0] as Kind, Number(args[1] ?? 500), (args[2] as Variant | undefined) ?? 'lifecycle')
} else {
  await parent(Number(mode ?? 300), Number(args[0] ?? 1000))
}
