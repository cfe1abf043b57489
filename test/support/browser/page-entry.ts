/**
 * The script the test page loads: the whole library (bundled from `src/index.ts` by esbuild) plus a few
 * page-side helpers, published as `globalThis.harness`. Tests reach it through a Playwright `JSHandle`,
 * so their page functions stay self-contained (Playwright ships them to the page as source text).
 */
import * as lib from '../../../src/index.js'
import type { AuthClient, AuthClientOptions, AuthState, Clock } from '../../../src/index.js'

/** Written into the page by the test server: where the local auth server listens. */
export interface PageConfig {
  url: string
  apiKey: string
}

/** A fetch that holds `/token?grant_type=refresh_token` requests until `open()` is called. */
export interface GatedFetch {
  fetch: typeof fetch
  /** Resolves when the first refresh request reached the gate (the refresher holds the lock by then). */
  reached: Promise<void>
  open(): void
}

export interface Harness {
  lib: typeof lib
  config: PageConfig
  /** Clients created in this page, by name, so later page functions can find them. */
  clients: Map<string, AuthClient>
  /** Clients that sent every state they passed through, by name. */
  seen: Map<string, AuthState['status'][]>
  /** Promises a page function started and a later one awaits (e.g. a getSession() left in flight). */
  pending: Map<string, Promise<unknown>>
  gates: Map<string, GatedFetch>
  client(name: string, options?: Partial<AuthClientOptions>): AuthClient
  aheadClock(offsetMs: number): Clock
  gatedFetch(): GatedFetch
  /** The first state of `auth` matching `predicate` (the current one included). */
  until(auth: AuthClient, predicate: (state: AuthState) => boolean): Promise<AuthState>
}

export interface PageGlobal {
  harness: Harness
  harnessConfig: PageConfig
}

const page = globalThis as unknown as PageGlobal

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input
  if (input instanceof URL) return input.href
  return input.url
}

/** The page's harness, exported so a page script that extends it (`tabs-page.ts`) keeps this module in its bundle. */
export const harness: Harness = {
  lib,
  config: page.harnessConfig,
  clients: new Map(),
  seen: new Map(),
  pending: new Map(),
  gates: new Map(),
  client(name, options = {}) {
    const auth = lib.createAuthClient({ url: page.harnessConfig.url, apiKey: page.harnessConfig.apiKey, ...options })
    const seen: AuthState['status'][] = []
    auth.state$.subscribe((state) => seen.push(state.status))
    harness.clients.set(name, auth)
    harness.seen.set(name, seen)
    return auth
  },
  aheadClock(offsetMs) {
    return {
      now: () => Date.now() + offsetMs,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as number),
    }
  },
  gatedFetch() {
    let open!: () => void
    let reached!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve))
    const gated: typeof fetch = async (input, init) => {
      if (requestUrl(input).includes('grant_type=refresh_token')) {
        reached()
        await gate
      }
      return fetch(input, init)
    }
    return { fetch: gated, reached: reachedPromise, open }
  },
  until(auth, predicate) {
    return new Promise((resolve) => {
      const subscription = auth.state$.subscribe((state) => {
        if (!predicate(state)) return
        resolve(state)
        queueMicrotask(() => subscription.unsubscribe())
      })
    })
  },
}

page.harness = harness
