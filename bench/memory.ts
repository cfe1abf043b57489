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
import type { LifecycleIo, RestoreOutput } from '../machines/lifecycle-types.js'

const INSTANCES = 2_000
const WARM = 20
const REPEATS = 3
/** Never contacted: idle clients make no request, signed-in ones restore from storage. */
const URL = 'http://127.0.0.1:9/auth/v1'

const KINDS = ['ours', 'authjs'] as const
/**
 * `chartActor` is a reference, not a contender: the lifecycle chart alone, started with no I/O but an
 * empty restore, the least any client built on one XState actor per client can hold.
 */
type ClientKind = (typeof KINDS)[number] | 'chartActor'
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
  } else if (kind === 'chartActor') {
    const [{ lifecycleMachine }, { createActor, fromPromise, waitFor }] = await Promise.all([loadOurs(), import('xstate')])
    const machine = lifecycleMachine.provide({ actors: { restoreSession: fromPromise(async (): Promise<RestoreOutput> => ({ session: null })) } })
    // One I/O object shared by every actor: only what each actor holds is counted. Restore needs none of it.
    const io = {} as LifecycleIo
    create = async () => {
      const actor = createActor(machine, { input: { io, settings: { autoRefreshToken: false } } }).start()
      await waitFor(actor, (snapshot) => snapshot.matches('signedOut'))
      return actor
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

export type MemoryResults = Record<(typeof KINDS)[number], Record<State, Summary & { samples: number[] }>> & {
  chartActor: { idle: Summary & { samples: number[] } }
}

if (process.argv[2] === 'child') {
  const bytes = await measureInChild(process.argv[3] as ClientKind, process.argv[4] as State)
  console.log(JSON.stringify({ bytes }))
  process.exit(0)
} else {
  const results = { ours: {}, authjs: {}, chartActor: {} } as MemoryResults
  const reference: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    reference.push((await runTsChild<{ bytes: number }>('./memory.ts', ['child', 'chartActor', 'idle'], ['--expose-gc'])).bytes)
  }
  results.chartActor.idle = { ...summarize(reference), samples: reference }
  for (const state of ['idle', 'signedIn'] as const) {
    const samples: Record<(typeof KINDS)[number], number[]> = { ours: [], authjs: [] }
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
