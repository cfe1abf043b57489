/**
 * Import cost: time to `import()` an entry in a fresh Node process, measured inside it with
 * `performance.now()`; median of 10 per entry, entries interleaved. rxjs is measured alone because it is a
 * peer the app loads anyway.
 *
 * Usage: `tsx bench/import-cost.ts` — prints one JSON line.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { ROOT } from './child.js'
import { summarize, type Summary } from './stats.js'

const RUNS = 10
const ENTRIES = {
  ours: 'supabase-auth-machine',
  authjs: '@supabase/auth-js',
  rxjs: 'rxjs',
} as const

type Entry = keyof typeof ENTRIES

function importMs(specifier: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t))`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' })
  return Number(out)
}

const samples: Record<Entry, number[]> = { ours: [], authjs: [], rxjs: [] }
const names = Object.keys(ENTRIES) as Entry[]
importMs(ENTRIES.ours) // warms the OS file cache, as an app's second start would be
for (let i = 0; i < RUNS; i++) {
  for (let j = 0; j < names.length; j++) {
    const entry = names[(i + j) % names.length]!
    samples[entry].push(importMs(ENTRIES[entry]))
  }
}
const results = Object.fromEntries(names.map((n) => [n, { ...summarize(samples[n]), samples: samples[n] }])) as Record<Entry, Summary & { samples: number[] }>
console.log(JSON.stringify({ runs: RUNS, entries: ENTRIES, results }))
