/**
 * Client CPU per lifecycle round, and requests per round counted at the server. Runs in its own process
 * (the client process); the server answers from precomputed bodies in a child process. Kinds run
 * interleaved, the order rotating every iteration, after warm-up rounds.
 *
 * Usage: `tsx bench/cpu-round.ts [rounds] [warmup] [only-kind]` — prints one JSON line.
 * With a kind (e.g. `ours`), runs only that kind: for `node --cpu-prof --import tsx bench/cpu-round.ts 300 30 ours`.
 * @module
 */
import { type Kind, loadAuthJs, loadOurs, makeAuthJs, makeFloor, makeOurs, mapStorage, roundAuthJs, roundOurs } from './clients.js'
import { STORAGE_KEY } from './server/bodies.js'
import { type Counts, startBenchServer } from './server/ipc.js'

const rounds = Number(process.argv[2] ?? 200)
const warmup = Number(process.argv[3] ?? 30)
const only = process.argv[4] as Kind | undefined
const KINDS: readonly Kind[] = only ? [only] : ['ours', 'authjs', 'floor']
const COUNT_ROUNDS = 5

const server = await startBenchServer('precomputed')
const [ours, authJs] = await Promise.all([loadOurs(), loadAuthJs()])
const config = { url: server.url, anonKey: server.anonKey, storageKey: STORAGE_KEY }

const oursClient = makeOurs(ours, { ...config, storage: mapStorage() })
const authJsClient = makeAuthJs(authJs, { ...config, storage: mapStorage() })
await oursClient.ready
await authJsClient.initialize()

const run: Record<Kind, () => Promise<void>> = {
  ours: () => roundOurs(oursClient),
  authjs: () => roundAuthJs(authJsClient),
  floor: makeFloor(server.url, server.anonKey),
}

/** Lets work a round left queued (listeners, deferred notifications) run inside that round's window. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

async function measure(kind: Kind): Promise<{ cpuUs: number; wallMs: number }> {
  const wall = performance.now()
  const cpu = process.cpuUsage()
  await run[kind]()
  await settle()
  const used = process.cpuUsage(cpu)
  return { cpuUs: used.user + used.system, wallMs: performance.now() - wall }
}

// Requests per round, counted at the server, one kind at a time.
const requests: Partial<Record<Kind, { perRound: Counts; total: number }>> = {}
for (const kind of KINDS) {
  await server.reset()
  for (let i = 0; i < COUNT_ROUNDS; i++) await run[kind]()
  await settle()
  const counts = await server.stats()
  const perRound: Counts = {}
  for (const [route, n] of Object.entries(counts)) perRound[route] = n / COUNT_ROUNDS
  requests[kind] = { perRound, total: Object.values(perRound).reduce((a, b) => a + b, 0) }
}

const samples = Object.fromEntries(KINDS.map((k) => [k, { cpuUs: [] as number[], wallMs: [] as number[] }])) as Record<Kind, { cpuUs: number[]; wallMs: number[] }>
for (let i = 0; i < warmup + rounds; i++) {
  for (let j = 0; j < KINDS.length; j++) {
    const kind = KINDS[(i + j) % KINDS.length]!
    const { cpuUs, wallMs } = await measure(kind)
    if (i >= warmup) {
      samples[kind].cpuUs.push(cpuUs)
      samples[kind].wallMs.push(wallMs)
    }
  }
}

/**
 * The same round without the ten `getClaims`, ours and auth-js interleaved: the lifecycle alone, where the
 * chart's own cost shows (getClaims is where this client saves most, so the headline ratio depends on it).
 */
const withoutClaims: Record<'ours' | 'authjs', number[]> = { ours: [], authjs: [] }
if (only === undefined) {
  const lifecycleOnly = { ours: () => roundOurs(oursClient, false), authjs: () => roundAuthJs(authJsClient, false) }
  for (let i = 0; i < warmup + rounds; i++) {
    for (const kind of i % 2 === 0 ? (['ours', 'authjs'] as const) : (['authjs', 'ours'] as const)) {
      const cpu = process.cpuUsage()
      await lifecycleOnly[kind]()
      await settle()
      const used = process.cpuUsage(cpu)
      if (i >= warmup) withoutClaims[kind].push(used.user + used.system)
    }
  }
}

oursClient.dispose()
await server.close()
console.log(JSON.stringify({ rounds, warmup, requests, samples, withoutClaims }))
