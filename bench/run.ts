/**
 * `npm run bench`: builds the package, runs each benchmark in its own process, and writes
 * `bench/results.json` and `bench/RESULTS.md`.
 * @module
 */
import { execSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { ROOT, runTsChild } from './child.js'
import { type BenchResults, renderReport } from './report.js'

const started = performance.now()
const step = (name: string) => console.error(`bench: ${name}…`)

step('build')
execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })

const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, pkg), 'utf8')) as { version: string }).version

step('CPU per round and requests per round')
const cpu = await runTsChild<BenchResults['cpu']>('./cpu-round.ts', ['200', '30'])
step('refresh storm')
const storm = await runTsChild<BenchResults['storm']>('./storm.ts')
step('allocation per round')
const allocation = await runTsChild<BenchResults['allocation']>('./allocation.ts')
step('memory')
const memory = await runTsChild<BenchResults['memory']>('./memory.ts')
step('import cost')
const importCost = await runTsChild<BenchResults['importCost']>('./import-cost.ts')
step('bundle size')
const bundles = await runTsChild<BenchResults['bundles']>('./bundle-size.ts')

const results: BenchResults = {
  meta: {
    date: new Date().toISOString().slice(0, 10),
    node: process.versions.node,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    authJsVersion: version('node_modules/@supabase/auth-js/package.json'),
    oursVersion: version('package.json'),
    durationSeconds: (performance.now() - started) / 1000,
  },
  cpu,
  storm,
  memory,
  allocation,
  importCost,
  bundles,
}
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 1)}\n`)
const report = renderReport(results)
writeFileSync(join(ROOT, 'bench/RESULTS.md'), report)
console.log(report)
