/**
 * `npm run build`: type declarations from `tsc` (into `dist/types`), JavaScript from esbuild: one ES module
 * per package entry, dependencies left as imports.
 *
 * One file per entry is what makes the main entry cheap to load: Node resolves and compiles ~50 small
 * modules in ~30 ms, one file in ~10 ms (`bench/NOTES.md`, import time). The error classes are the one
 * module the entries share at run time (`dist/errors.js`), so an `AuthError` thrown by `/admin` is
 * `instanceof` the class the main entry exports, and the companion entries import the client from the
 * main entry (`./index.js`); everything else is bundled into each entry. (esbuild's
 * automatic code splitting would also share the transport, but it moves that code to the front of every
 * app bundle, which costs the main entry ~0.3 KB gzipped for nothing.)
 * @module
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions, type Plugin } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const errorsSource = resolve(root, 'src/errors.ts')
const clientSource = resolve(root, 'src/client/auth-client.ts')

/** Public entry file in `dist/` (as named in `package.json` `exports`) → its source. */
export const ENTRIES = {
  index: 'src/index.ts',
  admin: 'src/admin/index.ts',
  jwt: 'src/jwt/index.ts',
  mfa: 'src/mfa/index.ts',
  identities: 'src/identities/index.ts',
  confirmations: 'src/confirmations/index.ts',
  inspect: 'src/inspect/index.ts',
  svelte: 'src/svelte/index.ts',
  angular: 'src/angular/index.ts',
  devtools: 'src/devtools/index.ts',
  ssr: 'src/ssr/index.ts',
  webauthn: 'src/webauthn/index.ts',
  web3: 'src/web3/index.ts',
  handoff: 'src/handoff/index.ts',
  oauth: 'src/oauth/index.ts',
  testing: 'src/testing/index.ts',
} as const

/** Every import of `src/errors.ts` becomes an import of the shared `./errors.js`. */
const shareErrors: Plugin = {
  name: 'share-errors',
  setup(context) {
    context.onResolve({ filter: /\/errors\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))
      return target === errorsSource ? { path: './errors.js', external: true } : undefined
    })
  },
}

/**
 * In the companion entries, every import of the client itself becomes an import of the main entry
 * (`./index.js`): an app that uses `/angular` and `createAuthClient` has one client, not two copies of it.
 */
const shareClient: Plugin = {
  name: 'share-client',
  setup(context) {
    context.onResolve({ filter: /\/auth-client\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))
      return target === clientSource ? { path: './index.js', external: true } : undefined
    })
  },
}

export interface BuildPackageOptions {
  /** Output folder, relative to the project root (`dist` for the package). */
  outDir: string
  /** Emit `.d.ts` files too (`tsc`, into `<outDir>/types`). */
  declarations: boolean
}

/**
 * Builds the package into `outDir`: `errors.js` plus one file per entry.
 *
 * @example
 * await buildPackage({ outDir: 'dist', declarations: true })
 */
export async function buildPackage({ outDir, declarations }: BuildPackageOptions): Promise<void> {
  const common: BuildOptions = {
    absWorkingDir: root,
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // Dependencies stay imports: an app shares one xstate/rxjs/jose with us and dedupes them in its bundle.
    packages: 'external',
    external: ['node:*'],
    logLevel: 'warning',
  }
  rmSync(resolve(root, outDir), { recursive: true, force: true })
  if (declarations) {
    const tsc = resolve(root, 'node_modules/typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', `${outDir}/types`], { cwd: root, stdio: 'inherit' })
  }
  await build({ ...common, entryPoints: [{ in: 'src/errors.ts', out: 'errors' }] })
  for (const [out, input] of Object.entries(ENTRIES)) {
    const plugins = out === 'index' ? [shareErrors] : [shareErrors, shareClient]
    await build({ ...common, entryPoints: [{ in: input, out }], plugins })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPackage({ outDir: 'dist', declarations: true })
