/**
 * Bytes allocated per lifecycle round (the same round and child server as the CPU benchmark): garbage is
 * what the client's CPU figure pays for again on V8's collector threads. The young generation is made large
 * enough that no collection runs while counting, so the growth of `heapUsed` over the rounds is what they
 * allocated.
 *
 * Usage: `tsx bench/allocation.ts` (parent: one child process per sample, prints one JSON line).
 * @module
 */
import { runTsChild } from './child.js'
import { type Kind, loadAuthJs, loadOurs, makeAuthJs, makeFloor, makeOurs, mapStorage, roundAuthJs, roundOurs } from './clients.js'
import { STORAGE_KEY } from './server/bodies.js'
import { startBenchServer } from './server/ipc.js'
import { summarize, type Summary } from './stats.js'

const KINDS: readonly Kind[] = ['ours', 'authjs', 'floor']
const ROUNDS = 100
const WARMUP = 30
const REPEATS = 3
/** Semi-spaces far larger than what all the counted rounds allocate together: no scavenge during the count. */
const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=1024', '--max-semi-space-size=1024']

export type AllocationResults = Record<Kind, Summary & { samples: number[] }>

async function measureInChild(kind: Kind): Promise<number> {
  const server = await startBenchServer('precomputed')
  try {
    const config = { url: server.url, anonKey: server.anonKey, storageKey: STORAGE_KEY, storage: mapStorage() }
    let round: () => Promise<void>
    if (kind === 'ours') {
      const client = makeOurs(await loadOurs(), config)
      await client.ready
      round = () => roundOurs(client)
    } else if (kind === 'authjs') {
      const client = makeAuthJs(await loadAuthJs(), config)
      await client.initialize()
      round = () => roundAuthJs(client)
    } else {
      round = makeFloor(server.url, server.anonKey)
    }
    for (let i = 0; i < WARMUP; i++) await round()
    const gc = (globalThis as { gc?: () => void }).gc
    if (gc === undefined) throw new Error('run with --expose-gc')
    gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < ROUNDS; i++) await round()
    return (process.memoryUsage().heapUsed - before) / ROUNDS
  } finally {
    await server.close()
  }
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify({ bytes: await measureInChild(process.argv[3] as Kind) }))
  process.exit(0)
} else {
  const samples: Record<Kind, number[]> = { ours: [], authjs: [], floor: [] }
  for (let r = 0; r < REPEATS; r++) {
    for (const kind of KINDS) {
      samples[kind].push((await runTsChild<{ bytes: number }>('./allocation.ts', ['child', kind], NODE_FLAGS)).bytes)
    }
  }
  const results = Object.fromEntries(KINDS.map((kind) => [kind, { ...summarize(samples[kind]), samples: samples[kind] }])) as AllocationResults
  console.log(JSON.stringify({ rounds: ROUNDS, results }))
}
