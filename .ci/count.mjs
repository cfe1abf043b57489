// Reads vitest's JSON report and prints the closing CI line, `tests: N passed, N failed`, last.
// Usage: node .ci/count.mjs <report.json>. Exits 1 when a test failed or the report is unusable.
//
// A test file that fails before its tests run (import error, syntax error) reports no tests at all;
// it is counted as one failed test so the closing line never reads "0 failed" for a red run.
import { existsSync, readFileSync } from 'node:fs'

const reportPath = process.argv[2]

function finish(passed, failed, notes) {
  for (const note of notes) console.log(note)
  console.log(`tests: ${passed} passed, ${failed} failed`)
  process.exit(failed > 0 || notes.some((note) => note.startsWith('error:')) ? 1 : 0)
}

if (!reportPath || !existsSync(reportPath)) {
  finish(0, 0, [`error: vitest wrote no JSON report${reportPath ? ` at ${reportPath}` : ''}`])
}

let report
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch (error) {
  finish(0, 0, [`error: the vitest JSON report is unreadable (${error instanceof Error ? error.message : String(error)})`])
}

const files = Array.isArray(report.testResults) ? report.testResults : []
let passed = 0
let failed = 0
let skipped = 0
const brokenFiles = []
for (const file of files) {
  const tests = Array.isArray(file.assertionResults) ? file.assertionResults : []
  for (const test of tests) {
    if (test.status === 'passed') passed += 1
    else if (test.status === 'failed') failed += 1
    else skipped += 1 // skipped, pending, todo
  }
  if (file.status === 'failed' && !tests.some((test) => test.status === 'failed')) {
    failed += 1
    brokenFiles.push(file.name)
  }
}

const notes = []
if (skipped > 0) notes.push(`skipped: ${skipped} (not counted below)`)
for (const name of brokenFiles) notes.push(`error: ${name} failed outside its tests (counted as 1 failed)`)
finish(passed, failed, notes)
