/**
 * The Web3 browser tests' world: the package BUILT into a scratch folder (`scripts/build.ts`), an app page
 * bundled from that build (`web3-page.ts`, with its in-page test wallets and @noble), served on
 * `http://localhost:<port>` (a valid Sign-In with Ethereum/Solana domain, and a URL the local server
 * accepts: its site URL is on `localhost` too), the local auth server with both chains on, and one
 * headless Debian chromium.
 */
import { rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type JSHandle } from 'playwright-core'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness.js'
import { bundleBuiltPage, serveAppPage } from './built-page.js'
import type { Op, Web3App, Web3Outcome, Web3PageConfig, Web3View } from './web3-page.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** Inside the project, so the build's bare imports (xstate, rxjs) resolve from node_modules. */
export const BUILD_DIR = 'node_modules/.cache/browser-web3-test'
const PAGE_ENTRY = fileURLToPath(new URL('./web3-page.ts', import.meta.url))
const STEP_TIMEOUT_MS = 10_000

export interface Web3Tab {
  run(op: Op): Promise<Web3Outcome>
  view(): Promise<Web3View>
  seen(): Promise<string[]>
  walletCalls(): Promise<{ ethereum: string[]; solana: string[] }>
}

export interface Web3World {
  server: AuthServer
  /** `http://localhost:<port>`, where the app page is. */
  origin: string
  /** The page bundle's inputs, relative to the project root. */
  bundleInputs: string[]
  /** A fresh browser profile with the app page open and its client ready. */
  openTab(): Promise<Web3Tab>
  closeContexts(): Promise<void>
  close(): Promise<void>
}

function servePage(config: () => Web3PageConfig, script: () => string): Promise<{ server: Server; origin: string }> {
  return serveAppPage({ title: 'web3 app', configGlobal: 'web3PageConfig', config, script })
}

async function openAppTab(context: BrowserContext, url: string): Promise<Web3Tab> {
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForFunction(() => (globalThis as unknown as { app?: Web3App }).app !== undefined)
  const handle: JSHandle<Web3App> = await page.evaluateHandle(() => (globalThis as unknown as { app: Web3App }).app)
  await handle.evaluate((app) => app.ready)
  return {
    run: (op) => handle.evaluate((app, op) => app.run(op), op),
    view: () => handle.evaluate((app) => app.view()),
    seen: () => handle.evaluate((app) => [...app.seen]),
    walletCalls: () => handle.evaluate((app) => app.walletCalls()),
  }
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openWeb3World(): Promise<Web3World> {
  const cleanups: Array<() => Promise<void>> = [() => rm(resolve(ROOT, BUILD_DIR), { recursive: true, force: true })]
  const contexts: BrowserContext[] = []
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    let config: Web3PageConfig | undefined
    let script = ''
    const home = await servePage(() => config!, () => script)
    cleanups.push(
      () =>
        new Promise((done) => {
          home.server.close(() => done())
          home.server.closeAllConnections()
        }),
    )
    const server = await startAuthServer({ web3Ethereum: true, web3Solana: true })
    cleanups.push(() => server.close())
    config = { url: server.url, apiKey: server.anonKey }
    const [bundled, browser] = await Promise.all([bundleBuiltPage('web3', PAGE_ENTRY, ['index', 'web3']), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })])
    cleanups.push(() => browser.close())
    script = bundled.script
    const closeContexts = async () => {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined)
    }
    cleanups.push(closeContexts)
    return {
      server,
      origin: home.origin,
      bundleInputs: bundled.inputs,
      async openTab() {
        const context: BrowserContext = await browser.newContext()
        context.setDefaultTimeout(STEP_TIMEOUT_MS)
        contexts.push(context)
        return openAppTab(context, `${home.origin}/`)
      },
      closeContexts,
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
