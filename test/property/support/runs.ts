/**
 * How many runs each property gets, and with which seed: `FC_RUNS` (default {@link DEFAULT_RUNS}, kept small
 * so `npm test` stays fast; `npm run test:property` asks for 1000) and `FC_SEED` (default: a fresh one per
 * property). The seed is printed before the property runs, so any run, passing or not, can be replayed; a
 * failure's own report (fast-check's) adds the path of the shrunk counterexample, replayed with `FC_PATH`.
 */
import type fc from 'fast-check'

/** Runs per property in `npm test`: enough to meet the common shapes of every generator, fast enough to run always. */
export const DEFAULT_RUNS = 25

function integerFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  return Number.isSafeInteger(value) ? value : undefined
}

/** Runs asked for by `FC_RUNS` (at least 1), else the default. */
export function runCount(): number {
  const asked = integerFrom(process.env['FC_RUNS'])
  return asked !== undefined && asked > 0 ? asked : DEFAULT_RUNS
}

/**
 * fast-check parameters for the property `name`, with its seed printed as one line. `scale` gives a
 * property more or fewer runs than the others (a costly one, or one with a small input space).
 *
 * @example
 * await fc.assert(fc.asyncProperty(answer, check), propertyRuns('getUser answers'))
 */
export function propertyRuns<T>(name: string, scale = 1): fc.Parameters<T> {
  const numRuns = Math.max(1, Math.round(runCount() * scale))
  // A fresh seed per property unless one is given: every run of the suite explores new inputs, and says which.
  const seed = integerFrom(process.env['FC_SEED']) ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0
  const path = process.env['FC_PATH']
  console.info(`[property] ${name}: FC_SEED=${seed} FC_RUNS=${numRuns}${path ? ` FC_PATH=${path}` : ''}`)
  return path ? { numRuns, seed, path } : { numRuns, seed }
}

/** A vitest timeout for a property whose runs may each take up to `perRunMs`. */
export function propertyTimeout(perRunMs: number, scale = 1): number {
  return Math.max(30_000, Math.round(runCount() * scale) * perRunMs + 10_000)
}
