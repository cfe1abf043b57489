/**
 * Several tabs sharing one session, in Debian's chromium (issue 13 §5): five tabs due at once make one
 * refresh; a tab that hears of a rotation late (its storage and channel trail the lock grant, as in separate
 * renderer processes on a loaded machine) adopts it instead of spending the refresh token again; a tab
 * frozen through the DevTools protocol while another rotates wakes up without replaying its stale refresh
 * token. The server counts the refreshes; each tab records the refresh tokens it sent, which are compared
 * in the page or by label, never printed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import type { RequestLogEntry } from '../../src/testing/index.js'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import {
  asTabsTab,
  openFreezableContext,
  openTabsWorld,
  setLifecycle,
  sleep,
  tokenLabels,
  type BrowserWorld,
  type FreezableContext,
  type TabsTab,
} from '../support/browser/tabs-harness.js'

const PASSWORD = 'correct-horse-battery'
/** supabase-js's key for http://127.0.0.1:<port>/auth/v1. */
const STORAGE_KEY = 'sb-127-auth-token'
const LOCK_NAME = `lock:${STORAGE_KEY}`
/** 59 minutes ahead: a one-hour token issued now is inside the 90 s refresh margin on these clients. */
const DUE = 59 * 60_000
/** The refresh margin of the client (auth-js's): a session is due this long before it expires. */
const MARGIN_MS = 90_000
/** Short, so the frozen tab can sleep through it: a replayed old token is then refused and revokes the family. */
const REUSE_INTERVAL_S = 1
/**
 * How late the lagging tab hears of other tabs' storage writes and channel messages: far longer than a task
 * (the one wait the client allowed before the fix), shorter than its wait after a contended grant (500 ms).
 */
const LAG_MS = 300

interface TabEnd {
  status: string | undefined
  token: string | undefined
  stored: string | undefined
  /** The refresh tokens this tab sent, in order (raw: labelled before any assertion). */
  sent: string[]
}

describe.skipIf(!hasChromium)(`tabs sharing a session in a browser${SKIP_NOTE}`, () => {
  let world: BrowserWorld
  const contexts: BrowserContext[] = []
  let counter = 0

  beforeAll(async () => {
    world = await openTabsWorld({ refreshTokenReuseInterval: REUSE_INTERVAL_S })
  })
  let freezable: FreezableContext | undefined
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close()
    await freezable?.close()
    freezable = undefined
  })
  afterAll(() => world?.close())

  async function context(): Promise<BrowserContext> {
    const created = await world.newContext()
    contexts.push(created)
    return created
  }

  async function openTabs(shared: BrowserContext, count: number): Promise<TabsTab[]> {
    const tabs: TabsTab[] = []
    for (let i = 0; i < count; i += 1) tabs.push(asTabsTab(await world.openTab(shared)))
    return tabs
  }

  /** Signs a new user in from `tab` with a client that is then disposed: the session is left in storage. */
  async function signedInUser(tab: TabsTab): Promise<string> {
    counter += 1
    const email = `tabs-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`
    await world.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    return tab.h.evaluate(async (h, credentials) => {
      const seed = h.client('seed')
      const { session } = await seed.signInWithPassword(credentials)
      seed.dispose()
      return session.refresh_token
    }, { email, password: PASSWORD })
  }

  /** The refresh requests the server saw from `from` on (an index into its log), and the ones it refused. */
  function refreshesSince(from: number): { count: number; refused: RequestLogEntry[] } {
    const entries = world.server.requests.all().slice(from).filter((entry) => entry.path === '/token' && entry.grantType === 'refresh_token')
    return { count: entries.length, refused: entries.filter((entry) => entry.status >= 400) }
  }

  /** Polls the origin's lock manager until `held` holders and `pending` waiters are on the refresh lock. */
  function lockQueue(tab: TabsTab, held: number, pending: number): Promise<{ held: number; pending: number }> {
    return tab.h.evaluate(
      async (_h, { lockName, held, pending }) => {
        let seen = { held: 0, pending: 0 }
        for (let i = 0; i < 500; i += 1) {
          const state = await navigator.locks.query()
          seen = {
            held: (state.held ?? []).filter((lock) => lock.name === lockName).length,
            pending: (state.pending ?? []).filter((lock) => lock.name === lockName).length,
          }
          if (seen.held === held && seen.pending === pending) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        return seen
      },
      { lockName: LOCK_NAME, held, pending },
    )
  }

  /**
   * Waits (bounded) until the tab's client `name` has sent at least `minSent` refresh requests, holds a token
   * other than `original`, is not refreshing, and agrees with localStorage. Polled: storage changes are no
   * state changes, so there is nothing to await.
   */
  function tabEnd(tab: TabsTab, name: string, original: string, minSent = 0): Promise<TabEnd> {
    return tab.h.evaluate(
      async (h, { name, original, minSent, key }) => {
        const auth = h.clients.get(name)!
        const settled = (): boolean => {
          const { status, session } = auth.snapshot
          const token = session?.refresh_token
          return (h.sent.get(name)?.length ?? 0) >= minSent && status !== 'refreshing' && token !== original && token === h.storedRefreshToken(key)
        }
        for (let i = 0; i < 500 && !settled(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20))
        const { snapshot } = auth
        return { status: snapshot.status, token: snapshot.session?.refresh_token, stored: h.storedRefreshToken(key), sent: h.sent.get(name) ?? [] }
      },
      { name, original, minSent, key: STORAGE_KEY },
    )
  }

  it('five tabs due for a refresh at once make one /token call and all keep the one new session', async () => {
    const tabs = await openTabs(await context(), 5)
    const original = await signedInUser(tabs[0]!)
    const logStart = world.server.requests.all().length

    // Every tab restores the session on a clock that says it is due, so each starts a refresh at once.
    // Every refresh request waits at a gate, so whichever tab won the lock provably holds it while the
    // other four queue behind it.
    await Promise.all(
      tabs.map((tab) =>
        tab.h.evaluate(async (h, { due }) => {
          const gate = h.gatedFetch()
          h.gates.set('t', gate)
          h.client('t', { clock: h.aheadClock(due), fetch: h.recordRefreshTokens('t', gate.fetch) })
        }, { due: DUE }),
      ),
    )
    expect(await lockQueue(tabs[0]!, 1, 4)).toEqual({ held: 1, pending: 4 })

    await Promise.all(tabs.map((tab) => tab.h.evaluate((h) => h.gates.get('t')?.open())))
    const ends = await Promise.all(tabs.map((tab) => tabEnd(tab, 't', original)))

    const label = tokenLabels(original)
    const refreshes = refreshesSince(logStart)
    expect(refreshes.count).toBe(1)
    expect(refreshes.refused).toEqual([])
    // One tab sent the original token once; the other four adopted what it got.
    expect(ends.flatMap((end) => end.sent.map(label))).toEqual(['original'])
    expect(ends.map((end) => end.status)).toEqual(Array(5).fill('authenticated'))
    expect(ends.map((end) => label(end.token))).toEqual(Array(5).fill('rotation 1'))
    expect(ends.map((end) => label(end.stored))).toEqual(Array(5).fill('rotation 1'))
  })

  it('a tab granted the lock before it hears of the rotation adopts it instead of spending the token again', async () => {
    const [a, b] = await openTabs(await context(), 2)
    const original = await signedInUser(a!)
    const logStart = world.server.requests.all().length

    // A's refresh waits at a gate, so A holds the refresh lock while B asks for it.
    await a!.h.evaluate(async (h, { due }) => {
      const gate = h.gatedFetch()
      h.gates.set('a', gate)
      const auth = h.client('a', { clock: h.aheadClock(due), autoRefreshToken: false, fetch: h.recordRefreshTokens('a', gate.fetch) })
      await auth.ready
      h.pending.set('a', auth.getSession())
      await gate.reached
    }, { due: DUE })
    // B hears of other tabs LAG_MS late, both through storage and through the channel: on a loaded machine
    // the lock grant (browser process) can overtake the storage write (storage service) and the message.
    const queued = await b!.h.evaluate(
      async (h, { due, lag, lockName }) => {
        h.lagBroadcastChannels(lag)
        const auth = h.client('b', {
          clock: h.aheadClock(due),
          autoRefreshToken: false,
          storage: h.laggingLocalStorage(lag),
          fetch: h.recordRefreshTokens('b'),
        })
        await auth.ready
        h.pending.set('b', auth.getSession())
        for (let i = 0; i < 500; i += 1) {
          if (((await navigator.locks.query()).pending ?? []).some((lock) => lock.name === lockName)) return true
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        return false
      },
      { due: DUE, lag: LAG_MS, lockName: LOCK_NAME },
    )
    expect(queued).toBe(true)

    await a!.h.evaluate((h) => h.gates.get('a')?.open())
    const [endA, endB] = await Promise.all([tabEnd(a!, 'a', original), tabEnd(b!, 'b', original)])

    const label = tokenLabels(original)
    const refreshes = refreshesSince(logStart)
    expect(refreshes.count).toBe(1)
    expect(refreshes.refused).toEqual([])
    expect(endA.sent.map(label)).toEqual(['original'])
    expect(endB.sent.map(label)).toEqual([])
    expect([endA.status, endB.status]).toEqual(['authenticated', 'authenticated'])
    expect([label(endA.token), label(endB.token)]).toEqual(['rotation 1', 'rotation 1'])
    expect(label(endA.stored)).toBe('rotation 1')
  })

  it('a tab frozen while another rotates, woken after the reuse window, sends no stale token and keeps the session', async () => {
    // Tabs Playwright opens in its own contexts cannot be frozen (see openFreezableContext).
    freezable = await openFreezableContext()
    const [a, b] = await openTabs(freezable.context, 2)
    const original = await signedInUser(a!)
    const logStart = world.server.requests.all().length

    // B refreshes on its own timer, which B's clock makes due DUE_IN_MS from now. B is frozen before then,
    // so the timer comes due while B sleeps and fires once it wakes: the moment a stale tab is most tempted
    // to spend its old token.
    const DUE_IN_MS = 2_000
    const dueAt = Date.now() + DUE_IN_MS
    const originalExpiresAt = await b!.h.evaluate(
      async (h, { key, dueAt, margin }) => {
        const { expires_at } = JSON.parse(localStorage.getItem(key)!) as { expires_at: number }
        const clock = h.aheadClock(expires_at * 1000 - margin - dueAt)
        await h.client('b', { clock, fetch: h.recordRefreshTokens('b') }).ready
        return expires_at
      },
      { key: STORAGE_KEY, dueAt, margin: MARGIN_MS },
    )
    await setLifecycle(b!.page, 'frozen')
    expect(Date.now(), 'B was frozen before its refresh came due').toBeLessThan(dueAt)

    // A rotates twice (forced: on the wall clock nothing is due yet, and a client dates a session by its own
    // clock): B's token is then two generations old, which no reuse rule forgives after the window.
    const newestExpiresAt = await a!.h.evaluate(async (h, key) => {
      const auth = h.client('a', { autoRefreshToken: false, fetch: h.recordRefreshTokens('a') })
      await auth.ready
      await auth.refreshSession()
      await auth.refreshSession()
      return (JSON.parse(localStorage.getItem(key)!) as { expires_at: number }).expires_at
    }, STORAGE_KEY)
    const rotatedAt = Date.now()
    expect(refreshesSince(logStart).count).toBe(2)
    // On B's clock A's newest session is due (newest - original) s after B's own: B wakes once both are due
    // and the reuse window has passed, so it must refresh as it wakes; the question is with which token.
    const wakeAt = Math.max(dueAt + (newestExpiresAt - originalExpiresAt) * 1000, rotatedAt + REUSE_INTERVAL_S * 1000) + 250
    await sleep(wakeAt - Date.now())
    const refreshesWhileFrozen = refreshesSince(logStart).count

    await setLifecycle(b!.page, 'active')
    // Its clock says due: B refreshes once awake. Not at once: a frozen page stays hidden after it resumes,
    // and a hidden page's timers are aligned to whole seconds. (Chromium 156 also hands channel messages to
    // a frozen page, so B usually adopts A's rotations before it wakes; storage events wait for the resume.)
    const endB = await tabEnd(b!, 'b', original, 1)
    const endA = await tabEnd(a!, 'a', original)
    const lifecycleOfB = await b!.h.evaluate((h) => h.lifecycle)

    const label = tokenLabels(original)
    const refreshes = refreshesSince(logStart)
    // B really was frozen (hidden, frozen before its refresh came due, resumed after the reuse window), and
    // its due timer did not run meanwhile: only A's two refreshes reached the server.
    const [, frozenAt, resumedAt] = lifecycleOfB
    expect(lifecycleOfB.map(({ event }) => event)).toEqual(['visibilitychange:hidden', 'freeze', 'resume'])
    expect(frozenAt!.at).toBeLessThan(dueAt)
    expect(resumedAt!.at).toBeGreaterThanOrEqual(wakeAt)
    expect(refreshesWhileFrozen).toBe(2)
    expect(endA.sent.map(label)).toEqual(['original', 'rotation 1'])
    // B sent A's newest token, never its own old one (which the server would have refused as
    // refresh_token_already_used, revoking the family): nothing was refused.
    expect(endB.sent.map(label)).toEqual(['rotation 2'])
    expect(refreshes.refused).toEqual([])
    expect(refreshes.count).toBe(3)
    // Both tabs keep the session: B's rotation, which A adopted.
    expect([endA.status, endB.status]).toEqual(['authenticated', 'authenticated'])
    expect([label(endA.token), label(endB.token)]).toEqual(['rotation 3', 'rotation 3'])
    expect([label(endA.stored), label(endB.stored)]).toEqual(['rotation 3', 'rotation 3'])
  })
})
