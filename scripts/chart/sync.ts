/**
 * Compares the drawn charts with the files in the project, so `npm run visualize` writes only what
 * changed and `--check` (and the staleness test) can name what is out of date.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AnyStateMachine } from 'xstate'
import { drawCharts, isChartPath, VISUALIZATIONS_DIR, withReadmeCharts } from './outputs.js'
import type { ChartFile } from './outputs.js'

export const README = 'README.md'

export interface ChartSync {
  /** Files whose content differs from the drawing (or that are missing), with the content they need. */
  writes: ChartFile[]
  /** Drawings of machines that no longer exist (relative paths). */
  removals: string[]
}

/**
 * What it takes to bring `rootDir` up to date with `machines`: the charts to (re)write, the README
 * if its chart sections differ, and leftover drawings to delete. Empty lists mean everything is current.
 *
 * @example
 * const { writes, removals } = await planChartSync(process.cwd(), machines)
 * if (writes.length + removals.length > 0) console.error('run npm run visualize')
 */
export async function planChartSync(rootDir: string, machines: Readonly<Record<string, AnyStateMachine>>): Promise<ChartSync> {
  const charts = await drawCharts(machines)
  const wanted = charts.flatMap((chart) => chart.files)
  const writes = wanted.filter((file) => readIfExists(join(rootDir, file.path)) !== file.content)

  const readme = readIfExists(join(rootDir, README))
  if (readme !== undefined) {
    const updated = withReadmeCharts(readme, charts)
    if (updated !== readme) writes.push({ path: README, content: updated })
  }

  const wantedPaths = new Set(wanted.map((file) => file.path))
  const dir = join(rootDir, VISUALIZATIONS_DIR)
  const existing = existsSync(dir) ? readdirSync(dir).map((name) => `${VISUALIZATIONS_DIR}/${name}`) : []
  const removals = existing.filter((path) => isChartPath(path) && !wantedPaths.has(path)).sort()
  return { writes, removals }
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}
