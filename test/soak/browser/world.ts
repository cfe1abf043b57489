/**
 * Everything one browser walk runs against: the local auth server on the walk's virtual clock, the
 * recording proxy in front of it, the soak page (bundled from the sources) served on `http://localhost`,
 * and K tabs of ONE browser context of a separately launched Chromium (`openFreezableContext`: only there
 * can a page be frozen through the DevTools protocol). The tabs share that context's localStorage, Web
 * Locks and BroadcastChannels, as tabs of one browser profile do.
 *
 * Virtual time: the server reads `virtualNow`, and every tab's client a ManualClock in its page. A jump
 * moves the server first, then every awake tab (firing the timers that came due), so no tab ever runs ahead
 * of the server: a token a tab receives is never dated later than the server dated it. A frozen tab's
 * clock catches up when it wakes, the way a frozen tab's overdue timers fire at once when it resumes.
 */
import { fileURLToPath } from 'node:url'
import type { Server } from 'node:http'
import { build } from 'esbuild'
import { createAdminClient, type AdminClient } from '../../../src/admin/index.js'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { serveAppPage } from '../../support/browser/built-page.js'
import { openFreezableContext, type FreezableContext } from '../../support/browser/tabs-harness.js'
import { PASSWORD, VIRTUAL_EPOCH, type SoakUser } from '../world.js'
import type { BrowserSoakConfig } from './config.js'
import type { SoakPageConfig, TabOptions } from './page.js'
import { RecordingProxy, type ProxyListener } from './proxy.js'
import { BrowserTab, type TabSink } from './tab.js'

export { PASSWORD, VIRTUAL_EPOCH }
export const STORAGE_KEY = 'sb-soak-browser-auth-token'

const PAGE_ENTRY = fileURLToPath(new URL('./page.ts', import.meta.url))

async function bundlePage(): Promise<string> {
  // The page runs the sources, as the other browser tests' harness page does; nothing from node: may reach it.
  const result = await build({ entryPoints: [PAGE_ENTRY], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' })
  return result.outputFiles[0]!.text
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** The server, the proxy, the page server and the tabs of one walk; see the module comment. */
export class BrowserWorld {
  virtualNow = VIRTUAL_EPOCH
  readonly tabs: BrowserTab[] = []
  reloads = 0

  private constructor(
    readonly config: BrowserSoakConfig,
    readonly server: AuthServer,
    readonly admin: AdminClient,
    readonly users: readonly SoakUser[],
    readonly proxy: RecordingProxy,
    readonly pages: { server: Server; origin: string },
    readonly browser: FreezableContext,
    readonly sink: TabSink,
  ) {}

  /** Starts everything and opens `config.tabs` tabs; `close()` undoes it all, also after a failure. */
  static async open(config: BrowserSoakConfig, listener: ProxyListener & TabSink, userCount = 2): Promise<BrowserWorld> {
    const cleanups: Array<() => Promise<void>> = []
    try {
      let world: BrowserWorld | undefined
      const server = await startAuthServer({
        now: () => world?.virtualNow ?? VIRTUAL_EPOCH,
        jwtExpiry: config.jwtExpirySeconds,
        refreshTokenAlgorithmVersion: config.refreshTokenAlgorithmVersion,
      })
      cleanups.push(() => server.close())
      const admin = createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey })
      const users: SoakUser[] = []
      for (let i = 0; i < userCount; i += 1) {
        const email = `soak-browser-${config.seed}-${i}@example.com`
        const { user } = await admin.createUser({ email, password: PASSWORD, email_confirm: true })
        users.push({ id: user.id, email })
      }
      const proxy = await RecordingProxy.start(server.url, listener)
      cleanups.push(() => proxy.close())
      const script = await bundlePage()
      const pageConfig: SoakPageConfig = { url: proxy.url, apiKey: server.anonKey }
      const pages = await serveAppPage({ title: 'soak tab', configGlobal: 'soakPageConfig', config: () => pageConfig, script: () => script })
      cleanups.push(() => closeServer(pages.server))
      const browser = await openFreezableContext()
      cleanups.push(() => browser.close())
      world = new BrowserWorld(config, server, admin, users, proxy, pages, browser, listener)
      for (let i = 0; i < config.tabs; i += 1) {
        world.tabs.push(await BrowserTab.open(browser.context, `${pages.origin}/`, i, (tab) => world!.tabOptions(tab.name), listener))
      }
      return world
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
      throw error
    }
  }

  tabOptions(name: string): TabOptions {
    return { name, storageKey: STORAGE_KEY, requestTimeoutMs: this.config.requestTimeoutMs, now: this.virtualNow }
  }

  get awake(): BrowserTab[] {
    return this.tabs.filter((tab) => !tab.frozen)
  }

  /** Moves virtual time: the server first, then every awake tab at once. */
  async jump(ms: number): Promise<void> {
    this.virtualNow += ms
    const to = this.virtualNow
    await Promise.all(this.awake.map((tab) => tab.advanceTo(to)))
  }

  /** Wakes a frozen tab and lets its clock catch up with the walk's. */
  async wake(tab: BrowserTab): Promise<void> {
    if (!tab.frozen) return
    await tab.wake()
    await tab.advanceTo(this.virtualNow)
  }

  async reload(tab: BrowserTab): Promise<void> {
    await this.wake(tab)
    this.reloads += 1
    await tab.reload((t) => this.tabOptions(t.name))
  }

  async close(): Promise<void> {
    this.server.faults.clear()
    await this.browser.close().catch(() => undefined)
    await closeServer(this.pages.server).catch(() => undefined)
    await this.proxy.close().catch(() => undefined)
    await this.server.close()
  }
}
