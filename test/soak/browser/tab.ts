/**
 * One Chromium tab of the walk, seen from the test process: its page, the `soakPage` handle inside it, and
 * a DevTools session for what the page cannot do itself (stay visible, freeze and wake, report its heap).
 *
 * Every tab is kept visible (focus emulation on), as tabs in several windows are: a hidden page's timers are
 * throttled to one wake-up a second, and after five minutes to one a minute, which would stretch the real-time
 * bounds of a long run. Freezing hides the page first, as Chromium does to a background tab.
 */
import type { BrowserContext, CDPSession, JSHandle, Page } from 'playwright-core'
import type { CallResult, PageCall, PageEvent, SoakPage, StorageOp, TabOptions, TabView } from './page.js'

/** Longest wait for anything a page is asked (real time): far beyond any call the walk makes. */
const EVALUATE_BOUND_MS = 45_000

/** What the tab tells the walk without being asked. */
export interface TabSink {
  pageError(tab: BrowserTab, text: string): void
}

/** Resolves with `fallback()` if `promise` has not settled within `ms`. */
function bounded<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

async function attach(page: Page): Promise<JSHandle<SoakPage>> {
  await page.waitForFunction(() => (globalThis as { soakPage?: unknown }).soakPage !== undefined)
  return page.evaluateHandle(() => (globalThis as unknown as { soakPage: SoakPage }).soakPage)
}

/** One tab: its page, the handle on `soakPage` in it, and its DevTools session. */
export class BrowserTab {
  frozen = false
  /** The step at which it was frozen. */
  frozenAt = 0
  /** What the tab was last seen as (refreshed after every step while it is awake). */
  lastView: TabView | undefined
  /** Its last few events, labelled, for violation reports. */
  readonly recent: string[] = []

  private constructor(
    readonly index: number,
    public generation: number,
    readonly page: Page,
    public handle: JSHandle<SoakPage>,
    readonly cdp: CDPSession,
  ) {}

  /** Opens a page of `context` at `url` and starts its client with `options`. */
  static async open(context: BrowserContext, url: string, index: number, options: (tab: { name: string }) => TabOptions, sink: TabSink): Promise<BrowserTab> {
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await page.goto(url)
    const tab = new BrowserTab(index, 0, page, await attach(page), cdp)
    page.on('pageerror', (error) => sink.pageError(tab, `pageerror: ${error.name}: ${error.message}`))
    await tab.#start(options(tab))
    return tab
  }

  get name(): string {
    return this.generation === 0 ? `tab${this.index}` : `tab${this.index}.${this.generation}`
  }

  async #start(options: TabOptions): Promise<void> {
    await this.cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true })
    await this.handle.evaluate((page, options) => page.open(options), options)
  }

  call(call: PageCall, boundMs: number): Promise<CallResult> {
    const stuck = (): CallResult => ({ outcome: 'stuck', typed: true, at: Date.now(), session: null })
    return bounded(
      this.handle.evaluate((page, { call, boundMs }) => page.call(call, boundMs), { call, boundMs }),
      boundMs + 5_000,
      stuck,
    )
  }

  async view(): Promise<TabView | undefined> {
    const view = await bounded(
      this.handle.evaluate((page) => page.view()),
      EVALUATE_BOUND_MS,
      () => undefined,
    )
    if (view !== undefined) this.lastView = view
    return view
  }

  advanceTo(at: number): Promise<number> {
    return bounded(this.handle.evaluate((page, at) => page.advanceTo(at), at), EVALUATE_BOUND_MS, () => 0)
  }

  drain(): Promise<{ events: PageEvent[]; errors: string[] }> {
    return bounded(this.handle.evaluate((page) => page.drain()), EVALUATE_BOUND_MS, () => ({ events: [], errors: ['drain did not answer'] }))
  }

  failNext(op: StorageOp, times: number): Promise<void> {
    return this.handle.evaluate((page, { op, times }) => page.failNext(op, times), { op, times })
  }

  /** Hidden, then frozen: its timers, lock grants and storage events wait until it wakes. */
  async freeze(step: number): Promise<void> {
    await this.cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false })
    await this.cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
    this.frozen = true
    this.frozenAt = step
  }

  /** Resumed and visible again; the caller then moves its clock to the walk's time. */
  async wake(): Promise<void> {
    await this.cdp.send('Page.setWebLifecycleState', { state: 'active' })
    await this.cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true })
    this.frozen = false
  }

  /** Reloads the page and starts a new client on the same storage, as a user's reload does. */
  async reload(options: (tab: { name: string }) => TabOptions): Promise<void> {
    await this.page.reload()
    this.handle = await attach(this.page)
    this.generation += 1
    this.lastView = undefined
    await this.#start(options(this))
  }

  /** The page's JS heap in use, after a full collection. */
  async heapUsed(): Promise<number> {
    await this.cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = await this.cdp.send('Runtime.getHeapUsage')
    return usedSize
  }

  /** Remembers an event line for reports. */
  note(line: string): void {
    this.recent.push(line)
    if (this.recent.length > 10) this.recent.shift()
  }
}
