/**
 * One browser test file's world: the local auth server, the client bundled for the browser, a page server
 * on another origin (the auth server answers CORS), and one headless Debian chromium. Nothing is
 * downloaded: the browser is `/usr/bin/chromium`, driven by playwright-core.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser, type BrowserContext, type JSHandle, type Page } from 'playwright-core'
import { createAdminClient, type AdminClient } from '../../../src/admin/index.js'
import { startAuthServer, type AuthServer, type AuthServerOptions } from '../../../src/testing/index.js'
import type { Harness, PageConfig, PageGlobal } from './page-entry.js'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
/** Shown in the skipped suite's name, so a run without the browser says why and how to fix it. */
export const SKIP_NOTE = hasChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install -y chromium)`

/** Headless, no sandbox (containers), and nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

const PAGE_ENTRY = fileURLToPath(new URL('./page-entry.ts', import.meta.url))

export interface Tab {
  page: Page
  /** `globalThis.harness` in the page: `tab.h.evaluate((h, arg) => ..., arg)`. */
  h: JSHandle<Harness>
}

export interface BrowserWorld {
  server: AuthServer
  admin: AdminClient
  browser: Browser
  pageUrl: string
  /** A fresh browser profile: its own localStorage, Web Locks and BroadcastChannels. */
  newContext(): Promise<BrowserContext>
  /** A page of `context` on the test origin, with the harness loaded. */
  openTab(context: BrowserContext): Promise<Tab>
  /** Re-acquires the harness after a navigation or reload. */
  attach(page: Page): Promise<Tab>
  close(): Promise<void>
}

/** What a test file may change about its world; every field is optional. */
export interface BrowserWorldOptions {
  /** Options of the local auth server (e.g. a short `refreshTokenReuseInterval`). */
  server?: AuthServerOptions
  /** The page script's entry, absolute; default `page-entry.ts`. It must publish `globalThis.harness`. */
  pageEntry?: string
}

async function bundle(dir: string, entry: string): Promise<string> {
  const outfile = join(dir, 'harness.js')
  // xstate and rxjs are bundled in; nothing from node: may reach the page, so the build fails if it does.
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' })
  return readFile(outfile, 'utf8')
}

function html(config: PageConfig): string {
  const json = JSON.stringify(config).replaceAll('<', '\\u003c')
  return `<!doctype html><meta charset="utf-8"><title>supabase-auth-machine</title>
<script>globalThis.harnessConfig = ${json}</script>
<script type="module" src="/harness.js"></script>`
}

function servePage(config: PageConfig, script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      res.end(html(config))
    } else if (path === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
      res.end(script)
    } else {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, url: `http://127.0.0.1:${port}/` })
    })
  })
}

async function attach(page: Page): Promise<Tab> {
  await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobal>).harness !== undefined)
  const h = await page.evaluateHandle(() => (globalThis as unknown as PageGlobal).harness)
  return { page, h }
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openBrowserWorld(options: BrowserWorldOptions = {}): Promise<BrowserWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'sam-browser-'))
  const server = await startAuthServer(options.server)
  const cleanups: Array<() => Promise<void>> = [() => server.close(), () => rm(dir, { recursive: true, force: true })]
  try {
    const script = await bundle(dir, options.pageEntry ?? PAGE_ENTRY)
    const pages = await servePage({ url: server.url, apiKey: server.anonKey }, script)
    cleanups.push(
      () =>
        new Promise((resolve) => {
          pages.server.close(() => resolve())
          pages.server.closeAllConnections()
        }),
    )
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    cleanups.push(() => browser.close())
    const world: BrowserWorld = {
      server,
      admin: createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey }),
      browser,
      pageUrl: pages.url,
      newContext: () => browser.newContext(),
      async openTab(context) {
        const page = await context.newPage()
        await page.goto(pages.url)
        return attach(page)
      },
      attach,
      async close() {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
      },
    }
    return world
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    throw error
  }
}
