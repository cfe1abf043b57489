/**
 * `npm run build`: type declarations from `tsc` (into `dist/types`), JavaScript from esbuild: one ES module
 * per package entry plus shared chunks, dependencies left as imports. One file per entry is what makes the
 * main entry cheap to load: Node resolves and compiles ~50 small modules in ~30 ms, one bundle in ~10 ms
 * (`bench/NOTES.md`, import time). Shared chunks keep one copy of each class across entries, so an
 * `AuthError` thrown by `/admin` is `instanceof` the one exported by the main entry.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Public entry (as named in `package.json` `exports`) → its source. */
const ENTRIES = {
  index: 'src/index.ts',
  admin: 'src/admin/index.ts',
  testing: 'src/testing/index.ts',
} as const

rmSync(`${root}dist`, { recursive: true, force: true })
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
await build({
  absWorkingDir: root,
  entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ out, in: input })),
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // Dependencies stay imports: an app shares one xstate/rxjs/jose with us and dedupes them in its bundle.
  packages: 'external',
  external: ['node:*'],
  logLevel: 'warning',
})
