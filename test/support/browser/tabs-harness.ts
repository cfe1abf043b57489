/**
 * The multi-tab tests' world: the usual browser world (`browser-harness.ts`) with the tabs page script
 * (`tabs-page.ts`), a local auth server with a short refresh-token reuse interval, and the DevTools-protocol
 * lever the tests pull on one tab: freezing it as Chromium freezes a background tab.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type JSHandle, type Page } from 'playwright-core'
import type { AuthServerOptions } from '../../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS, openBrowserWorld, type BrowserWorld, type Tab } from './browser-harness.js'
import type { TabsHarness } from './tabs-page.js'

const TABS_PAGE = fileURLToPath(new URL('./tabs-page.ts', import.meta.url))

/** A tab whose harness has the multi-tab extras. */
export interface TabsTab extends Tab {
  h: JSHandle<TabsHarness>
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export function openTabsWorld(server: AuthServerOptions): Promise<BrowserWorld> {
  return openBrowserWorld({ server, pageEntry: TABS_PAGE })
}

/** Narrows a tab of a tabs world to its extended harness (the page script is `tabs-page.ts`). */
export function asTabsTab(tab: Tab): TabsTab {
  return tab as TabsTab
}

/** A browser context whose pages can be frozen, and how to dispose of it. */
export interface FreezableContext {
  context: BrowserContext
  close(): Promise<void>
}

const DEVTOOLS_URL = /DevTools listening on (ws:\/\/\S+)/
const LAUNCH_TIMEOUT_MS = 15_000

/**
 * A second chromium (the same Debian binary) whose DEFAULT context Playwright drives with `noDefaults`.
 * Needed because in a context Playwright made, every page has focus emulation on, which counts as a capture
 * of the page: Chromium then keeps it visible and `Page.setWebLifecycleState` cannot freeze it (measured:
 * its timers kept running). Without focus emulation the same call hides and freezes the page, firing
 * `visibilitychange` and `freeze`, as a browser does to a background tab.
 */
export async function openFreezableContext(): Promise<FreezableContext> {
  const profile = await mkdtemp(join(tmpdir(), 'sam-freezable-'))
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill()
      await exited
    }
    // Retried: the browser's helper processes may still be writing to the profile as the main one exits.
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(() => reject(new Error('chromium did not announce its DevTools endpoint')), LAUNCH_TIMEOUT_MS)
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const found = DEVTOOLS_URL.exec(output)
        if (found === null) return
        clearTimeout(timer)
        resolve(found[1]!)
      })
      child.once('exit', () => reject(new Error('chromium exited before it announced its DevTools endpoint')))
    })
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, isLocal: true })
    const context = browser.contexts()[0]
    if (context === undefined) throw new Error('chromium has no default context')
    return {
      context,
      async close() {
        await browser.close().catch(() => undefined)
        await stop()
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * Sets the page's web lifecycle state through the DevTools protocol: `frozen` hides the page and stops its
 * task queues (timers, channel messages, lock grants) the way Chromium freezes a background tab; `active`
 * resumes them. The page must come from {@link openFreezableContext}.
 */
export async function setLifecycle(page: Page, state: 'frozen' | 'active'): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Page.setWebLifecycleState', { state })
  } finally {
    await cdp.detach()
  }
}

/**
 * Names tokens by the order they were first seen ('original', 'rotation 1', …), so assertions compare
 * tokens across tabs without ever printing one.
 */
export function tokenLabels(original: string): (token: string | null | undefined) => string {
  const names = new Map<string, string>([[original, 'original']])
  return (token) => {
    if (token === null || token === undefined) return 'none'
    let name = names.get(token)
    if (name === undefined) names.set(token, (name = `rotation ${names.size}`))
    return name
  }
}

/** Waits `ms` of wall time in the test process. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export type { BrowserWorld }
