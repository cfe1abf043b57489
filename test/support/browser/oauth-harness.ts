/**
 * The OAuth browser tests' world: the package BUILT into a scratch folder (`scripts/build.ts`), an app page
 * bundled from that build plus `@supabase/auth-js` (`oauth-page.ts`), served on its own origin, the local
 * auth server (also the identity provider) allowing redirects back to that origin, and one headless Debian
 * chromium driven by playwright-core. Nothing is downloaded.
 */
import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness.js'
import { bundleBuiltPage } from './built-page.js'
import type { ClientKind, FlowType, Landing, OAuthPageConfig, OAuthPageGlobal } from './oauth-page.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** Inside the project, so the build's bare imports (xstate, rxjs) resolve from node_modules; ours alone. */
const BUILD_DIR = 'node_modules/.cache/browser-oauth-test'
const PAGE_ENTRY = fileURLToPath(new URL('./oauth-page.ts', import.meta.url))
/** Short, so a redirect that goes astray fails in seconds, not at the test timeout. */
const STEP_TIMEOUT_MS = 10_000

export interface AppPage {
  page: Page
  /** Evaluates `read` in the app page (shipped as source: self-contained, `arg` JSON-serializable). */
  app<T, A = undefined>(read: (app: OAuthPageGlobal['app'], arg: A) => T | Promise<T>, arg?: A): Promise<T>
}

export interface OAuthWorld {
  server: AuthServer
  browser: Browser
  /** The app's origin, e.g. `http://127.0.0.1:40123` (the auth server is another port, so another origin). */
  origin: string
  /** The page bundle's inputs (relative to the project root): the build, auth-js and their dependencies. */
  bundleInputs: string[]
  /** A fresh browser profile (its own localStorage), closed by `close()` or `closeContexts()`. */
  newPage(): Promise<Page>
  /** `${origin}/<kind>/<flow>/` (+ `welcome`): where an app page of that client and flow lives. */
  pathOf(kind: ClientKind, flow: FlowType, welcome?: boolean): string
  /** Opens an app page at `path` in `page` and waits for its script. */
  open(page: Page, path: string): Promise<AppPage>
  /** Waits until `page` is back on the app at `path` (after the provider), with the app script loaded. */
  returnedTo(page: Page, path: string): Promise<AppPage>
  /** Starts the app's sign-in towards `redirectTo` and waits until the browser is on the provider's page or past it. */
  startSignIn(app: AppPage, redirectTo: string): Promise<void>
  /** The landing after a reload of the app page. */
  reload(app: AppPage): Promise<Landing>
  closeContexts(): Promise<void>
  close(): Promise<void>
}

function html(config: OAuthPageConfig): string {
  const json = JSON.stringify(config).replaceAll('<', '\\u003c')
  return `<!doctype html><meta charset="utf-8"><title>app</title>
<script>globalThis.oauthPageConfig = ${json}</script>
<script type="module" src="/app.js"></script>`
}

/** Serves the app script at `/app.js` and the app page at every other path (query and fragment ignored). */
function servePages(config: () => OAuthPageConfig, script: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const isScript = path === '/app.js'
    if (path === '/favicon.ico') return void res.writeHead(404).end()
    res.writeHead(200, {
      'content-type': isScript ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    })
    res.end(isScript ? script() : html(config()))
  })
  return new Promise((resolvePages, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolvePages({ server, origin: `http://127.0.0.1:${port}` })
    })
  })
}

async function attach(page: Page): Promise<AppPage> {
  await page.waitForFunction(() => (globalThis as unknown as Partial<OAuthPageGlobal>).app !== undefined)
  const handle = await page.evaluateHandle(() => (globalThis as unknown as OAuthPageGlobal).app)
  return { page, app: (read, arg) => handle.evaluate(read, arg as never) }
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openOAuthWorld(): Promise<OAuthWorld> {
  const cleanups: Array<() => Promise<void>> = [() => rm(resolve(ROOT, BUILD_DIR), { recursive: true, force: true })]
  const contexts: BrowserContext[] = []
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    let config: OAuthPageConfig | undefined
    let script = ''
    const pages = await servePages(() => config!, () => script)
    cleanups.push(
      () =>
        new Promise((done) => {
          pages.server.close(() => done())
          pages.server.closeAllConnections()
        }),
    )
    // The default site URL stays elsewhere: a redirect_to the server refused would leave the app, visibly.
    const server = await startAuthServer({ uriAllowList: [`${pages.origin}/**`] })
    cleanups.push(() => server.close())
    config = { url: server.url, apiKey: server.anonKey }
    const [bundled, browser] = await Promise.all([bundleBuiltPage('oauth', PAGE_ENTRY, ['index', 'handoff']), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })])
    cleanups.push(() => browser.close())
    script = bundled.script
    const closeContexts = async () => {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined)
    }
    cleanups.push(closeContexts)
    const isApp = (path: string) => (url: URL) => url.origin === pages.origin && url.pathname === path
    return {
      server,
      browser,
      origin: pages.origin,
      bundleInputs: bundled.inputs,
      async newPage() {
        const context = await browser.newContext()
        context.setDefaultTimeout(STEP_TIMEOUT_MS)
        contexts.push(context)
        return context.newPage()
      },
      pathOf: (kind, flow, welcome = false) => `/${kind}/${flow}/${welcome ? 'welcome' : ''}`,
      async open(page, path) {
        await page.goto(`${pages.origin}${path}`)
        return attach(page)
      },
      async returnedTo(page, path) {
        await page.waitForURL(isApp(path)).catch((error: Error) => {
          throw new Error(`the browser did not come back to ${path}: it is at ${page.url()}`, { cause: error })
        })
        return attach(page)
      },
      async startSignIn(app, redirectTo) {
        const start = app.page.url()
        await app.app((app, redirectTo) => app.signIn(redirectTo), redirectTo)
        await app.page.waitForURL((url) => url.href !== start).catch(async (error: Error) => {
          const failure = await app.app((app) => app.signInError).catch(() => null)
          throw new Error(`the page did not leave for the provider${failure ? `: ${failure}` : ''}`, { cause: error })
        })
      },
      async reload(app) {
        await app.page.reload()
        const again = await attach(app.page)
        return again.app((app) => app.ready)
      },
      closeContexts,
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
