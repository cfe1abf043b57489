/**
 * `npm run visualize`: draws every machine in `machines/index.ts` into `visualizations/<name>.mmd` and
 * `.svg`, and refreshes the README's chart sections. `npm run visualize -- --check` writes nothing and
 * exits 1 when any of those files is out of date (CI runs it).
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machines } from '../machines/index.js'
import { planChartSync } from './chart/sync.js'

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.slice(2).includes('--check')

const { writes, removals } = await planChartSync(rootDir, machines)

if (check) {
  if (writes.length === 0 && removals.length === 0) {
    console.log(`Charts are up to date (${Object.keys(machines).join(', ')}).`)
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
