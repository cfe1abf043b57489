/**
 * Turns the collected figures into `bench/RESULTS.md`: one table, every target shown with pass or fail.
 * @module
 */
import type { AllocationResults } from './allocation.js'
import type { BundleResult } from './bundle-size.js'
import type { Kind } from './clients.js'
import type { MemoryResults } from './memory.js'
import type { Counts } from './server/ipc.js'
import { pairwiseRatios, summarize, type Summary } from './stats.js'
import type { StormResult } from './storm.js'

export interface BenchResults {
  meta: { date: string; node: string; cpu: string; cores: number; authJsVersion: string; oursVersion: string; durationSeconds?: number }
  cpu: {
    rounds: number
    warmup: number
    requests: Record<Kind, { perRound: Counts; total: number }>
    samples: Record<Kind, { cpuUs: number[]; wallMs: number[] }>
    /** The round without its ten getClaims, ours and auth-js only. */
    withoutClaims: Record<'ours' | 'authjs', number[]>
  }
  storm: { callsPerClient: number; secondsLeft: number; results: StormResult[] }
  memory: { instances: number; results: MemoryResults }
  allocation: { rounds: number; results: AllocationResults }
  importCost: { runs: number; results: Record<'ours' | 'authjs' | 'rxjs', Summary & { samples: number[] }> }
  bundles: { results: BundleResult[] }
}

interface Row {
  metric: string
  ours: string
  authjs: string
  reference: string
  target: string
  pass: boolean | null
}

const us = (s: Summary) => `${Math.round(s.median)} µs (${Math.round(s.min)}–${Math.round(s.max)})`
const ms = (s: Summary) => `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const ratio = (s: Summary) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`
const routes = (c: Counts) =>
  Object.entries(c)
    .map(([route, n]) => `${n} ${route}`)
    .join(', ')

function rows(r: BenchResults): Row[] {
  const out: Row[] = []
  const { samples, requests } = r.cpu
  const cpu = { ours: summarize(samples.ours.cpuUs), authjs: summarize(samples.authjs.cpuUs), floor: summarize(samples.floor.cpuUs) }
  const vsAuthJs = summarize(pairwiseRatios(samples.ours.cpuUs, samples.authjs.cpuUs))
  const vsFloor = summarize(pairwiseRatios(samples.ours.cpuUs, samples.floor.cpuUs))
  const authJsVsFloor = summarize(pairwiseRatios(samples.authjs.cpuUs, samples.floor.cpuUs))
  out.push({
    metric: 'Client CPU per lifecycle round (user+system)',
    ours: us(cpu.ours),
    authjs: us(cpu.authjs),
    reference: `floor (bare fetch + JSON.parse, WebCrypto verify for getClaims): ${us(cpu.floor)}`,
    target: '—',
    pass: null,
  })
  out.push({ metric: '↳ CPU ratio to auth-js (pair by pair)', ours: ratio(vsAuthJs), authjs: '1', reference: '', target: '≤ 0.9×', pass: vsAuthJs.median <= 0.9 })
  out.push({
    metric: '↳ CPU ratio to the bare-fetch floor (pair by pair)',
    ours: ratio(vsFloor),
    authjs: ratio(authJsVsFloor),
    reference: 'floor = 1',
    target: '≤ 1.2×',
    pass: vsFloor.median <= 1.2,
  })
  const lifecycleOnly = summarize(pairwiseRatios(r.cpu.withoutClaims.ours, r.cpu.withoutClaims.authjs))
  out.push({
    metric: '↳ CPU ratio to auth-js, same round without the 10 getClaims (pair by pair)',
    ours: `${ratio(lifecycleOnly)}; ${us(summarize(r.cpu.withoutClaims.ours))}`,
    authjs: `1; ${us(summarize(r.cpu.withoutClaims.authjs))}`,
    reference: 'the lifecycle alone: where the chart costs',
    target: '(informative)',
    pass: null,
  })
  const alloc = r.allocation.results
  out.push({
    metric: '↳ bytes allocated per round (garbage the collector threads pay for)',
    ours: kb(alloc.ours.median),
    authjs: kb(alloc.authjs.median),
    reference: `floor: ${kb(alloc.floor.median)}`,
    target: '(informative)',
    pass: null,
  })
  const sameRoutes = JSON.stringify(sortKeys(requests.ours.perRound)) === JSON.stringify(sortKeys(requests.authjs.perRound))
  const jwksOf = (c: Counts) => Object.entries(c).reduce((sum, [route, n]) => sum + (route.includes('jwks') ? n : 0), 0)
  out.push({
    metric: 'Requests per round (counted at the server)',
    ours: `${requests.ours.total}: ${routes(requests.ours.perRound)}`,
    authjs: `${requests.authjs.total}: ${routes(requests.authjs.perRound)}`,
    reference: `minimum the flow needs: ${requests.floor.total}`,
    target: '= auth-js, no extra JWKS fetch',
    pass: sameRoutes && jwksOf(requests.ours.perRound) <= jwksOf(requests.authjs.perRound) && requests.ours.total === requests.floor.total,
  })
  for (const k of [...new Set(r.storm.results.map((s) => s.k))]) {
    const o = r.storm.results.find((s) => s.kind === 'ours' && s.k === k)!
    const a = r.storm.results.find((s) => s.kind === 'authjs' && s.k === k)!
    const show = (s: StormResult) => `${s.refreshRequests} refresh, ${s.answered}/${s.calls} answered${s.errors.length ? ` (${s.errors.join('; ')})` : ''}`
    out.push({
      metric: `Refresh storm, K = ${k} clients × ${r.storm.callsPerClient} getSession()`,
      ours: show(o),
      authjs: show(a),
      reference: '',
      target: 'exactly 1 refresh, all answered',
      pass: o.refreshRequests === 1 && o.answered === o.calls,
    })
  }
  const mem = r.memory.results
  out.push({
    metric: `Heap per idle client (${r.memory.instances} instances, after GC)`,
    ours: `${kb(mem.ours.idle.median)} (${kb(mem.ours.idle.min)}–${kb(mem.ours.idle.max)})`,
    authjs: `${kb(mem.authjs.idle.median)} (${kb(mem.authjs.idle.min)}–${kb(mem.authjs.idle.max)})`,
    reference: `the lifecycle chart alone, one started XState actor: ${kb(mem.chartActor.idle.median)}`,
    target: '≤ auth-js',
    pass: mem.ours.idle.median <= mem.authjs.idle.median,
  })
  out.push({
    metric: 'Heap per signed-in client (restored from storage)',
    ours: `${kb(mem.ours.signedIn.median)} (${kb(mem.ours.signedIn.min)}–${kb(mem.ours.signedIn.max)})`,
    authjs: `${kb(mem.authjs.signedIn.median)} (${kb(mem.authjs.signedIn.min)}–${kb(mem.authjs.signedIn.max)})`,
    reference: 'auth-js keeps the session in storage only',
    target: '—',
    pass: null,
  })
  const imp = r.importCost.results
  const budget = imp.authjs.median + imp.rxjs.median
  out.push({
    metric: `Import time of the main entry (fresh process, median of ${r.importCost.runs})`,
    ours: ms(imp.ours),
    authjs: ms(imp.authjs),
    reference: `rxjs alone: ${ms(imp.rxjs)}; budget auth-js + rxjs = ${budget.toFixed(1)} ms`,
    target: '≤ auth-js + rxjs',
    pass: imp.ours.median <= budget,
  })
  const bundle = (name: string) => r.bundles.results.find((b) => b.name === name)!
  const main = bundle('ours: main entry (.)')
  const mainPeer = bundle('ours: main entry, rxjs external (peer)')
  const authMain = bundle('auth-js: main entry')
  const joseIn = r.bundles.results.filter((b) => b.name.startsWith('ours') && b.hasJose).map((b) => b.name.replace('ours: ', ''))
  out.push({
    metric: 'Main entry, browser, min + gzip -9 (rxjs bundled)',
    ours: `${kb(main.gzipBytes)} (${(main.gzipBytes / authMain.gzipBytes).toFixed(2)}×)`,
    authjs: kb(authMain.gzipBytes),
    reference: `min: ${kb(main.minBytes)} vs ${kb(authMain.minBytes)}`,
    target: '≤ 1.2× auth-js',
    pass: main.gzipBytes <= 1.2 * authMain.gzipBytes,
  })
  out.push({
    metric: '↳ same, rxjs external (a peer the app bundles anyway)',
    ours: `${kb(mainPeer.gzipBytes)} (${(mainPeer.gzipBytes / authMain.gzipBytes).toFixed(2)}×)`,
    authjs: kb(authMain.gzipBytes),
    reference: '',
    target: '(informative)',
    pass: null,
  })
  out.push({
    metric: '`jose` in the main entry',
    ours: main.hasJose ? 'yes' : 'no',
    authjs: '—',
    reference: `entries with jose: ${joseIn.length ? joseIn.join(', ') : 'none'} (./jwt verifies JWTs; the node-only /testing server signs them)`,
    target: 'only in the entry that verifies JWTs',
    pass: joseIn.every((entry) => entry === './jwt' || entry === './testing') && bundle('ours: ./jwt').hasJose,
  })
  for (const name of ['ours: ./admin', 'ours: ./jwt', 'ours: ./testing', 'app: sign in + state$ (ours)', 'app: sign in + onAuthStateChange (auth-js)']) {
    const b = bundle(name)
    out.push({
      metric: `${name.replace('ours: ', 'Entry ')}, min + gzip -9`,
      ours: name.includes('auth-js') ? '—' : kb(b.gzipBytes),
      authjs: name.includes('auth-js') ? kb(b.gzipBytes) : '—',
      reference: b.note ?? '',
      target: '—',
      pass: null,
    })
  }
  return out
}

function sortKeys(c: Counts): Counts {
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)))
}

/** The Markdown of `bench/RESULTS.md` for one run's results. */
export function renderReport(r: BenchResults): string {
  const table = rows(r)
  const cell = (s: string) => s.replaceAll('|', '\\|')
  const lines = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${r.meta.date}: Node ${r.meta.node}, ${r.meta.cpu} (${r.meta.cores} cores), ` +
      `supabase-auth-machine ${r.meta.oursVersion} (built \`dist/\`) vs @supabase/auth-js ${r.meta.authJsVersion}` +
      (r.meta.durationSeconds ? `, ${Math.round(r.meta.durationSeconds)} s in all.` : '.'),
    'Figures are medians with (min–max); ratios are taken pair by pair within one interleaved run. Raw samples: `bench/results.json`. ' +
      'What the profiles showed and what was changed for the misses: `bench/NOTES.md`.',
    '',
    '| Metric | This client | auth-js | Floor / reference | Target | Result |',
    '|---|---|---|---|---|---|',
    ...table.map((row) => `| ${cell(row.metric)} | ${cell(row.ours)} | ${cell(row.authjs)} | ${cell(row.reference)} | ${cell(row.target)} | ${row.pass === null ? '' : row.pass ? '**pass**' : '**FAIL**'} |`),
    '',
    '## How each figure is taken',
    '',
    `- **CPU per round**: sign in with a password, \`getUser\`, 10 × \`getSession\`, 10 × \`getClaims\` (ours from \`supabase-auth-machine/jwt\`), a refresh, sign out; \`process.cpuUsage()\` of the client process around each round (plus one timer turn, so work a round leaves queued is charged to it). ` +
      `Both clients alike: a Map storage, \`persistSession: true\`, \`autoRefreshToken: false\`, same URL and key. The server is a child process answering from bodies built once (a real access token signed with an ES256 key its JWKS lists, so both clients verify claims locally; an HS256 anon key; a GoTrue user). ` +
      `${r.cpu.warmup} warm-up rounds, then ${r.cpu.rounds} per contender, interleaved with the order rotating each iteration. The floor does the same HTTP exchanges with bare \`fetch\` and \`JSON.parse\` (four per round, the key set once) and, for the ten \`getClaims\`, decodes the payload and checks the signature with \`crypto.subtle.verify\` (key imported once).`,
    '- **Requests per round**: counted by the server over 5 rounds of one contender at a time (a key set fetched once shows as 0.2).',
    `- **Refresh storm**: the project's local auth server (real refresh-token rotation) in a child process; K clients share one storage holding a session ${r.storm.secondsLeft} s from expiry (inside both clients' 90 s margin); ${r.storm.callsPerClient} concurrent \`getSession()\` per client; \`/token?grant_type=refresh_token\` counted at the server.`,
    `- **Bytes allocated per round**: the same round against the same child server, in a process whose young generation is too large to be collected during the count; \`heapUsed\` growth over ${r.allocation.rounds} rounds after 30 warm-up ones, median of 3 processes.`,
    `- **Heap**: a fresh \`node --expose-gc\` process per measurement (3 each); ${r.memory.instances} clients after 20 warm-up ones, each with its own Map storage built before the baseline; heapUsed delta after GC ÷ ${r.memory.instances}. Signed in: the storage holds a session, restored without network.`,
    `- **Import time**: \`performance.now()\` around \`await import(entry)\` inside a fresh process; the entries by package name (\`supabase-auth-machine\` resolves to \`dist/\`).`,
    '- **Bundle size**: esbuild (minify, ESM, `platform: browser`; `/testing` with `platform: node`), gzip level 9; `jose` presence from the metafile.',
    '',
  ]
  return lines.join('\n')
}
