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
import { gcExposed, heapSlopePer1000Steps, outcomesLine, printViolations, table } from '../test/soak/figures.js'
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

printViolations(result.violations, result.figures.replay, keepGoing)
let failed = result.violations.length > 0
const slope = heapSlopePer1000Steps(result.figures, config.heapEvery)
if (gcExposed() && result.figures.steps >= 1_000 && slope > FLAT_HEAP_BYTES_PER_1000_STEPS) {
  failed = true
  console.log(`\nHEAP not flat: ${(slope / 1024).toFixed(0)} KB per 1,000 steps after warm-up (bound ${FLAT_HEAP_BYTES_PER_1000_STEPS / 1024} KB)`)
}
if (result.figures.sessionsLost > 0) failed = true
process.exit(failed ? 1 : 0)
