/**
 * The devtools test page, as a development build of an app would have it: one client against the local
 * auth server and the lifecycle panel mounted twice (default options, and `{ events: 1 }`). Its `fetch`
 * can park the next request, so a test can look at the panel while an operation is in flight. Every
 * highlight the panel shows is recorded from its DOM, in order. Published as `globalThis.devtools`.
 */
import { createAuthClient, type AuthClient } from '../../../src/index.js'
import { mountLifecyclePanel } from '../../../src/devtools/index.js'

/** Written into the page by the page server. */
export interface DevtoolsPageConfig {
  url: string
  apiKey: string
}

export interface DevtoolsPage {
  auth: AuthClient
  /** The statuses the first panel highlighted, in order (`cluster_` names read as their status). */
  lit: string[]
  /** Parks the next request until `release()`. */
  hold(): void
  release(): void
  /** A call started and awaited later (`settle`), so the test can look at the panel meanwhile. */
  start(run: (auth: AuthClient) => Promise<unknown>): void
  settle(): Promise<void>
  /** What the first panel shows now. */
  read(): { lit: string[]; steps: string[]; status: string | undefined; stroke: string | null; events: string[] }
  /** The second panel's listed events. */
  shortList(): string[]
  unmount(): void
}

export interface DevtoolsPageGlobal {
  devtools: DevtoolsPage
  devtoolsConfig: DevtoolsPageConfig
}

const page = globalThis as unknown as DevtoolsPageGlobal
const { url, apiKey } = page.devtoolsConfig

let release: (() => void) | undefined
let armed = false
const heldFetch: typeof fetch = async (input, init) => {
  if (armed) {
    armed = false
    await new Promise<void>((resolve) => (release = resolve))
  }
  return fetch(input, init)
}

const auth = createAuthClient({ url, apiKey, fetch: heldFetch })
const main = document.getElementById('panel')!
const short = document.getElementById('short')!
const unmountMain = mountLifecyclePanel(auth, main)
const unmountShort = mountLifecyclePanel(auth, short, { events: 1 })

const rootOf = (element: HTMLElement) => element.querySelector<HTMLElement>('[data-sam-devtools]')?.shadowRoot ?? null
const litNow = (): string[] =>
  [...(rootOf(main)?.querySelectorAll('g[data-current]') ?? [])].map((shape) =>
    (shape.querySelector(':scope > title')?.textContent ?? '').replace(/^cluster_/, ''),
  )
const eventsOf = (element: HTMLElement) => [...(rootOf(element)?.querySelectorAll('li > span') ?? [])].map((item) => item.textContent ?? '')

const lit: string[] = []
const record = () => {
  const now = [...new Set(litNow())].join('+')
  if (now !== '' && lit.at(-1) !== now) lit.push(now)
}
// Mounting drew the status of that moment; from now on every change of the highlight is seen.
record()
new MutationObserver(record).observe(rootOf(main)!, { subtree: true, attributes: true, attributeFilter: ['data-current'] })

let pending: Promise<unknown> = Promise.resolve()
page.devtools = {
  auth,
  lit,
  hold: () => void (armed = true),
  release: () => release?.(),
  start(run) {
    pending = run(auth)
  },
  async settle() {
    await pending
  },
  read() {
    const root = rootOf(main)
    const shape = root?.querySelector('g[data-current] > path, g[data-current] > polygon') ?? null
    return {
      lit: [...new Set(litNow())],
      steps: [...(root?.querySelectorAll('g[data-step] > title') ?? [])].map((title) => title.textContent ?? ''),
      status: root?.host instanceof HTMLElement ? root.host.dataset['status'] : undefined,
      stroke: shape ? getComputedStyle(shape).stroke : null,
      events: eventsOf(main),
    }
  },
  shortList: () => eventsOf(short),
  unmount() {
    unmountMain()
    unmountShort()
  },
}
