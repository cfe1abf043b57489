/**
 * An app page for a browser test, bundled from the package as `npm run build` ships it: the package is
 * built into a scratch folder inside the project (so the build's bare imports, xstate and rxjs, resolve from
 * node_modules), and the page's imports of the sources' entries (`../../../src/index.js`,
 * `../../../src/webauthn/index.js`, …) are pointed at the built files. A test then checks the bundle's
 * inputs to prove the page ran the build, not the sources.
 */
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

export interface BuiltPage {
  /** The page's script, ready to serve. */
  script: string
  /** The bundle's inputs, relative to the project root. */
  inputs: string[]
  /** Where the package was built, relative to the project root. */
  buildDir: string
  /** Removes the scratch build. */
  remove(): Promise<void>
}

/** Source entry (absolute path, as the page imports it) → built file. */
function builtEntries(buildDir: string, entries: readonly string[]): Map<string, string> {
  return new Map(entries.map((entry) => [resolve(ROOT, 'src', entry === 'index' ? '' : entry, 'index.js'), resolve(ROOT, buildDir, `${entry}.js`)]))
}

function useBuiltPackage(built: Map<string, string>): Plugin {
  return {
    name: 'use-built-package',
    setup(context) {
      context.onResolve({ filter: /\/src\/([a-z0-9-]+\/)?index\.js$/ }, (args) => {
        const path = built.get(resolve(args.resolveDir, args.path))
        return path === undefined ? undefined : { path }
      })
    },
  }
}

/**
 * Builds the package into `node_modules/.cache/browser-<name>-test` and bundles `pageEntry` against it.
 * `entries` names the package entries the page imports (`'index'` is the main entry).
 *
 * @example
 * const page = await bundleBuiltPage('webauthn', fileURLToPath(new URL('./webauthn-page.ts', import.meta.url)), ['index', 'webauthn', 'mfa'])
 */
export async function bundleBuiltPage(name: string, pageEntry: string, entries: readonly string[]): Promise<BuiltPage> {
  const buildDir = `node_modules/.cache/browser-${name}-test`
  const { buildPackage } = await import('../../../scripts/build.js')
  await buildPackage({ outDir: buildDir, declarations: false })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [pageEntry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    plugins: [useBuiltPackage(builtEntries(buildDir, entries))],
    logLevel: 'silent',
  })
  return {
    script: result.outputFiles[0]!.text,
    inputs: Object.keys(result.metafile.inputs),
    buildDir,
    remove: () => rm(resolve(ROOT, buildDir), { recursive: true, force: true }),
  }
}
