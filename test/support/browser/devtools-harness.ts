/**
 * The devtools browser test's world: the local auth server, the devtools page (`devtools-page.ts`,
 * bundled from source by esbuild) served on its own 127.0.0.1 origin, and one headless Debian chromium
 * whose every request is recorded and, unless it goes to 127.0.0.1, refused: the panel must work offline.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser, type BrowserContext, type JSHandle, type Page } from 'playwright-core'
import { createAdminClient, type AdminClient } from '../../../src/admin/index.js'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness.js'
import type { DevtoolsPage, DevtoolsPageConfig, DevtoolsPageGlobal } from './devtools-page.js'

const PAGE_ENTRY = fileURLToPath(new URL('./devtools-page.ts', import.meta.url))

export interface DevtoolsWorld {
  admin: AdminClient
  /** Opens the page in a fresh context; `d.evaluate((d, arg) => …, arg)` runs in it. */
  open(): Promise<{ page: Page; d: JSHandle<DevtoolsPage> }>
  /** Every URL the browser asked for, and those refused for leaving 127.0.0.1. */
  requests: string[]
  refused: string[]
  close(): Promise<void>
}

async function bundle(): Promise<string> {
  // Bundled for the browser: anything Node-only in the panel or the client would fail the build here.
  const result = await build({ entryPoints: [PAGE_ENTRY], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' })
  return result.outputFiles[0]!.text
}

function html(config: DevtoolsPageConfig): string {
  const json = JSON.stringify(config).replaceAll('<', '\\u003c')
  return `<!doctype html><meta charset="utf-8"><title>devtools</title>
<div id="panel"></div><div id="short"></div>
<script>globalThis.devtoolsConfig = ${json}</script>
<script type="module" src="/page.js"></script>`
}

function serve(config: DevtoolsPageConfig, script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path !== '/' && path !== '/page.js') return void res.writeHead(404).end()
    const type = path === '/' ? 'text/html' : 'text/javascript'
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' })
    res.end(path === '/' ? html(config) : script)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }))
  })
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openDevtoolsWorld(): Promise<DevtoolsWorld> {
  const cleanups: Array<() => Promise<unknown>> = []
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    const auth: AuthServer = await startAuthServer()
    cleanups.push(() => auth.close())
    const [script, browser] = await Promise.all([bundle(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })])
    cleanups.push(() => browser.close())
    const pages = await serve({ url: auth.url, apiKey: auth.anonKey }, script)
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          pages.server.close(() => done())
          pages.server.closeAllConnections()
        }),
    )
    const requests: string[] = []
    const refused: string[] = []
    const contexts: BrowserContext[] = []
    cleanups.push(async () => {
      for (const context of contexts) await context.close()
    })
    return {
      admin: createAdminClient({ url: auth.url, serviceRoleKey: auth.serviceRoleKey }),
      requests,
      refused,
      async open() {
        const context = await (browser as Browser).newContext()
        contexts.push(context)
        await context.route('**/*', (route) => {
          const url = route.request().url()
          requests.push(url)
          if (new URL(url).hostname === '127.0.0.1') return route.continue()
          refused.push(url)
          return route.abort()
        })
        const page = await context.newPage()
        await page.goto(pages.url)
        await page.waitForFunction(() => (globalThis as unknown as Partial<DevtoolsPageGlobal>).devtools !== undefined)
        const d = await page.evaluateHandle(() => (globalThis as unknown as DevtoolsPageGlobal).devtools)
        return { page, d }
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
