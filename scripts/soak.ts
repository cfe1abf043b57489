/**
 * `npm run soak`: the chaos soak over the lifecycle chart, longer than the budget `npm test` runs
 * (default 5,000 steps over 5 tabs, minutes of real time, days of virtual time). Prints the figures as a
 * table; on a violation prints the seed, the replay command and the steps that led to it, and exits 1.
 *
 *   SOAK_SEED=1234 SOAK_STEPS=20000 SOAK_CLIENTS=8 npm run soak
 *   SOAK_KEEP_GOING=1 npm run soak     # do not stop at the first violation; print the first of each rule
 *   SOAK_VERBOSE=1 npm run soak        # print every step as it is taken
 *
 * Run with --expose-gc (the npm script does) so heap samples follow a full collection; the heap is then
 * required to stay flat after warm-up.
 */
import { soakConfig } from '../test/soak/config.js'
import { gcExposed, heapSlopePer1000Steps, outcomesLine, table } from '../test/soak/figures.js'
import { walk } from '../test/soak/walk.js'

/** Heap growth after warm-up that still counts as flat: the local server's store grows with every sign-in. */
const FLAT_HEAP_BYTES_PER_1000_STEPS = 1024 * 1024

const config = soakConfig()
console.log(`soak: seed ${config.seed}, ${config.steps} steps, ${config.clients} tabs (SOAK_SEED / SOAK_STEPS / SOAK_CLIENTS)`)
const keepGoing = process.env['SOAK_KEEP_GOING'] === '1'
const verbose = process.env['SOAK_VERBOSE'] === '1' ? (line: string) => console.log(line) : undefined
const result = await walk(config, { stopOnViolation: !keepGoing, progress: (line) => console.log(`  ${line}`), ...(verbose ? { verbose } : {}) })
console.log()
console.log(table(result.figures, config.heapEvery))
console.log(`${'call outcomes'.padEnd(20)}  ${outcomesLine(result.figures)}`)

let failed = false
const shown = new Set<string>()
for (const v of result.violations) {
  failed = true
  // Keeping going, one violation of a rule tends to repeat for a while: the first of each rule is shown.
  if (keepGoing && shown.has(v.rule)) continue
  shown.add(v.rule)
  console.log(`\nVIOLATION of ${v.rule} at step ${v.step}: ${v.detail}`)
  console.log(`replay: ${result.figures.replay}`)
  for (const line of v.trace) console.log(`  ${line}`)
}
if (keepGoing && result.violations.length > 0) {
  const byRule = new Map<string, number>()
  for (const v of result.violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1)
  console.log(`\nviolations by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`)
}
const slope = heapSlopePer1000Steps(result.figures, config.heapEvery)
if (gcExposed() && result.figures.steps >= 1_000 && slope > FLAT_HEAP_BYTES_PER_1000_STEPS) {
  failed = true
  console.log(`\nHEAP not flat: ${(slope / 1024).toFixed(0)} KB per 1,000 steps after warm-up (bound ${FLAT_HEAP_BYTES_PER_1000_STEPS / 1024} KB)`)
}
if (result.figures.sessionsLost > 0) failed = true
process.exit(failed ? 1 : 0)
