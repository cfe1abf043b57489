/**
 * The browser soak's page script, one per tab: a real client on the page's `localStorage` (wrapped so the
 * walk can make its next call throw), with Web Locks and BroadcastChannel as the browser gives them, and a
 * ManualClock as its clock, so the walk moves every tab through hours of virtual time in one jump. Published
 * as `globalThis.soakPage`; the walk drives it through Playwright.
 *
 * Tokens never leave the page: what the walk reads back is reduced to fingerprints and ids (`fingerprint.ts`).
 */
import { createAuthClient, isAuthError, type AuthClient, type SupportedStorage } from '../../../src/index.js'
import { ManualClock } from '../../support/manual-clock.js'
import { sessionRef, type SessionRef } from './fingerprint.js'

/** Written into the page by the page server: where the client sends its requests (the recording proxy). */
export interface SoakPageConfig {
  url: string
  apiKey: string
}

/** How the walk opens the tab's client. */
export interface TabOptions {
  /** The tab's name in reports, also sent as `x-soak-tab` so the proxy can tell whose request it saw. */
  name: string
  storageKey: string
  requestTimeoutMs: number
  /** The virtual time now (every tab and the server share it). */
  now: number
}

export type StorageOp = 'getItem' | 'setItem' | 'removeItem'

/** A public call of the client, as the walk asks for it. */
export type PageCall =
  | { kind: 'getSession' }
  | { kind: 'getUser' }
  | { kind: 'refreshSession' }
  | { kind: 'updateUser'; value: number }
  | { kind: 'signIn'; email: string; password: string }
  | { kind: 'signOut'; scope: 'local' | 'global' | 'others' }

export interface CallResult {
  /** `ok`, the AuthError's code (or name), `untyped:<name>` for anything else, or `stuck` past the bound. */
  outcome: string
  typed: boolean
  /** Wall time (Date.now) at which the call settled: causes are dated on the same clock. */
  at: number
  /** For a sign-in: the session it made. */
  session: SessionRef | null
}

/** A lifecycle event the tab announced, with the session it announced before it. */
export interface PageEvent {
  event: string
  /** Wall time (Date.now) of the announcement. */
  at: number
  session: SessionRef | null
  previous: SessionRef | null
}

/** Where the tab is, read in one go. */
export interface TabView {
  status: string
  stale: boolean
  degraded: boolean
  /** The chart is at rest (no operation in flight). */
  settled: boolean
  /** The session the chart holds. */
  belief: SessionRef | null
  /** What localStorage holds under the key, read directly (not through the client). */
  stored: SessionRef | null
}

export interface SoakPage {
  open(options: TabOptions): void
  call(call: PageCall, boundMs: number): Promise<CallResult>
  /** Moves the tab's clock to `at` (never back), running the timers that came due; returns how many ran. */
  advanceTo(at: number): number
  view(): TabView
  /** The events and page errors since the last drain. */
  drain(): { events: PageEvent[]; errors: string[] }
  /** The next `times` storage calls of `op` throw, as a full or blocked localStorage does. */
  failNext(op: StorageOp, times: number): void
}

interface PageGlobal {
  soakPageConfig: SoakPageConfig
  soakPage: SoakPage
}

const page = globalThis as unknown as PageGlobal

/** localStorage, but the walk can make the next call of a kind throw. */
class FlakyStorage implements SupportedStorage {
  readonly #armed = new Map<StorageOp, number>()

  failNext(op: StorageOp, times: number): void {
    this.#armed.set(op, (this.#armed.get(op) ?? 0) + times)
  }

  #check(op: StorageOp): void {
    const left = this.#armed.get(op) ?? 0
    if (left <= 0) return
    this.#armed.set(op, left - 1)
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }

  getItem(key: string): string | null {
    this.#check('getItem')
    return localStorage.getItem(key)
  }

  setItem(key: string, value: string): void {
    this.#check('setItem')
    localStorage.setItem(key, value)
  }

  removeItem(key: string): void {
    this.#check('removeItem')
    localStorage.removeItem(key)
  }
}

function storedRef(key: string): SessionRef | null {
  try {
    const raw = localStorage.getItem(key)
    return raw === null ? null : sessionRef(JSON.parse(raw) as Parameters<typeof sessionRef>[0])
  } catch {
    return null
  }
}

function describeFailure(reason: unknown): string {
  // Name and message only: the client's errors never carry tokens, and a stack would add nothing here.
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)
}

let auth: AuthClient | undefined
let clock: ManualClock | undefined
let storageKey = ''
const storage = new FlakyStorage()
let events: PageEvent[] = []
let errors: string[] = []

addEventListener('error', (event) => void errors.push(`error: ${event.message}`))
addEventListener('unhandledrejection', (event) => void errors.push(`unhandled rejection: ${describeFailure(event.reason)}`))

function client(): AuthClient {
  if (auth === undefined) throw new Error('soakPage.open was not called')
  return auth
}

async function run(call: PageCall): Promise<SessionRef | null> {
  const auth = client()
  switch (call.kind) {
    case 'getSession':
      await auth.getSession()
      return null
    case 'getUser':
      await auth.getUser()
      return null
    case 'refreshSession':
      await auth.refreshSession()
      return null
    case 'updateUser':
      await auth.updateUser({ data: { soak: call.value } })
      return null
    case 'signIn':
      return sessionRef((await auth.signInWithPassword({ email: call.email, password: call.password })).session)
    case 'signOut':
      await auth.signOut({ scope: call.scope })
      return null
  }
}

page.soakPage = {
  open(options) {
    storageKey = options.storageKey
    clock = new ManualClock(options.now)
    auth = createAuthClient({
      url: page.soakPageConfig.url,
      apiKey: page.soakPageConfig.apiKey,
      headers: { 'x-soak-tab': options.name },
      storage,
      storageKey,
      clock,
      timeout: options.requestTimeoutMs,
      detectSessionInUrl: false,
    })
    let previous: SessionRef | null = null
    auth.events$.subscribe(({ event, session }) => {
      const ref = sessionRef(session)
      events.push({ event, at: Date.now(), session: ref, previous })
      previous = ref
    })
  },

  async call(call, boundMs) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const stuck = new Promise<CallResult>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'stuck', typed: true, at: Date.now(), session: null }), boundMs)
    })
    const done = run(call).then(
      (session): CallResult => ({ outcome: 'ok', typed: true, at: Date.now(), session }),
      (error: unknown): CallResult => ({
        outcome: isAuthError(error) ? (error.code ?? error.name) : `untyped:${error instanceof Error ? error.name : typeof error}`,
        typed: isAuthError(error),
        at: Date.now(),
        session: null,
      }),
    )
    try {
      return await Promise.race([done, stuck])
    } finally {
      clearTimeout(timer)
    }
  },

  advanceTo(at) {
    if (clock === undefined) return 0
    try {
      return clock.advanceTo(at)
    } catch (error) {
      errors.push(`timer threw: ${describeFailure(error)}`)
      return 0
    }
  },

  view() {
    const auth = client()
    const snapshot = auth.actor.getSnapshot()
    const state = auth.snapshot
    return {
      status: state.status,
      stale: state.stale === true,
      degraded: state.storage === 'degraded',
      settled: snapshot.hasTag('settled'),
      belief: sessionRef(snapshot.context.session),
      stored: storedRef(storageKey),
    }
  },

  drain() {
    const drained = { events, errors }
    events = []
    errors = []
    return drained
  },

  failNext(op, times) {
    storage.failNext(op, times)
  },
}
