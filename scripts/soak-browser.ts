/**
 * `npm run soak:browser`: the chaos soak's cross-tab part in Debian's chromium, longer than the budget
 * `npm test` runs (default 300 steps over 4 tabs). Prints the figures as a table; on a violation prints the
 * seed, the replay command and the steps that led to it, and exits 1.
 *
 *   SOAK_SEED=1234 SOAK_BROWSER_STEPS=1000 SOAK_BROWSER_TABS=4 npm run soak:browser
 *   SOAK_BROWSER_STORAGE_FAULTS=on npm run soak:browser   # take "storage throws" steps whatever known.ts says
 *   SOAK_BROWSER_STORAGE_FAULTS=once npm run soak:browser # take them, each throwing only once (off: none)
 *   SOAK_KNOWN=include npm run soak:browser               # take every known bug's trigger, excuse nothing
 *   SOAK_KEEP_GOING=1 npm run soak:browser                # do not stop at the first violation
 *   SOAK_VERBOSE=1 npm run soak:browser                   # print every step as it is taken
 */
import { hasChromium, SKIP_NOTE } from '../test/support/browser/browser-harness.js'
import { browserSoakConfig } from '../test/soak/browser/config.js'
import { browserOutcomesLine, browserTable } from '../test/soak/browser/figures.js'
import { browserWalk } from '../test/soak/browser/walk.js'
import { printViolations } from '../test/soak/figures.js'

if (!hasChromium) {
  console.log(`soak:browser${SKIP_NOTE}`)
  process.exit(1)
}

const config = browserSoakConfig()
console.log(`soak:browser: seed ${config.seed}, ${config.steps} steps, ${config.tabs} tabs (SOAK_SEED / SOAK_BROWSER_STEPS / SOAK_BROWSER_TABS)`)
const keepGoing = process.env['SOAK_KEEP_GOING'] === '1'
const verbose = process.env['SOAK_VERBOSE'] === '1' ? (line: string) => console.log(line) : undefined
const result = await browserWalk(config, { stopOnViolation: !keepGoing, progress: (line) => console.log(`  ${line}`), ...(verbose ? { verbose } : {}) })
console.log()
console.log(browserTable(result.figures))
console.log(`${'call outcomes'.padEnd(16)}  ${browserOutcomesLine(result.figures)}`)

printViolations(result.violations, result.figures.replay, keepGoing)
process.exit(result.violations.length > 0 || result.figures.sessionsLost > 0 ? 1 : 0)
