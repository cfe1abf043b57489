/**
 * The Svelte example app (`examples/svelte`) for the browser test: built with its own Vite into a scratch
 * folder, served from a local origin together with `/auth-config.json` (where the page finds the local
 * auth server), with the local auth server confirming sign-ups at once and allowing the page's origin.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { CHROMIUM, hasChromium } from './browser-harness.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const EXAMPLE = join(ROOT, 'examples/svelte')
const VITE = join(EXAMPLE, 'node_modules/vite/bin/vite.js')
/** The built package the example aliases `supabase-auth-machine/*` to. */
const BUILT_ENTRIES = ['index.js', 'svelte.js', 'mfa.js'].map((file) => join(ROOT, 'dist', file))

/** Why the example's browser test cannot run here, with the fix; `undefined` when it can. */
export function skipReason(): string | undefined {
  if (!hasChromium) return `${CHROMIUM} not found; apt-get install -y chromium`
  if (!existsSync(VITE)) return 'examples/svelte is not installed; run npm ci --prefix examples/svelte'
  if (!BUILT_ENTRIES.every((file) => existsSync(file))) return 'the package is not built; run npm run build'
  return undefined
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

export interface ExampleApp {
  /** The page's URL, e.g. `http://127.0.0.1:40123/`. */
  url: string
  server: AuthServer
  close(): Promise<void>
}

/**
 * `production`: what `npm run build` makes. `development`: the same with `import.meta.env.DEV` on, as
 * `npm run dev` serves it (the lifecycle panel mounted, Svelte's dev-mode checks running).
 */
export type BuildMode = 'production' | 'development'

/** Runs the example's `vite build` into `outDir` (the checkout's own `examples/svelte/dist` stays as it is). */
async function buildExample(outDir: string, mode: BuildMode): Promise<void> {
  await promisify(execFile)(process.execPath, [VITE, 'build', '--mode', mode, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: EXAMPLE,
    env: { ...process.env, NODE_ENV: mode },
  })
}

/** Static files of `dir`, `index.html` for `/`, and the auth configuration the app reads at start-up. */
function serve(dir: string, config: () => string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path === '/auth-config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' }).end(config())
      return
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir)) {
      res.writeHead(403).end()
      return
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }))
  })
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openExampleApp(mode: BuildMode = 'production'): Promise<ExampleApp> {
  const dir = await mkdtemp(join(tmpdir(), 'sam-svelte-example-'))
  const cleanups: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })]
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    await buildExample(dir, mode)
    let config = ''
    const pages = await serve(dir, () => config)
    cleanups.push(
      () =>
        new Promise((resolve) => {
          pages.server.close(() => resolve())
          pages.server.closeAllConnections()
        }),
    )
    const origin = pages.url.slice(0, -1)
    const server = await startAuthServer({ mailerAutoconfirm: true, siteUrl: origin, uriAllowList: [`${origin}/**`] })
    cleanups.push(() => server.close())
    config = JSON.stringify({ url: server.url, anonKey: server.anonKey })
    return { url: pages.url, server, close }
  } catch (error) {
    await close()
    throw error
  }
}
