/**
 * The SSR example (`examples/ssr-node`) for the browser test: its `createApp` loaded from the example's own
 * files (which import the root's built `dist/`), listening on ephemeral ports, against a local auth server
 * that signs with ES256 (so `getClaims` verifies on the app server) and lets email links come back to any
 * loopback port. Two instances: the example as shipped, and one with refresh coalescing off, to count what
 * parallel requests do without it.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startAuthServer, type AuthServer, type AuthServerOptions } from '../../../src/testing/index.js'
import { CHROMIUM, hasChromium } from './browser-harness.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const APP = join(ROOT, 'examples/ssr-node/app.mjs')
/** What the example imports; `ssr.js` is empty while the entry is a stub. */
const BUILT_SSR = join(ROOT, 'dist/ssr.js')
const BUILT_OTHERS = ['index.js', 'jwt.js'].map((file) => join(ROOT, 'dist', file))

/** Why the test cannot run here, with the fix; `undefined` when it can. */
export function skipReason(): string | undefined {
  if (!hasChromium) return `${CHROMIUM} not found; apt-get install -y chromium`
  if (!existsSync(BUILT_SSR) || !BUILT_OTHERS.every((file) => existsSync(file))) return 'the package is not built; run npm run build'
  if (!readFileSync(BUILT_SSR, 'utf8').includes('createServerAuthClient')) return 'dist/ssr.js has no createServerAuthClient; run npm run build'
  return undefined
}

/** `examples/ssr-node/app.mjs`, typed here: the example is plain JavaScript. */
interface ExampleModule {
  createApp(config: { authUrl: string; apiKey: string; coalesceRefreshes?: boolean }): Server
}

export interface SsrExample {
  /** The example as shipped, e.g. `http://127.0.0.1:40123/`. */
  url: string
  /** The same app with `coalesceRefreshes: false`, on another port. */
  uncoalescedUrl: string
  server: AuthServer
  close(): Promise<void>
}

async function listen(app: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    app.once('error', reject)
    app.listen(0, '127.0.0.1', () => resolve())
  })
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/`
}

function stop(app: Server): Promise<void> {
  return new Promise((resolve) => {
    app.close(() => resolve())
    app.closeAllConnections()
  })
}

/** Call in `beforeAll`; `close()` in `afterAll`. `auth` options are added to the local server's. */
export async function openSsrExample(auth: AuthServerOptions = {}): Promise<SsrExample> {
  // Loaded at run time, not imported: a checkout without `dist/` must still load this file to skip.
  const { createApp } = (await import(pathToFileURL(APP).href)) as ExampleModule
  // A siteUrl on 127.0.0.1 makes every 127.0.0.1 port a valid redirect (GoTrue's loopback rule).
  const server = await startAuthServer({ jwtAlgorithm: 'ES256', siteUrl: 'http://127.0.0.1:3000', ...auth })
  const config = { authUrl: server.url, apiKey: server.anonKey }
  const apps = [createApp(config), createApp({ ...config, coalesceRefreshes: false })]
  const close = async (): Promise<void> => {
    await Promise.all(apps.map((app) => (app.listening ? stop(app) : undefined)))
    await server.close()
  }
  try {
    const [url, uncoalescedUrl] = await Promise.all(apps.map(listen))
    return { url: url!, uncoalescedUrl: uncoalescedUrl!, server, close }
  } catch (error) {
    await close()
    throw error
  }
}
