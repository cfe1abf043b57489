/**
 * `npm run bench`: builds the package, runs each benchmark in its own process, writes
 * `bench/results.json` and `bench/RESULTS.md`, prints the targets with pass or fail, and exits non-zero
 * when one fails (so it can guard CI). `npm run bench -- --quick`: fewer CPU rounds, for development
 * (its CPU figures are noisier; the guard still applies).
 * @module
 */
import { execSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { ROOT, runTsChild } from './child.js'
import { type BenchResults, failures, renderReport, renderTargets } from './report.js'

const started = performance.now()
const loadAtStart = loadavg()[0]!
const quick = process.argv.includes('--quick')
/** Runs one step, logging its name and how long it took (stderr; stdout carries the table). */
async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const from = performance.now()
  console.error(`bench: ${name}…`)
  const result = await run()
  console.error(`bench: ${name}: ${((performance.now() - from) / 1000).toFixed(0)} s`)
  return result
}

await step('build', () => execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }))

const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, pkg), 'utf8')) as { version: string }).version

const cpu = await step('CPU per round, requests per round', () =>
  runTsChild<BenchResults['cpu']>('./cpu-round.ts', quick ? ['100', '300'] : ['300', '1000']),
)
const storm = await step('refresh storm', () => runTsChild<BenchResults['storm']>('./storm.ts'))
const ssr = await step('SSR throughput', () => runTsChild<BenchResults['ssr']>('./ssr-throughput.ts', quick ? ['--quick'] : []))
const allocation = await step('allocation per round', () => runTsChild<BenchResults['allocation']>('./allocation.ts'))
const memory = await step('heap per client', () => runTsChild<BenchResults['memory']>('./memory.ts'))
const importCost = await step('import time', () => runTsChild<BenchResults['importCost']>('./import-cost.ts'))
const bundles = await step('bundle size', () => runTsChild<BenchResults['bundles']>('./bundle-size.ts'))

const results: BenchResults = {
  meta: {
    date: new Date().toISOString().slice(0, 10),
    node: process.versions.node,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    authJsVersion: version('node_modules/@supabase/auth-js/package.json'),
    oursVersion: version('package.json'),
    durationSeconds: (performance.now() - started) / 1000,
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
    quick,
  },
  cpu,
  storm,
  ssr,
  memory,
  allocation,
  importCost,
  bundles,
}
writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 1)}\n`)
const report = renderReport(results)
writeFileSync(join(ROOT, 'bench/RESULTS.md'), report)
console.error(`bench: done in ${Math.round(results.meta.durationSeconds ?? 0)} s; full table in bench/RESULTS.md`)
console.log(renderTargets(results))
if (failures(results).length > 0) process.exitCode = 1
