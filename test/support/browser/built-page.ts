/**
 * An app page for a browser test, bundled from the package as `npm run build` ships it: the package is
 * built into a scratch folder inside the project (so the build's bare imports, xstate and rxjs, resolve from
 * node_modules), and the page's imports of the sources' entries (`../../../src/index.js`,
 * `../../../src/webauthn/index.js`, …) are pointed at the built files. A test then checks the bundle's
 * inputs to prove the page ran the build, not the sources.
 */
import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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

/**
 * Serves an app page at `/` (its config as the global `configGlobal`) and its script at `/app.js`, on the
 * loopback address chromium resolves `localhost` to, so the origin is `http://localhost:<port>`.
 *
 * @example
 * const { server, origin } = await serveAppPage({ title: 'web3 app', configGlobal: 'web3PageConfig', config: () => cfg, script: () => page.script })
 */
export function serveAppPage(page: { title: string; configGlobal: string; config: () => unknown; script: () => string }): Promise<{ server: Server; origin: string }> {
  const html = (): string => `<!doctype html><meta charset="utf-8"><title>${page.title}</title>
<script>globalThis.${page.configGlobal} = ${JSON.stringify(page.config()).replaceAll('<', '\\u003c')}</script>
<script type="module" src="/app.js"></script>`
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/' && path !== '/app.js') return void res.writeHead(404).end()
    const isScript = path === '/app.js'
    res.writeHead(200, { 'content-type': `text/${isScript ? 'javascript' : 'html'}; charset=utf-8`, 'cache-control': 'no-store' })
    res.end(isScript ? page.script() : html())
  })
  return new Promise((done, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => done({ server, origin: `http://localhost:${(server.address() as AddressInfo).port}` }))
  })
}
