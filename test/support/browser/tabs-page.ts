/**
 * The page script of the multi-tab tests: the usual harness (`page-entry.ts`) plus what those tests need
 * inside a tab: a record of the refresh tokens the tab sent, its lifecycle events, and a way to make
 * this tab learn LATE of what other tabs did (storage and BroadcastChannel), which is what a busy machine
 * does to Chromium tabs living in separate renderer processes.
 */
import type { SupportedStorage } from '../../../src/index.js'
// A value import, not a bare one: the package says it is free of side effects, so esbuild would drop
// `import './page-entry.js'` and with it the harness this module extends.
import { harness, type Harness } from './page-entry.js'

export interface TabsExtras {
  /**
   * The refresh tokens each named client sent to `/token?grant_type=refresh_token`, in order. Raw: a test
   * labels them (`tokenLabels`) before any assertion could print one.
   */
  sent: Map<string, string[]>
  /**
   * A fetch for client `name` that records the refresh token of every refresh request in `sent`, then hands
   * the request to `inner` (default: the page's fetch), so a gate can still hold it.
   */
  recordRefreshTokens(name: string, inner?: typeof fetch): typeof fetch
  /**
   * A view of localStorage in which what OTHER tabs write shows up `lagMs` after this tab's `storage` event
   * (its own writes show at once): a renderer whose copy of storage trails the lock grant.
   */
  laggingLocalStorage(lagMs: number): SupportedStorage
  /**
   * From now on, every BroadcastChannel opened in this page hands its messages over `lagMs` late: a
   * renderer whose channel message trails the lock grant. Call before the first client is made.
   */
  lagBroadcastChannels(lagMs: number): void
  /** The refresh token in localStorage under `key` (raw: for in-page comparisons). */
  storedRefreshToken(key: string): string | undefined
  /** The page's lifecycle events since it loaded (`freeze`, `resume`, `visibilitychange:<state>`), with their wall time. */
  lifecycle: Array<{ event: string; at: number }>
}

export type TabsHarness = Harness & TabsExtras

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input
  if (input instanceof URL) return input.href
  return input.url
}

const extras: TabsExtras = {
  sent: new Map(),
  lifecycle: [],
  recordRefreshTokens(name, inner = (input, init) => fetch(input, init)) {
    const sent: string[] = []
    extras.sent.set(name, sent)
    return (input, init) => {
      if (requestUrl(input).includes('grant_type=refresh_token') && typeof init?.body === 'string') {
        const { refresh_token } = JSON.parse(init.body) as { refresh_token?: unknown }
        sent.push(typeof refresh_token === 'string' ? refresh_token : '')
      }
      return inner(input, init)
    }
  },
  laggingLocalStorage(lagMs) {
    // This tab's view of the keys another tab changed: the old value until the lag has passed.
    const seen = new Map<string, string | null>()
    const timers = new Map<string, Array<ReturnType<typeof setTimeout>>>()
    const cancel = (key: string): void => {
      for (const timer of timers.get(key) ?? []) clearTimeout(timer)
      timers.delete(key)
    }
    addEventListener('storage', (event) => {
      const { key } = event
      if (event.storageArea !== localStorage || key === null) return
      if (!seen.has(key)) seen.set(key, event.oldValue)
      const timer = setTimeout(() => seen.set(key, event.newValue), lagMs)
      timers.set(key, [...(timers.get(key) ?? []), timer])
    })
    return {
      getItem: (key) => (seen.has(key) ? (seen.get(key) ?? null) : localStorage.getItem(key)),
      setItem(key, value) {
        cancel(key)
        localStorage.setItem(key, value)
        seen.set(key, value)
      },
      removeItem(key) {
        cancel(key)
        localStorage.removeItem(key)
        seen.set(key, null)
      },
    }
  },
  lagBroadcastChannels(lagMs) {
    const Native = globalThis.BroadcastChannel
    type Handler = ((this: BroadcastChannel, event: MessageEvent) => unknown) | null
    const late = new WeakMap<BroadcastChannel, Handler>()
    class LateChannel extends Native {
      override get onmessage(): Handler {
        return late.get(this) ?? null
      }
      override set onmessage(handler: Handler) {
        late.set(this, handler)
        super.onmessage = handler === null ? null : (event) => void setTimeout(() => handler.call(this, event), lagMs)
      }
    }
    globalThis.BroadcastChannel = LateChannel
  },
  storedRefreshToken(key) {
    const raw = localStorage.getItem(key)
    return raw === null ? undefined : (JSON.parse(raw) as { refresh_token?: string }).refresh_token
  },
}

for (const type of ['freeze', 'resume', 'visibilitychange']) {
  document.addEventListener(type, () => {
    extras.lifecycle.push({ event: type === 'visibilitychange' ? `${type}:${document.visibilityState}` : type, at: Date.now() })
  })
}

Object.assign(harness, extras)
