/**
 * SSR throughput (issue 10 §3): a Node HTTP server whose handler builds an auth client from the request's
 * cookies, reads verified claims (ES256 project: a key the JWKS lists) and renders a line of text; this
 * client's `/ssr` entry with `getClaims` from `/jwt` against `@supabase/ssr` + `@supabase/auth-js`'s
 * `getClaims()`, side by side in one run, against the same auth server.
 *
 * Five processes: the auth server (`ssr-auth-server.ts`, precomputed answers, counts requests per route),
 * one app per contender (`ssr-app-ours.ts`, `ssr-app-theirs.ts`), the load generator (`ssr-load.ts`,
 * loopback, a fixed number of kept-alive connections each sending the next request when the last one
 * ended), and this driver. Both apps read the same cookie, built once by signing in through `@supabase/ssr`.
 * Two mixes: every request with a fresh session ("claims"), and every 100th request with a session whose
 * access token has expired ("refresh"), which the app must refresh (one `/token` call) and write back with
 * `setAll`. Each app is warmed up once; then, per round and mix, slices: in each, one window per contender
 * back to back (the order flipping every slice), each after a short ramp; rps is responses ended inside
 * the window ÷ its length; a ratio is ours ÷ theirs of the same slice, so load on the host that drifts over
 * seconds cancels. Heap per in-flight request: the app's heapUsed sampled every 50 ms during the windows
 * (no GC forced) above its heapUsed after a GC when idle (connections open), ÷ the concurrency; and, apart,
 * heapUsed after a full GC with every connection's request parked mid-refresh (the auth server holding
 * `/token` back) above a full GC once they are answered, ÷ the requests in flight.
 *
 * Usage: `tsx bench/ssr-throughput.ts [--quick] [--only=ours|theirs]` — prints one JSON line (last line of
 * stdout). Needs `npm run build` first (the apps import the package by name, i.e. `dist/`).
 * @module
 */
import { createServerClient } from '@supabase/ssr'
import { EMAIL, PASSWORD } from './server/bodies.js'
import type { Counts } from './server/ipc.js'
import { type Proc, spawnProc } from './ssr-proc.js'
import { type AppReady, type AppWindow, type AuthServerReady, DUE_PASSWORD, type HeapIdle, type HeapProbe, type LoadResult, type LoadRun } from './ssr-shared.js'
import { summarize, type Summary } from './stats.js'

export const SSR_TARGET = 1.2
const KINDS = ['ours', 'theirs'] as const
const MIXES = ['claims', 'refresh'] as const
export type SsrKind = (typeof KINDS)[number]
export type SsrMix = (typeof MIXES)[number]

const quick = process.argv.includes('--quick')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) as SsrKind | undefined
const kinds: readonly SsrKind[] = only ? [only] : KINDS

const CONCURRENCY = 16
const DUE_EVERY = 100
/** Per mix: rounds × slices, each slice one window per contender, back to back, the order flipping each slice. */
const ROUNDS = 3
const SLICES = quick ? 2 : 4
const FIRST_WARMUP_MS = quick ? 1500 : 3000
/** Before each window: the connections' pipelines fill (the app itself stays warm between slices). */
const WARMUP_MS = 100
const WINDOW_MS = 1000
/** How long the auth server holds refresh answers back while the parked requests are weighed. */
const PARK_MS = 1200
const REFRESH_ROUTE = 'POST /token?grant_type=refresh_token'

export interface SsrRun {
  round: number
  slice: number
  kind: SsrKind
  mix: SsrMix
  load: LoadResult
  app: { requests: number; cpuUsPerRequest: number; heapAboveIdleMedian: number; inFlightMean: number }
  authRequests: Counts
}

export interface SsrMixResult {
  rps: Record<SsrKind, Summary & { samples: number[] }>
  /** ours ÷ theirs, per slice (adjacent windows). */
  ratio: (Summary & { samples: number[] }) | null
  pass: boolean | null
  /**
   * theirs ÷ ours app CPU per response, per slice: what the throughput ratio would be with a core to each
   * app and nothing else on the host (steadier than the rps ratio on a busy machine).
   */
  cpuRatio: (Summary & { samples: number[] }) | null
  /** App CPU (all threads) per response, µs, over slices. */
  cpuUsPerRequest: Record<SsrKind, Summary>
  latencyMs: Record<SsrKind, { p50: Summary; p99: Summary }>
  /** Over all slices of the mix, warm-ups included. */
  requestsSent: Record<SsrKind, number>
  dueRequests: Record<SsrKind, number>
  /** Due requests whose response carried `Set-Cookie`. */
  dueAnsweredWithCookies: Record<SsrKind, number>
  /** `/token?grant_type=refresh_token` calls counted at the auth server over the same runs. */
  tokenCalls: Record<SsrKind, number>
  /** Every request the auth server saw over the same runs, per route. */
  authRequests: Record<SsrKind, Counts>
}

export interface SsrHeap {
  idleBytes: number
  /** Median over the claims-mix windows of (median unforced heapUsed in the window − idle) ÷ concurrency. */
  perInFlightBytes: number
  /** Mean requests in flight at the app when sampled (≤ concurrency; the rest are on the wire or in the load generator). */
  inFlightMean: number
  /**
   * Live heap per request parked mid-refresh: (heapUsed after a full GC with every connection's request
   * waiting on `/token` − heapUsed after a full GC once they are answered) ÷ requests in flight.
   */
  parkedPerRequestBytes: number
  parked: { idleBytes: number; samples: HeapProbe['samples'] }
}

export interface SsrResults {
  concurrency: number
  dueEvery: number
  rounds: number
  slices: number
  /** Load generator CPU per request it sent, µs (median over its runs): what the app's throughput shares the host with. */
  loadCpuUsPerRequest: number
  warmupMs: number
  windowMs: number
  firstWarmupMs: number
  quick: boolean
  target: number
  mixes: Record<SsrMix, SsrMixResult>
  heap: Record<SsrKind, SsrHeap>
  /** Names of the cookies each app set when it refreshed (the smoke test), for comparing formats. */
  refreshCookies: Record<SsrKind, string[]>
  /** Errors the apps counted (500s), over the whole run. */
  appErrors: Record<SsrKind, number>
  runs: SsrRun[]
}

/**
 * supabase-js builds a Realtime client in its constructor, which throws on a runtime without a global
 * `WebSocket` (Node 20); `--experimental-websocket` gives it undici's, as Node 22 does by default. No
 * socket is opened: the apps never subscribe.
 */
const NODE_WEBSOCKET = typeof globalThis.WebSocket === 'undefined' ? ['--experimental-websocket'] : []
/** Only for the driver's own sign-in client, which never opens a socket either. */
const NO_WEBSOCKET = (globalThis.WebSocket ?? class NoWebSocket {}) as unknown as typeof WebSocket

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (xs: readonly number[]) => summarize(xs).median

const auth = await spawnProc<AuthServerReady>('./ssr-auth-server.ts')
const { origin, anonKey } = auth.ready
const [load, ...appList] = await Promise.all([
  spawnProc<Record<string, never>>('./ssr-load.ts'),
  ...kinds.map((kind) => spawnProc<AppReady>(`./ssr-app-${kind}.ts`, [origin, anonKey], ['--expose-gc', ...(kind === 'theirs' ? NODE_WEBSOCKET : [])])),
])
const apps = Object.fromEntries(kinds.map((kind, i) => [kind, appList[i]!])) as Record<SsrKind, Proc<AppReady>>

try {
  /** Signs in through `@supabase/ssr` and returns the `Cookie` header its `setAll` wrote. */
  async function signedInCookie(password: string): Promise<string> {
    const jar = new Map<string, string>()
    const supabase = createServerClient(origin, anonKey, {
      realtime: { transport: NO_WEBSOCKET },
      cookies: {
        getAll: () => [...jar].map(([name, value]) => ({ name, value })),
        setAll: (cookies) => {
          for (const { name, value, options } of cookies) {
            if (value === '' || options.maxAge === 0) jar.delete(name)
            else jar.set(name, value)
          }
        },
      },
    })
    const { error } = await supabase.auth.signInWithPassword({ email: EMAIL, password })
    if (error !== null) throw error
    if (jar.size === 0) throw new Error('signing in set no cookie')
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  const cookie = await signedInCookie(PASSWORD)
  const dueCookie = await signedInCookie(DUE_PASSWORD)

  // Smoke test: both apps answer the same line, and refresh (Set-Cookie) on the due cookie.
  const refreshCookies = {} as Record<SsrKind, string[]>
  const lines = new Set<string>()
  for (const kind of kinds) {
    type Once = { status: number; setCookie: string[]; body: string }
    const fresh = await load.call<Once>('once', { port: apps[kind].ready.port, cookie })
    const due = await load.call<Once>('once', { port: apps[kind].ready.port, cookie: dueCookie })
    if (fresh.status !== 200 || !fresh.body.startsWith('Hello ')) throw new Error(`${kind}: fresh cookie answered ${fresh.status}: ${fresh.body}`)
    if (due.status !== 200 || due.body !== fresh.body) throw new Error(`${kind}: due cookie answered ${due.status}: ${due.body}`)
    if (due.setCookie.length === 0) throw new Error(`${kind}: refreshing set no cookie`)
    if (fresh.setCookie.length !== 0) throw new Error(`${kind}: a fresh session set cookies: ${fresh.setCookie.join(' | ')}`)
    refreshCookies[kind] = due.setCookie.map((c) => c.slice(0, c.indexOf('=')))
    lines.add(fresh.body)
  }
  if (lines.size !== 1) throw new Error(`the apps render different lines: ${[...lines].join(' / ')}`)

  const runLoad = (kind: SsrKind, mix: SsrMix, warmupMs: number, durationMs: number) =>
    load.call<LoadResult>('run', {
      port: apps[kind].ready.port,
      cookie,
      dueCookie,
      dueEvery: mix === 'refresh' ? DUE_EVERY : 0,
      concurrency: CONCURRENCY,
      warmupMs,
      durationMs,
    } satisfies LoadRun as unknown as Record<string, unknown>)

  // Warm-up of each app's JIT on both paths, then its idle heap (connections open, nothing in flight).
  const idle = {} as Record<SsrKind, number>
  for (const kind of kinds) {
    const warm = await runLoad(kind, 'refresh', FIRST_WARMUP_MS, 0)
    if (warm.errors > 0) throw new Error(`${kind}: ${warm.errors} errors in the warm-up, first: ${warm.firstError}`)
    idle[kind] = (await apps[kind].call<HeapIdle>('heap-idle')).heapUsed
  }

  const runs: SsrRun[] = []
  for (let round = 0; round < ROUNDS; round++) {
    for (const mix of MIXES) {
      const perRound: Record<string, number[]> = {}
      for (let slice = 0; slice < SLICES; slice++) {
        const order = (round * SLICES + slice) % 2 === 0 ? kinds : [...kinds].reverse()
        for (const kind of order) {
          await auth.call('reset')
          const loading = runLoad(kind, mix, WARMUP_MS, WINDOW_MS)
          await sleep(WARMUP_MS)
          await apps[kind].call('window-start')
          const { type: _type, id: _id, ...loaded } = (await loading) as LoadResult & { type?: string; id?: number }
          const window = await apps[kind].call<AppWindow>('window-end')
          const { counts } = await auth.call<{ counts: Counts }>('stats')
          if (loaded.errors > 0) throw new Error(`${kind}, ${mix}: ${loaded.errors} errors, first: ${loaded.firstError}`)
          runs.push({
            round,
            slice,
            kind,
            mix,
            load: loaded,
            app: {
              requests: window.requests,
              cpuUsPerRequest: window.cpuUs / Math.max(1, window.requests),
              heapAboveIdleMedian: median(window.heapSamples) - idle[kind],
              inFlightMean: window.inFlightSamples.reduce((a, b) => a + b, 0) / Math.max(1, window.inFlightSamples.length),
            },
            authRequests: counts,
          })
          ;(perRound[kind] ??= []).push(loaded.rps)
        }
      }
      console.error(`ssr: round ${round + 1}, ${mix}: ${kinds.map((kind) => `${kind} ${Math.round(median(perRound[kind]!))}`).join(', ')} req/s`)
    }
  }

  // Live heap per in-flight request: every request due, the auth server holding refresh answers back, so
  // all `CONCURRENCY` requests sit in the app mid-refresh (client built, session read, `/token` pending);
  // full GCs then, against a full GC once they have all been answered (connections still open).
  await auth.call('hold-refresh', { ms: PARK_MS })
  const heap = {} as Record<SsrKind, SsrHeap>
  for (const kind of kinds) {
    const parking = load.call<LoadResult>('run', {
      port: apps[kind].ready.port,
      cookie,
      dueCookie,
      dueEvery: 1,
      concurrency: CONCURRENCY,
      warmupMs: 0,
      durationMs: PARK_MS / 2,
    } satisfies LoadRun as unknown as Record<string, unknown>)
    await sleep(PARK_MS / 4)
    const { samples } = await apps[kind].call<HeapProbe>('heap-probe', { count: 3, everyMs: 20 })
    const parked = await parking
    if (parked.errors > 0) throw new Error(`${kind}, parked: ${parked.errors} errors, first: ${parked.firstError}`)
    const idleBytes = median(await Promise.all([0, 1, 2].map(() => apps[kind].call<HeapIdle>('heap-idle').then((h) => h.heapUsed))))
    const claimsRuns = runs.filter((r) => r.kind === kind && r.mix === 'claims')
    heap[kind] = {
      idleBytes: idle[kind],
      perInFlightBytes: median(claimsRuns.map((r) => r.app.heapAboveIdleMedian)) / CONCURRENCY,
      inFlightMean: median(claimsRuns.map((r) => r.app.inFlightMean)),
      parkedPerRequestBytes: median(samples.map((s) => (s.heapUsed - idleBytes) / Math.max(1, s.inFlight))),
      parked: { idleBytes, samples },
    }
  }
  await auth.call('hold-refresh', { ms: 0 })

  const appErrors = {} as Record<SsrKind, number>
  for (const kind of kinds) appErrors[kind] = (await apps[kind].call<{ errors: number }>('counters')).errors

  const perKind = <T>(f: (kind: SsrKind) => T) => Object.fromEntries(kinds.map((kind) => [kind, f(kind)])) as Record<SsrKind, T>
  const mixes = {} as Record<SsrMix, SsrMixResult>
  for (const mix of MIXES) {
    const of = (kind: SsrKind) => runs.filter((r) => r.mix === mix && r.kind === kind)
    const withSamples = (xs: number[]) => ({ ...summarize(xs), samples: xs })
    const ratios =
      kinds.length === 2
        ? of('ours').map((r, i) => r.load.rps / of('theirs')[i]!.load.rps)
        : null
    const cpuRatios = kinds.length === 2 ? of('theirs').map((r, i) => r.app.cpuUsPerRequest / of('ours')[i]!.app.cpuUsPerRequest) : null
    const sum = (kind: SsrKind, f: (r: SsrRun) => number) => of(kind).reduce((a, r) => a + f(r), 0)
    mixes[mix] = {
      rps: perKind((kind) => withSamples(of(kind).map((r) => r.load.rps))),
      ratio: ratios ? withSamples(ratios) : null,
      pass: ratios ? summarize(ratios).median >= SSR_TARGET : null,
      cpuRatio: cpuRatios ? withSamples(cpuRatios) : null,
      cpuUsPerRequest: perKind((kind) => summarize(of(kind).map((r) => r.app.cpuUsPerRequest))),
      latencyMs: perKind((kind) => ({ p50: summarize(of(kind).map((r) => r.load.p50Ms)), p99: summarize(of(kind).map((r) => r.load.p99Ms)) })),
      requestsSent: perKind((kind) => sum(kind, (r) => r.load.sent)),
      dueRequests: perKind((kind) => sum(kind, (r) => r.load.dueSent)),
      dueAnsweredWithCookies: perKind((kind) => sum(kind, (r) => r.load.dueWithSetCookie)),
      tokenCalls: perKind((kind) => sum(kind, (r) => r.authRequests[REFRESH_ROUTE] ?? 0)),
      authRequests: perKind((kind) => {
        const total: Counts = {}
        for (const r of of(kind)) for (const [route, n] of Object.entries(r.authRequests)) total[route] = (total[route] ?? 0) + n
        return total
      }),
    }
  }

  const results: SsrResults = {
    concurrency: CONCURRENCY,
    dueEvery: DUE_EVERY,
    rounds: ROUNDS,
    slices: SLICES,
    loadCpuUsPerRequest: median(runs.map((r) => r.load.cpuUsPerRequest)),
    warmupMs: WARMUP_MS,
    windowMs: WINDOW_MS,
    firstWarmupMs: FIRST_WARMUP_MS,
    quick,
    target: SSR_TARGET,
    mixes,
    heap,
    refreshCookies,
    appErrors,
    runs,
  }
  console.log(JSON.stringify(results))
} finally {
  await Promise.all([load.close(), ...Object.values(apps).map((app) => app.close()), auth.close()])
}
