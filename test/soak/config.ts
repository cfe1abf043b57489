/**
 * What one soak run is: its seed, its length, how many tabs share the storage, and the timeouts that keep
 * hung requests short in real time. `SOAK_SEED`, `SOAK_STEPS` and `SOAK_CLIENTS` override the defaults,
 * so a failing run is replayed with the seed it printed.
 */
import { seedFrom } from './prng.js'

export interface SoakConfig {
  seed: number
  steps: number
  /** Tabs sharing one storage (and so one refresh lock and session bus). */
  clients: number
  /** Local server's refresh-token algorithm: 0 legacy rows, 2 signed counters. */
  refreshTokenAlgorithmVersion: 0 | 2
  /** Access-token lifetime at the local server, in seconds of virtual time. */
  jwtExpirySeconds: number
  /** The clients' request timeout, in real ms: what a hung request costs the walk. */
  requestTimeoutMs: number
  /** How many of the last steps a violation report shows. */
  traceLength: number
  /** Take a heap sample every this many steps. */
  heapEvery: number
}

export const DEFAULTS = {
  steps: 5_000,
  clients: 5,
  jwtExpirySeconds: 900,
  // Long enough that an unfaulted request to a local server never hits it on a loaded CI machine, short
  // enough that a hang costs little. A hung refresh holds the lock this long; the lock's own timeout
  // (15 s, real time) is far beyond it, so the lock never runs a second refresher unlocked.
  requestTimeoutMs: 400,
  traceLength: 40,
  heapEvery: 100,
} as const

/** A positive integer from the environment, or undefined when the variable is unset. */
export function envNumber(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

/** A fresh seed when none is given: printed with the run, so any run can be replayed. */
export function randomSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0
}

/**
 * The run's configuration: `overrides` first (tests pin theirs), then the env vars, then the defaults. The
 * algorithm follows the seed's parity unless given, so a batch of seeds covers both.
 */
export function soakConfig(overrides: Partial<SoakConfig> = {}): SoakConfig {
  const rawSeed = process.env['SOAK_SEED']
  const seed = overrides.seed ?? (rawSeed !== undefined && rawSeed !== '' ? seedFrom(rawSeed) : randomSeed())
  return {
    seed,
    steps: overrides.steps ?? envNumber('SOAK_STEPS') ?? DEFAULTS.steps,
    clients: overrides.clients ?? envNumber('SOAK_CLIENTS') ?? DEFAULTS.clients,
    refreshTokenAlgorithmVersion: overrides.refreshTokenAlgorithmVersion ?? (seed % 2 === 0 ? 0 : 2),
    jwtExpirySeconds: overrides.jwtExpirySeconds ?? DEFAULTS.jwtExpirySeconds,
    requestTimeoutMs: overrides.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    traceLength: overrides.traceLength ?? DEFAULTS.traceLength,
    heapEvery: overrides.heapEvery ?? DEFAULTS.heapEvery,
  }
}

/** The command that replays a run. */
export function replayCommand(config: SoakConfig): string {
  return `SOAK_SEED=${config.seed} SOAK_STEPS=${config.steps} SOAK_CLIENTS=${config.clients} npm run soak`
}
