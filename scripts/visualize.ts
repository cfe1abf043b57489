/**
 * `npm run visualize`: draws every machine in `machines/index.ts` into `visualizations/<name>.mmd` and
 * `.svg`, refreshes the README's chart sections, and embeds the lifecycle SVG in the devtools panel
 * (`src/devtools/lifecycle-chart.ts`). `npm run visualize -- --check` writes nothing and exits 1 when any
 * of those files is out of date (CI runs it).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { machines } from '../machines/index.js'
import type { ChartFile } from './chart/outputs.js'
import { planChartSync } from './chart/sync.js'

/** The chart the devtools panel shows, and the module that carries it (relative to the project root). */
export const LIFECYCLE_SVG_PATH = 'visualizations/lifecycle.svg'
export const DEVTOOLS_CHART_PATH = 'src/devtools/lifecycle-chart.ts'

/**
 * The TypeScript module embedding `svg` for the devtools panel: the drawing without its XML prolog,
 * doctype and comments (an SVG inside HTML needs none of them), as one string constant.
 *
 * @example
 * devtoolsChartModule(readFileSync('visualizations/lifecycle.svg', 'utf8')).startsWith('/**') // true
 */
export function devtoolsChartModule(svg: string): string {
  const inline = svg
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\n{2,}/g, '\n')
    .trim()
  return [
    '/**',
    ' * The lifecycle chart as `npm run visualize` draws it (`visualizations/lifecycle.svg`), for the devtools',
    ' * panel. Generated: do not edit; `npm run visualize -- --check` fails when it is stale.',
    ' * @module',
    ' */',
    `export const LIFECYCLE_SVG = ${JSON.stringify(inline)}`,
    '',
  ].join('\n')
}

/** The devtools module's content for the lifecycle SVG that `writes` brings (or the one on disk). */
function devtoolsChartFile(rootDir: string, writes: readonly ChartFile[]): ChartFile | undefined {
  const svg = writes.find((file) => file.path === LIFECYCLE_SVG_PATH)?.content ?? readFileSync(join(rootDir, LIFECYCLE_SVG_PATH), 'utf8')
  const content = devtoolsChartModule(svg)
  const path = join(rootDir, DEVTOOLS_CHART_PATH)
  return existsSync(path) && readFileSync(path, 'utf8') === content ? undefined : { path: DEVTOOLS_CHART_PATH, content }
}

async function main(): Promise<void> {
  const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const check = process.argv.slice(2).includes('--check')

  const { writes, removals } = await planChartSync(rootDir, machines)
  const devtools = devtoolsChartFile(rootDir, writes)
  if (devtools !== undefined) writes.push(devtools)

  if (check) {
    if (writes.length === 0 && removals.length === 0) {
      console.log(`Charts are up to date (${Object.keys(machines).join(', ')}, devtools panel).`)
    } else {
      console.error('Stale charts; run `npm run visualize` and commit the result:')
      for (const file of writes) console.error(`  ${file.path}`)
      for (const path of removals) console.error(`  ${path} (no such machine any more)`)
      process.exitCode = 1
    }
  } else {
    for (const file of writes) {
      mkdirSync(dirname(join(rootDir, file.path)), { recursive: true })
      writeFileSync(join(rootDir, file.path), file.content)
      console.log(`wrote ${file.path}`)
    }
    for (const path of removals) {
      rmSync(join(rootDir, path))
      console.log(`removed ${path}`)
    }
    if (writes.length === 0 && removals.length === 0) console.log('Charts already up to date.')
  }
}

// Run as a script; imported (by the test that checks the devtools module is current), it only exports.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
