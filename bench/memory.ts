/**
 * Heap per client: 2,000 instances, idle (empty storage) and signed in (storage holds a session, restored
 * without network), after GC. One fresh `node --expose-gc` process per measurement; storages are built
 * before the baseline, so only what the clients themselves hold is counted.
 *
 * Usage: `tsx bench/memory.ts` (parent: runs every case, prints one JSON line).
 * @module
 */
import { runTsChild } from './child.js'
import { loadAuthJs, loadOurs, makeAuthJs, makeOurs, mapStorage, type MapStorage } from './clients.js'
import { buildBodies, STORAGE_KEY, storedSession } from './server/bodies.js'
import { summarize, type Summary } from './stats.js'

const INSTANCES = 2_000
const WARM = 20
const REPEATS = 3
/** Never contacted: idle clients make no request, signed-in ones restore from storage. */
const URL = 'http://127.0.0.1:9/auth/v1'

const KINDS = ['ours', 'authjs'] as const
type ClientKind = (typeof KINDS)[number]
type State = 'idle' | 'signedIn'

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

async function measureInChild(kind: ClientKind, state: State): Promise<number> {
  const bodies = await buildBodies()
  const stored = state === 'signedIn' ? storedSession(bodies.passwordGrant) : undefined
  const storages: MapStorage[] = Array.from({ length: WARM + INSTANCES }, () => mapStorage(stored ? { [STORAGE_KEY]: stored } : undefined))
  const config = (storage: MapStorage) => ({ url: URL, anonKey: bodies.anonKey, storage, storageKey: STORAGE_KEY })
  const keep: unknown[] = []
  let create: (storage: MapStorage) => Promise<unknown>
  if (kind === 'ours') {
    const lib = await loadOurs()
    create = async (storage) => {
      const client = makeOurs(lib, config(storage))
      await client.ready
      if (client.snapshot.status !== (state === 'idle' ? 'signedOut' : 'authenticated')) throw new Error(`unexpected ${client.snapshot.status}`)
      return client
    }
  } else {
    const lib = await loadAuthJs()
    create = async (storage) => {
      const client = makeAuthJs(lib, config(storage))
      await client.initialize()
      return client
    }
  }
  // Warm-up instances make module-level lazy state (caches, registries) part of the baseline.
  for (let i = 0; i < WARM; i++) keep.push(await create(storages[i]!))
  const before = collect()
  for (let i = WARM; i < WARM + INSTANCES; i++) keep.push(await create(storages[i]!))
  const after = collect()
  if (keep.length !== WARM + INSTANCES) throw new Error('lost instances')
  return (after - before) / INSTANCES
}

export type MemoryResults = Record<ClientKind, Record<State, Summary & { samples: number[] }>>

if (process.argv[2] === 'child') {
  const bytes = await measureInChild(process.argv[3] as ClientKind, process.argv[4] as State)
  console.log(JSON.stringify({ bytes }))
  process.exit(0)
} else {
  const results = { ours: {}, authjs: {} } as MemoryResults
  for (const state of ['idle', 'signedIn'] as const) {
    const samples: Record<ClientKind, number[]> = { ours: [], authjs: [] }
    for (let r = 0; r < REPEATS; r++) {
      for (const kind of KINDS) {
        const { bytes } = await runTsChild<{ bytes: number }>('./memory.ts', ['child', kind, state], ['--expose-gc'])
        samples[kind].push(bytes)
      }
    }
    for (const kind of KINDS) results[kind][state] = { ...summarize(samples[kind]), samples: samples[kind] }
  }
  console.log(JSON.stringify({ instances: INSTANCES, results }))
}
