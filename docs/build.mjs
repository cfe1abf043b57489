/**
 * `npm run docs`: the API reference of every package entry, by TypeDoc, into `docs/api` (not committed).
 *
 * TypeDoc runs on the TypeScript 5.9 compiler API, which TypeScript 7 (the project's compiler) no longer has,
 * so it has its own install in `docs/` (`docs/package.json` and its lock). That install is made here when
 * `docs/node_modules` is missing or older than the lock. Any TypeDoc warning fails the build
 * (`treatWarningsAsErrors` in `typedoc.json`): a public signature naming a type that no entry exports is one.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const docs = dirname(fileURLToPath(import.meta.url))

/** `npm ci` in `dir` unless its `node_modules` was installed from the current lock. */
export function installIfStale(dir) {
  const installed = resolve(dir, 'node_modules/.package-lock.json')
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(resolve(dir, 'package-lock.json')).mtimeMs) return
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' })
}

installIfStale(docs)
try {
  execFileSync(process.execPath, [resolve(docs, 'node_modules/typedoc/bin/typedoc'), '--options', resolve(docs, 'typedoc.json')], {
    cwd: docs,
    stdio: 'inherit',
  })
} catch {
  // TypeDoc printed why.
  process.exit(1)
}
