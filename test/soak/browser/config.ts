/**
 * What one browser soak run is: its seed, its length, how many Chromium tabs share the origin's storage,
 * whether storage faults are drawn, and the real-time bounds that keep hung requests short. `SOAK_SEED`,
 * `SOAK_BROWSER_STEPS`, `SOAK_BROWSER_TABS` and `SOAK_BROWSER_STORAGE_FAULTS` override the defaults, so a
 * failing run is replayed with the command it printed.
 */
import { envNumber, randomSeed } from '../config.js'
import { seedFrom } from '../prng.js'

export interface BrowserSoakConfig {
  seed: number
  steps: number
  /** Tabs of one browser context: one localStorage, one Web Lock per name, one BroadcastChannel per name. */
  tabs: number
  /**
   * Draw the "storage throws" steps: `auto` follows `known.ts` (skipped while the degraded-tab bug is listed
   * there), `on` takes them whatever `known.ts` says (each throws once or twice in a row, as drawn), `once`
   * takes them but each throws only once (a hiccup a store may retry), `off` skips them.
   */
  storageFaults: 'auto' | 'on' | 'once' | 'off'
  /** Local server's refresh-token algorithm: 0 legacy rows, 2 signed counters. */
  refreshTokenAlgorithmVersion: 0 | 2
  /** Access-token lifetime at the local server, in seconds of virtual time. */
  jwtExpirySeconds: number
  /**
   * The clients' request timeout, in real ms: what a hung request costs the walk. Far above what an unfaulted
   * request through the proxy takes on a loaded 2-core machine, so only a hang fault meets it.
   */
  requestTimeoutMs: number
  /** How many of the last steps a violation report shows. */
  traceLength: number
  /** Sample every awake tab's JS heap every this many steps. */
  heapEvery: number
}

export const BROWSER_DEFAULTS = {
  steps: 300,
  tabs: 4,
  jwtExpirySeconds: 900,
  requestTimeoutMs: 1_500,
  traceLength: 30,
  heapEvery: 50,
} as const

function envStorageFaults(): BrowserSoakConfig['storageFaults'] | undefined {
  const raw = process.env['SOAK_BROWSER_STORAGE_FAULTS']?.trim().toLowerCase()
  if (raw === undefined || raw === '') return undefined
  if (raw === '1' || raw === 'on' || raw === 'true') return 'on'
  if (raw === '0' || raw === 'off' || raw === 'false') return 'off'
  if (raw === 'auto' || raw === 'once') return raw
  throw new Error(`SOAK_BROWSER_STORAGE_FAULTS must be on, once, off or auto, got ${raw}`)
}

/**
 * The run's configuration: `overrides` first (the test pins its budget), then the env vars, then the
 * defaults. As in the in-process soak, the algorithm follows the seed's parity unless given.
 */
export function browserSoakConfig(overrides: Partial<BrowserSoakConfig> = {}): BrowserSoakConfig {
  const rawSeed = process.env['SOAK_SEED']
  const seed = overrides.seed ?? (rawSeed !== undefined && rawSeed !== '' ? seedFrom(rawSeed) : randomSeed())
  const tabs = overrides.tabs ?? envNumber('SOAK_BROWSER_TABS') ?? BROWSER_DEFAULTS.tabs
  if (tabs < 2) throw new Error('the browser soak needs at least 2 tabs')
  return {
    seed,
    steps: overrides.steps ?? envNumber('SOAK_BROWSER_STEPS') ?? BROWSER_DEFAULTS.steps,
    tabs,
    storageFaults: overrides.storageFaults ?? envStorageFaults() ?? 'auto',
    refreshTokenAlgorithmVersion: overrides.refreshTokenAlgorithmVersion ?? (seed % 2 === 0 ? 0 : 2),
    jwtExpirySeconds: overrides.jwtExpirySeconds ?? BROWSER_DEFAULTS.jwtExpirySeconds,
    requestTimeoutMs: overrides.requestTimeoutMs ?? BROWSER_DEFAULTS.requestTimeoutMs,
    traceLength: overrides.traceLength ?? BROWSER_DEFAULTS.traceLength,
    heapEvery: overrides.heapEvery ?? BROWSER_DEFAULTS.heapEvery,
  }
}

/** The command that replays a run. */
export function browserReplayCommand(config: BrowserSoakConfig): string {
  const faults = config.storageFaults === 'auto' ? '' : ` SOAK_BROWSER_STORAGE_FAULTS=${config.storageFaults}`
  return `SOAK_SEED=${config.seed} SOAK_BROWSER_STEPS=${config.steps} SOAK_BROWSER_TABS=${config.tabs}${faults} npm run soak:browser`
}
