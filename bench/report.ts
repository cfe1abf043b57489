/**
 * Turns the collected figures into `bench/RESULTS.md` and the console table: one row per figure, the
 * targets (issue 7 §4) with pass or fail, everything else informative.
 * @module
 */
import type { AllocationResults } from './allocation.js'
import type { BundleResult } from './bundle-size.js'
import type { CpuResults, Samples, Variant } from './cpu-round.js'
import type { MemoryResults } from './memory.js'
import type { Counts } from './server/ipc.js'
import type { SsrResults } from './ssr-throughput.js'
import { blockRatios, summarize, type Summary } from './stats.js'
import type { StormResult } from './storm.js'

/** The targets `npm run bench` guards; it exits non-zero when one fails. */
export const TARGETS = {
  cpuWithClaims: 0.9,
  cpuLifecycle: 1.5,
  heapIdle: 2.5,
  mainEntryGzip: 1.3,
  /** Issue 10 §3: SSR requests per second (claims read per request), at least this × `@supabase/ssr`'s. */
  ssrThroughput: 1.2,
} as const

export interface BenchResults {
  meta: {
    date: string
    node: string
    cpu: string
    cores: number
    authJsVersion: string
    oursVersion: string
    durationSeconds?: number
    /** 1-minute load average when the run started and ended: CPU figures taken on a busy machine are noisy. */
    loadAverage?: { start: number; end: number }
    /** `npm run bench -- --quick`: fewer CPU rounds. */
    quick?: boolean
  }
  cpu: CpuResults
  storm: { callsPerClient: number; secondsLeft: number; results: StormResult[] }
  ssr: SsrResults
  memory: { instances: number; results: MemoryResults }
  allocation: { rounds: number; results: AllocationResults }
  importCost: { runs: number; results: Record<'ours' | 'authjs' | 'rxjs', Summary & { samples: number[] }> }
  bundles: { results: BundleResult[] }
}

export interface Row {
  metric: string
  /** A short name for the console table (targets only). */
  label?: string
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
  const { requests, block } = r.cpu
  const cpuRows = (variant: Variant, label: string, target: number) => {
    const s = r.cpu.samples[variant]
    const cpu = (x: Samples) => summarize(x.cpuUs)
    const vsAuthJs = summarize(blockRatios(s.ours.cpuUs, s.authjs.cpuUs, block))
    const vsFloor = summarize(blockRatios(s.ours.cpuUs, s.floor.cpuUs, block))
    const authJsVsFloor = summarize(blockRatios(s.authjs.cpuUs, s.floor.cpuUs, block))
    out.push({
      metric: `CPU per lifecycle round, ${label}: ratio to auth-js (block by block)`,
      label: `CPU per round, ${label}`,
      ours: `${ratio(vsAuthJs)}; ${us(cpu(s.ours))}`,
      authjs: `1; ${us(cpu(s.authjs))}`,
      reference: `floor: ${us(cpu(s.floor))}; ours ${ratio(vsFloor)} of it, auth-js ${ratio(authJsVsFloor)}`,
      target: `≤ ${target}× auth-js`,
      pass: vsAuthJs.median <= target,
    })
    const fresh = r.cpu.fresh[variant]
    const freshRatio = summarize(blockRatios(fresh.ours.cpuUs, fresh.authjs.cpuUs, block))
    out.push({
      metric: `↳ same, first ${r.cpu.freshRounds} rounds of a fresh process (JIT still warming), ${label}`,
      ours: `${ratio(freshRatio)}; ${us(cpu(fresh.ours))}`,
      authjs: `1; ${us(cpu(fresh.authjs))}`,
      reference: `floor: ${us(cpu(fresh.floor))}`,
      target: '(informative)',
      pass: null,
    })
    const share = r.cpu.mainThreadShare[variant]
    const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(100 * (1 - x))} %`)
    out.push({
      metric: `↳ share of the timed CPU on helper threads (JIT compiler, GC helpers, libuv pool), ${label}`,
      ours: pct(share.ours),
      authjs: pct(share.authjs),
      reference: `floor: ${pct(share.floor)}`,
      target: '(informative)',
      pass: null,
    })
    out.push({
      metric: `↳ wall time per round, ${label}`,
      ours: ms(summarize(s.ours.wallMs)),
      authjs: ms(summarize(s.authjs.wallMs)),
      reference: `floor: ${ms(summarize(s.floor.wallMs))}`,
      target: '(informative)',
      pass: null,
    })
  }
  cpuRows('claims', 'with the 10 getClaims', TARGETS.cpuWithClaims)
  cpuRows('lifecycle', 'without getClaims', TARGETS.cpuLifecycle)
  const spoilt = (k: keyof CpuResults['gcInWindow']) => `${r.cpu.gcInWindow[k]} / ${r.cpu.unsettled[k]}`
  out.push({
    metric: '↳ timed rounds with a GC in the window / with work still pending after it (of all timed rounds)',
    ours: spoilt('ours'),
    authjs: spoilt('authjs'),
    reference: `floor: ${spoilt('floor')}; of ${2 * r.cpu.rounds} per contender`,
    target: '(informative; should be ~0)',
    pass: null,
  })
  const alloc = r.allocation.results
  out.push({
    metric: '↳ bytes allocated per round with getClaims (garbage the collector pays for, outside the CPU window)',
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
    target: `(informative) ${sameRoutes && jwksOf(requests.ours.perRound) <= jwksOf(requests.authjs.perRound) && requests.ours.total === requests.floor.total ? 'same as auth-js and the floor' : 'DIFFERS from auth-js or the floor'}`,
    pass: null,
  })
  for (const k of [...new Set(r.storm.results.map((s) => s.k))]) {
    const o = r.storm.results.find((s) => s.kind === 'ours' && s.k === k)!
    const a = r.storm.results.find((s) => s.kind === 'authjs' && s.k === k)!
    const show = (s: StormResult) => `${s.refreshRequests} refresh, ${s.answered}/${s.calls} answered${s.errors.length ? ` (${s.errors.join('; ')})` : ''}`
    out.push({
      metric: `Refresh storm, K = ${k} clients × ${r.storm.callsPerClient} getSession()`,
      label: `Refresh storm, K = ${k}`,
      ours: show(o),
      authjs: show(a),
      reference: '',
      target: '1 refresh request, all answered',
      pass: o.refreshRequests === 1 && o.answered === o.calls,
    })
  }
  const ssr = r.ssr
  const rps = (s: Summary) => `${Math.round(s.median)} req/s (${Math.round(s.min)}–${Math.round(s.max)})`
  const ssrMix = (mix: 'claims' | 'refresh', metric: string, label: string) => {
    const m = ssr.mixes[mix]
    const cpu = (k: 'ours' | 'theirs') => `${Math.round(m.cpuUsPerRequest[k].median)} µs`
    const p = (k: 'ours' | 'theirs') => `${m.latencyMs[k].p50.median.toFixed(1)} / ${m.latencyMs[k].p99.median.toFixed(1)} ms`
    out.push({
      metric,
      label,
      ours: `${m.ratio ? ratio(m.ratio) : 'n/a'}; ${rps(m.rps.ours)}`,
      authjs: `1; ${rps(m.rps.theirs)}`,
      reference: `app CPU per request: ours ${cpu('ours')}, @supabase/ssr ${cpu('theirs')}${m.cpuRatio ? ` (theirs ÷ ours ${ratio(m.cpuRatio)})` : ''}; latency p50 / p99: ours ${p('ours')}, @supabase/ssr ${p('theirs')}`,
      target: `≥ ${TARGETS.ssrThroughput}× @supabase/ssr`,
      pass: m.ratio !== null && m.ratio.median >= TARGETS.ssrThroughput,
    })
  }
  ssrMix(
    'claims',
    `SSR throughput: Node server, client from the request's cookies, verified claims (ES256), a line of text; ${ssr.concurrency} connections; ratio to @supabase/ssr + auth-js (slice by slice)`,
    `SSR req/s, verified claims (C = ${ssr.concurrency})`,
  )
  ssrMix('refresh', `↳ same, a refresh due on every ${ssr.dueEvery}th request`, `SSR req/s, refresh every ${ssr.dueEvery}th`)
  const refresh = ssr.mixes.refresh
  const tokens = (k: 'ours' | 'theirs') =>
    `${refresh.tokenCalls[k]} /token for ${refresh.dueRequests[k]} due of ${refresh.requestsSent[k]} requests; ${refresh.dueAnsweredWithCookies[k]} answered with Set-Cookie`
  out.push({
    metric: `↳ refresh calls at the auth server in that mix (all rounds, warm-ups included)`,
    ours: tokens('ours'),
    authjs: tokens('theirs'),
    reference: `cookies set on refresh: ours ${ssr.refreshCookies.ours.join(', ')}; @supabase/ssr ${ssr.refreshCookies.theirs.join(', ')}`,
    target: `(informative) ${(['ours', 'theirs'] as const).every((k) => refresh.tokenCalls[k] === refresh.dueRequests[k] && refresh.dueAnsweredWithCookies[k] === refresh.dueRequests[k]) ? 'one per due request' : 'NOT one per due request'}`,
    pass: null,
  })
  out.push({
    metric: `↳ heap per in-flight request: the app's heapUsed under load (no GC forced) above idle, ÷ ${ssr.concurrency}`,
    ours: kb(ssr.heap.ours.perInFlightBytes),
    authjs: kb(ssr.heap.theirs.perInFlightBytes),
    reference: `mostly garbage not yet collected; requests in flight in the app when sampled: ours ${ssr.heap.ours.inFlightMean.toFixed(1)}, @supabase/ssr ${ssr.heap.theirs.inFlightMean.toFixed(1)}`,
    target: '(informative)',
    pass: null,
  })
  out.push({
    metric: `↳ live heap per request in flight: ${ssr.concurrency} requests parked mid-refresh (\`/token\` held back), after a full GC`,
    ours: kb(ssr.heap.ours.parkedPerRequestBytes),
    authjs: kb(ssr.heap.theirs.parkedPerRequestBytes),
    reference: 'what a request holds while it waits: its client, the session read from the cookie, the pending fetch',
    target: '(informative)',
    pass: null,
  })
  const mem = r.memory.results
  out.push({
    metric: `Heap per idle client (${r.memory.instances} instances, after GC)`,
    label: 'Heap per idle client',
    ours: `${kb(mem.ours.idle.median)} (${kb(mem.ours.idle.min)}–${kb(mem.ours.idle.max)})`,
    authjs: `${kb(mem.authjs.idle.median)} (${kb(mem.authjs.idle.min)}–${kb(mem.authjs.idle.max)})`,
    reference: `ratio ${(mem.ours.idle.median / mem.authjs.idle.median).toFixed(2)}×; the lifecycle chart alone, one started XState actor: ${kb(mem.chartActor.idle.median)}`,
    target: `≤ ${TARGETS.heapIdle}× auth-js`,
    pass: mem.ours.idle.median <= TARGETS.heapIdle * mem.authjs.idle.median,
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
    label: 'Import time, main entry',
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
    label: 'Main entry, browser, min+gzip',
    ours: `${kb(main.gzipBytes)} (${(main.gzipBytes / authMain.gzipBytes).toFixed(2)}×)`,
    authjs: kb(authMain.gzipBytes),
    reference: `min: ${kb(main.minBytes)} vs ${kb(authMain.minBytes)}`,
    target: `≤ ${TARGETS.mainEntryGzip}× auth-js`,
    pass: main.gzipBytes <= TARGETS.mainEntryGzip * authMain.gzipBytes,
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
    target: `(informative) ${joseIn.every((entry) => entry === './jwt' || entry === './testing') && bundle('ours: ./jwt').hasJose ? 'only where JWTs are verified' : 'NOT only where JWTs are verified'}`,
    pass: null,
  })
  for (const name of ['ours: ./admin', 'ours: ./jwt', 'ours: ./mfa', 'ours: ./identities', 'ours: ./confirmations', 'ours: ./handoff', 'ours: ./inspect', 'ours: ./svelte', 'ours: ./angular', 'ours: ./devtools', 'ours: ./ssr', 'ours: ./webauthn', 'ours: ./web3', 'ours: ./oauth', 'ours: ./testing', 'app: sign in + state$ (ours)', 'app: sign in + onAuthStateChange (auth-js)']) {
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

/** The targets that failed (empty when all pass). */
export function failures(r: BenchResults): Row[] {
  return rows(r).filter((row) => row.pass === false)
}

/** The targets only, as a plain-text table for the console. */
export function renderTargets(r: BenchResults): string {
  const targets = rows(r).filter((row) => row.pass !== null)
  const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)
  const table = [
    ['Target', 'This client', 'auth-js', 'Limit', 'Result'],
    ...targets.map((row) => [row.label ?? short(row.metric, 48), short(row.ours, 44), short(row.authjs, 30), row.target, row.pass ? 'pass' : 'FAIL']),
  ]
  const widths = table[0]!.map((_, c) => Math.max(...table.map((line) => line[c]!.length)))
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()
  const failed = targets.filter((row) => row.pass === false).length
  const load = r.meta.loadAverage ? ` (load average ${r.meta.loadAverage.start.toFixed(1)} → ${r.meta.loadAverage.end.toFixed(1)} on ${r.meta.cores} cores)` : ''
  return [
    `Benchmark targets${r.meta.quick ? ', quick run' : ''}${load}:`,
    '',
    line(table[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.slice(1).map(line),
    '',
    failed === 0 ? `All ${targets.length} targets pass.` : `${failed} of ${targets.length} targets FAIL.`,
  ].join('\n')
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
      (r.meta.durationSeconds ? `, ${Math.round(r.meta.durationSeconds)} s in all` : '') +
      (r.meta.loadAverage ? `; load average ${r.meta.loadAverage.start.toFixed(1)} at the start, ${r.meta.loadAverage.end.toFixed(1)} at the end` : '') +
      (r.meta.quick ? '; **quick run** (`--quick`: fewer CPU rounds)' : '') +
      '.',
    'Figures are medians with (min–max); CPU ratios are medians of block-by-block ratios (min–max over blocks). Raw samples: `bench/results.json`. ' +
      'How the figures are taken and what the profiles showed: `bench/NOTES.md`. `npm run bench` exits non-zero when a target fails.',
    '',
    '| Metric | This client | auth-js | Floor / reference | Target | Result |',
    '|---|---|---|---|---|---|',
    ...table.map((row) => `| ${cell(row.metric)} | ${cell(row.ours)} | ${cell(row.authjs)} | ${cell(row.reference)} | ${cell(row.target)} | ${row.pass === null ? '' : row.pass ? '**pass**' : '**FAIL**'} |`),
    '',
    '## How each figure is taken',
    '',
    `- **CPU per round**: sign in with a password, \`getUser\`, 10 × \`getSession\`, 10 × \`getClaims\` (ours from \`supabase-auth-machine/jwt\`), a refresh, sign out, each call awaited in turn; the same round without the \`getClaims\` is timed too. ` +
      `Both clients alike: a Map storage, \`persistSession: true\`, \`autoRefreshToken: false\`, same URL and key; auth-js without a \`lock\` (its default, lock-free path). The server is a child process answering from bodies built once (a real access token signed with an ES256 key its JWKS lists, so both clients verify claims locally; an HS256 anon key; a GoTrue user). ` +
      `Each contender runs in its own process (own JIT state and heap, as in an app). The window is \`process.cpuUsage()\` (user + system, all threads) around the round, closed only once no timer or immediate is pending (deferred work is charged to the round); a minor GC runs just before each window and a young generation fixed at its largest default size keeps the round from starting a scavenge, so no round pays for an earlier one's garbage. ` +
      `${r.cpu.warmup} warm-up rounds of each variant per process, then ${r.cpu.rounds}, in blocks of ${r.cpu.block} with the contenders' order rotating; a ratio is the median of block-by-block ratios of medians. The floor does the same HTTP exchanges with bare \`fetch\` and \`JSON.parse\` (four per round, the key set once) and, for the ten \`getClaims\`, decodes the payload and checks the signature with \`crypto.subtle.verify\` (key imported once).`,
    '- **Requests per round**: counted by the server over 5 rounds of one contender at a time (a key set fetched once shows as 0.2).',
    `- **Refresh storm**: the project's local auth server (real refresh-token rotation) in a child process; K clients share one storage holding a session ${r.storm.secondsLeft} s from expiry (inside both clients' 90 s margin); ${r.storm.callsPerClient} concurrent \`getSession()\` per client; \`/token?grant_type=refresh_token\` counted at the server.`,
    `- **SSR throughput**: five processes: the auth server (precomputed answers, ES256 project, requests counted per route), one Node \`http\` app per contender, a load generator and the driver. Per request each app builds a client from the request's cookies (ours \`createServerAuthClient\` from \`supabase-auth-machine/ssr\` with \`getClaims\` from \`/jwt\`; theirs \`createServerClient\` from \`@supabase/ssr\` with \`supabase.auth.getClaims()\`), writes what \`setAll\` gives as \`Set-Cookie\`, and renders a line. Both read the same \`sb-<ref>-auth-token\` cookie, built once by signing in through \`@supabase/ssr\`. ` +
      `The load generator keeps ${r.ssr.concurrency} kept-alive loopback connections busy (the next request as soon as a response ends); each app is warmed ${r.ssr.firstWarmupMs / 1000} s first, then ${r.ssr.rounds} rounds of ${r.ssr.slices} slices per mix, a slice being one ${r.ssr.windowMs / 1000} s window per contender back to back (${r.ssr.warmupMs} ms ramp before each, the order flipping every slice); rps counts responses ended inside the window; a ratio is the median of slice-by-slice ratios (load on the host that drifts over seconds cancels). App CPU per request is \`process.cpuUsage()\` of the app over its window ÷ its responses; the load generator's own CPU (${Math.round(r.ssr.loadCpuUsPerRequest)} µs per request) shares the host. ` +
      `In the refresh mix every ${r.ssr.dueEvery}th request carries a session whose access token expired a minute ago, so the app refreshes (one \`/token\`) and sets new cookies. Heap: heapUsed sampled every 50 ms during the windows above the idle heap after GC, ÷ the connections; and, live, heapUsed after a full GC with every connection's request waiting on a held-back \`/token\`, against a full GC once they are answered.`,
    `- **Bytes allocated per round**: the same round against the same child server, in a process whose young generation is too large to be collected during the count; \`heapUsed\` growth over ${r.allocation.rounds} rounds after 30 warm-up ones, median of 3 processes.`,
    `- **Heap**: a fresh \`node --expose-gc\` process per measurement (3 each); ${r.memory.instances} clients after 20 warm-up ones, each with its own Map storage built before the baseline; heapUsed delta after GC ÷ ${r.memory.instances}. Signed in: the storage holds a session, restored without network.`,
    `- **Import time**: \`performance.now()\` around \`await import(entry)\` inside a fresh process; the entries by package name (\`supabase-auth-machine\` resolves to \`dist/\`).`,
    '- **Bundle size**: esbuild (minify, ESM, `platform: browser`; `/testing` with `platform: node`), gzip level 9; `jose` presence from the metafile. A companion entry\'s row is what it adds to the main entry: the modules it shares with it at run time (`./index.js`, the client; `./errors.js`) are left out, as is the framework of an adapter.',
    '',
  ]
  return lines.join('\n')
}
