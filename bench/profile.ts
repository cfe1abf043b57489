/**
 * Where one contender's round spends CPU: warms up, then records a CPU profile (the inspector's sampling
 * profiler) of steady-state rounds only, and prints self time per round by package and by function.
 * Also writes the profile, for Chrome DevTools or speedscope.
 *
 * Usage: `node --expose-gc --import tsx bench/profile.ts <ours|authjs|floor> [claims|lifecycle] [rounds]`
 * (`npm run build` first: `ours` is the built package). Samples are wall-clock based: on a loaded machine a
 * descheduled thread is charged to whatever frame it was in, so compare shares, and prefer a quiet machine.
 * @module
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { type Kind, loadAuthJs, loadOurs, makeAuthJs, makeFloor, makeOurs, mapStorage, roundAuthJs, roundOurs } from './clients.js'
import { STORAGE_KEY } from './server/bodies.js'
import { startBenchServer } from './server/ipc.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const kind = (process.argv[2] ?? 'ours') as Kind
const claims = (process.argv[3] ?? 'lifecycle') === 'claims'
const rounds = Number(process.argv[4] ?? 500)
const WARMUP = 1000
const TOP = 25

const server = await startBenchServer('precomputed')
const config = { url: server.url, anonKey: server.anonKey, storageKey: STORAGE_KEY, storage: mapStorage() }
let round: () => Promise<void>
let dispose = () => {}
if (kind === 'ours') {
  const client = makeOurs(await loadOurs(), config)
  await client.ready
  round = () => roundOurs(client, claims)
  dispose = () => client.dispose()
} else if (kind === 'authjs') {
  const client = makeAuthJs(await loadAuthJs(), config)
  await client.initialize()
  round = () => roundAuthJs(client, claims)
} else {
  const floor = makeFloor(server.url, server.anonKey)
  round = () => floor(claims)
}
for (let i = 0; i < WARMUP; i++) await round()

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 50 })
await session.post('Profiler.start')
const cpu = process.cpuUsage()
for (let i = 0; i < rounds; i++) await round()
const used = process.cpuUsage(cpu)
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile }
session.disconnect()
dispose()
await server.close()

const file = join(tmpdir(), `bench-${kind}-${claims ? 'claims' : 'lifecycle'}.cpuprofile`)
writeFileSync(file, JSON.stringify(profile))

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)'])
function where(node: ProfileNode): { pkg: string; fn: string } {
  const { functionName, url, lineNumber } = node.callFrame
  if (SPECIAL.has(functionName)) return { pkg: functionName, fn: functionName }
  const path = url.replace(/^file:\/\//, '')
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
    (path.includes('/dist/') ? 'supabase-auth-machine' : path.startsWith('node:internal/deps/undici') ? 'undici (fetch)' : path.startsWith('node:') ? 'node' : path === '' ? '(native)' : path.includes('/bench/') ? 'bench' : path)
  return { pkg, fn: `${functionName || '(anonymous)'} ${path.split('/').slice(-1)[0]}:${lineNumber + 1}` }
}
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const byPkg = new Map<string, number>()
const byFn = new Map<string, number>()
let busy = 0
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0
  if (t === 0) continue
  const { pkg, fn } = where(node)
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t)
  byFn.set(`${pkg}  ${fn}`, (byFn.get(`${pkg}  ${fn}`) ?? 0) + t)
  if (pkg !== '(idle)') busy += t
}
const line = ([name, t]: [string, number]) => `${String(Math.round(t / rounds)).padStart(7)} µs ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${name}`
console.log(`${kind}, ${claims ? 'round with getClaims' : 'lifecycle round'}: process CPU ${Math.round((used.user + used.system) / rounds)} µs/round; sampled busy ${Math.round(busy / rounds)} µs/round (profile: ${file})`)
console.log('\nself time by package:')
for (const entry of [...byPkg].sort((a, b) => b[1] - a[1])) if (entry[0] !== '(idle)') console.log(line(entry))
console.log(`\nself time by function (top ${TOP}):`)
for (const entry of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, TOP + 1)) if (!entry[0].startsWith('(idle)')) console.log(line(entry))
