/**
 * What the cross-tab chaos soak (`soak-tabs.test.ts`) found, each replayed as a minimal, deterministic
 * sequence in Debian's chromium, and now fixed. (A finding not fixed yet would be pinned with `it.fails`.)
 *
 * Tokens are compared in the page; assertions see yes/no and statuses only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { asTabsTab, openTabsWorld, sleep, type BrowserWorld, type TabsTab } from '../support/browser/tabs-harness.js'

const PASSWORD = 'correct-horse-battery'
const STORAGE_KEY = 'sb-findings-auth-token'
/**
 * How late the lagging tab hears other tabs' BroadcastChannel messages: what a loaded machine does to tabs
 * in separate renderer processes (the soak met it with no lag added, under load).
 */
const LAG_MS = 300

interface End {
  status: string
  /** The tab's chart holds what localStorage holds (both the same refresh token, or both nothing). */
  agreesWithStorage: boolean
  storageHoldsASession: boolean
}

describe.skipIf(!hasChromium)(`what the cross-tab soak found${SKIP_NOTE}`, () => {
  let world: BrowserWorld
  let context: BrowserContext | undefined
  let counter = 0

  beforeAll(async () => {
    world = await openTabsWorld({})
  })
  afterEach(async () => {
    await context?.close()
    context = undefined
  })
  afterAll(() => world?.close())

  async function user(): Promise<{ email: string; password: string }> {
    counter += 1
    const email = `soak-finding-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`
    await world.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    return { email, password: PASSWORD }
  }

  /** Waits (bounded) until tab `name`'s client is authenticated; the assertions say whether it got there. */
  function authenticatedWithin(tab: TabsTab, name: string, ms: number): Promise<void> {
    return tab.h.evaluate(async (h, { name, ms }) => {
      const wait = h.until(h.clients.get(name)!, (s) => s.status === 'authenticated')
      await Promise.race([wait, new Promise((resolve) => setTimeout(resolve, ms))])
    }, { name, ms })
  }

  /** Where tab `name`'s client is, compared with localStorage in the page. */
  function end(tab: TabsTab, name: string): Promise<End> {
    return tab.h.evaluate(
      (h, { name, key }) => {
        const snapshot = h.clients.get(name)!.snapshot
        const stored = h.storedRefreshToken(key)
        return {
          status: snapshot.status,
          agreesWithStorage: (snapshot.session?.refresh_token ?? undefined) === stored,
          storageHoldsASession: stored !== undefined,
        }
      },
      { name, key: STORAGE_KEY },
    )
  }

  it('a sign-out heard late does not end a sign-in the tab made after it (stale SIGNED_OUT)', async () => {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const [first, second] = [await user(), await user()]

    // A hears other tabs' messages late; B hears them at once.
    await a.h.evaluate(async (h, { key, lag }) => {
      h.lagBroadcastChannels(lag)
      await h.client('a', { storageKey: key }).ready
    }, { key: STORAGE_KEY, lag: LAG_MS })
    await b.h.evaluate((h, key) => h.client('b', { storageKey: key }).ready, STORAGE_KEY)

    // B signs in; A adopts it once the news arrives.
    await b.h.evaluate((h, credentials) => h.clients.get('b')!.signInWithPassword(credentials), first)
    await authenticatedWithin(a, 'a', LAG_MS * 10)

    // B signs out (storage cleared, SIGNED_OUT sent), then A signs in as another user before B's news
    // reaches it. Nothing races: one call after the other.
    await b.h.evaluate((h) => h.clients.get('b')!.signOut())
    await a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials), second)
    // A's sign-in reaches B at once; B's old sign-out reaches A LAG_MS later. Waited out generously.
    await sleep(LAG_MS * 4)

    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    // A's sign-in came last, so it is what storage holds, and every tab agrees with storage. Found: A applied
    // the stale SIGNED_OUT to its new session and signed out, while B adopted that session from A's SIGNED_IN.
    // Fixed: a sign-out names the session it ended, and A's is another.
    const signedIn: End = { status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true }
    expect({ a: endA, b: endB }).toEqual({ a: signedIn, b: signedIn })
  })

  /**
   * Tabs A and B on one session, B's storage wrapped so its next `times` calls of `op` throw, armed just
   * before B refreshes; then A refreshes. Returns where B was after its own refresh, and where both ended.
   */
  async function storageThrowsAtRefresh(op: 'getItem' | 'setItem', times: number): Promise<{ a: End; b: End; bBefore: End }> {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const credentials = await user()
    await a.h.evaluate((h, key) => h.client('a', { storageKey: key, autoRefreshToken: false }).ready, STORAGE_KEY)
    await b.h.evaluate(async (h, key) => {
      // localStorage whose next armed calls throw, as a full or blocked localStorage does.
      const armed: Record<string, number> = { getItem: 0, setItem: 0 }
      Object.assign(globalThis, { armedStorageFaults: armed })
      const check = (op: string): void => {
        if ((armed[op] ?? 0) <= 0) return
        armed[op] = (armed[op] ?? 0) - 1
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      const storage = {
        getItem: (k: string) => (check('getItem'), localStorage.getItem(k)),
        setItem: (k: string, v: string) => (check('setItem'), localStorage.setItem(k, v)),
        removeItem: (k: string) => localStorage.removeItem(k),
      }
      await h.client('b', { storageKey: key, storage, autoRefreshToken: false }).ready
    }, STORAGE_KEY)
    await a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials), credentials)
    await authenticatedWithin(b, 'b', LAG_MS * 10)

    await b.h.evaluate(async (h, { op, times }) => {
      ;(globalThis as unknown as { armedStorageFaults: Record<string, number> }).armedStorageFaults[op] = times
      await h.clients.get('b')!.refreshSession().catch(() => undefined)
    }, { op, times })
    await sleep(LAG_MS)
    const bBefore = await end(b, 'b')
    await a.h.evaluate((h) => h.clients.get('a')!.refreshSession().catch(() => undefined))
    await sleep(LAG_MS)
    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    return { a: endA, b: endB, bBefore }
  }

  // The store retries a single throw; two in a row degrade B to memory for good. Found: the session storage
  // held was then lost to one tab or the other.
  it('a write that throws twice in a row does not take the session from the other tabs (degraded tab)', async () => {
    const { a, b } = await storageThrowsAtRefresh('setItem', 2)
    // Found: B's failed write emptied the shared storage and B went on in memory; A's next refresh found no
    // session there and A signed out, though nothing ended the session. Fixed: the adapter keeps the previous
    // rotation and a degraded store still hands its writes on to it.
    expect(a).toEqual({ status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true })
    expect(b.status).toBe('authenticated')
  })

  it('a read that throws twice in a row does not sign the tab out (degraded tab)', async () => {
    const { bBefore } = await storageThrowsAtRefresh('getItem', 2)
    // Found: B's refresh read its (empty) memory copy instead, concluded the session ended elsewhere and
    // signed out (announcing SIGNED_OUT), while storage and A still held the session. Fixed: a store that
    // cannot read its storage says nothing about other tabs' sign-outs.
    expect(bBefore).toEqual({ status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true })
  })

  // Never a bug, a guard for the fix of the stale-news bugs: a message must not be judged stale by a
  // storage that has not caught up yet (another renderer's localStorage write can trail its message).
  it('a rotation announced before its storage write shows in this tab is still adopted', async () => {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const credentials = await user()
    await a.h.evaluate((h, key) => h.client('a', { storageKey: key, autoRefreshToken: false }).ready, STORAGE_KEY)
    // B sees other tabs' storage writes LAG_MS late; their messages arrive at once.
    await b.h.evaluate(async (h, { key, lag }) => {
      await h.client('b', { storageKey: key, storage: h.laggingLocalStorage(lag), autoRefreshToken: false }).ready
    }, { key: STORAGE_KEY, lag: LAG_MS })
    await a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials), credentials)
    await authenticatedWithin(b, 'b', LAG_MS * 10)
    await sleep(LAG_MS * 2)

    await a.h.evaluate((h) => h.clients.get('a')!.refreshSession())
    await sleep(LAG_MS * 4)

    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    const signedIn: End = { status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true }
    expect({ a: endA, b: endB }).toEqual({ a: signedIn, b: signedIn })
  })

  it('a user update announced with a session another tab has since rotated does not roll that tab back (stale USER_UPDATED)', async () => {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const credentials = await user()

    // B hears other tabs' messages late; A hears them at once. Both hold the one session.
    await a.h.evaluate((h, key) => h.client('a', { storageKey: key, autoRefreshToken: false }).ready, STORAGE_KEY)
    await b.h.evaluate(async (h, { key, lag }) => {
      h.lagBroadcastChannels(lag)
      await h.client('b', { storageKey: key, autoRefreshToken: false }).ready
    }, { key: STORAGE_KEY, lag: LAG_MS })
    await a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials), credentials)
    await authenticatedWithin(b, 'b', LAG_MS * 10)

    // A rotates the refresh token; B, not yet told, updates the user and announces its (older) session.
    // One call after the other: nothing races.
    await a.h.evaluate((h) => h.clients.get('a')!.refreshSession())
    await b.h.evaluate((h) => h.clients.get('b')!.updateUser({ data: { finding: 'stale-user-updated' } }))
    await sleep(LAG_MS * 4)

    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    // Every tab holds what storage holds: A's rotation. Found: A adopted B's USER_UPDATED, whose session
    // carried the refresh token A had already spent, so one tab ended on the spent token, and B's write put it
    // back in storage. Fixed: of two rotations of one sign-in the later tokens win, and the later user.
    const signedIn: End = { status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true }
    expect({ a: endA, b: endB }).toEqual({ a: signedIn, b: signedIn })
    // And B's update is kept everywhere: in both tabs and in storage.
    const updated = await a.h.evaluate((h, key) => {
      const finding = (s: { user: { user_metadata?: Record<string, unknown> } } | null | undefined) => s?.user.user_metadata?.['finding']
      const raw = localStorage.getItem(key)
      return {
        a: finding(h.clients.get('a')!.snapshot.session),
        stored: finding(raw === null ? null : JSON.parse(raw)),
      }
    }, STORAGE_KEY)
    const updatedInB = await b.h.evaluate((h) => h.clients.get('b')!.snapshot.session?.user.user_metadata?.['finding'])
    expect({ ...updated, b: updatedInB }).toEqual({ a: 'stale-user-updated', stored: 'stale-user-updated', b: 'stale-user-updated' })
  })

  it('two tabs signing in at once end on the session storage holds (crossing sign-ins)', async () => {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const [first, second] = [await user(), await user()]

    // Both tabs hear each other's messages late, as tabs of a loaded machine do.
    for (const [tab, name] of [[a, 'a'], [b, 'b']] as const) {
      await tab.h.evaluate(async (h, { name, key, lag }) => {
        h.lagBroadcastChannels(lag)
        await h.client(name, { storageKey: key, autoRefreshToken: false }).ready
      }, { name, key: STORAGE_KEY, lag: LAG_MS })
    }

    await Promise.all([
      a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials).then(() => undefined), first),
      b.h.evaluate((h, credentials) => h.clients.get('b')!.signInWithPassword(credentials).then(() => undefined), second),
    ])
    await sleep(LAG_MS * 4)

    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    // Found: both sign-ins went out at once, each tab stored its own and heard the other's news after it, so
    // the tabs ended on each other's sign-in, one of them not the one in storage. Fixed: a sign-in runs under
    // the refresh lock and announces its session before letting it go, so the later one's tab has heard of
    // the earlier and both end on the later.
    const signedIn: End = { status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true }
    expect({ a: endA, b: endB }).toEqual({ a: signedIn, b: signedIn })
  })

  it('a tab signing out while another signs in ends on the new session', async () => {
    context = await world.newContext()
    const a = asTabsTab(await world.openTab(context))
    const b = asTabsTab(await world.openTab(context))
    const [first, second] = [await user(), await user()]

    // A's logout request takes its time (a slow network), so B's news reaches A while A is still signing out.
    await a.h.evaluate(async (h, { key, slowMs }) => {
      const slowLogout: typeof fetch = async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
        if (url.includes('/logout')) await new Promise((resolve) => setTimeout(resolve, slowMs))
        return fetch(input, init)
      }
      await h.client('a', { storageKey: key, autoRefreshToken: false, fetch: slowLogout }).ready
    }, { key: STORAGE_KEY, slowMs: LAG_MS * 4 })
    await b.h.evaluate((h, key) => h.client('b', { storageKey: key, autoRefreshToken: false }).ready, STORAGE_KEY)

    // Both on one session.
    await a.h.evaluate((h, credentials) => h.clients.get('a')!.signInWithPassword(credentials).then(() => undefined), first)
    await authenticatedWithin(b, 'b', LAG_MS * 10)

    await Promise.all([
      a.h.evaluate((h) => h.clients.get('a')!.signOut({ scope: 'local' }).then(() => undefined)),
      b.h.evaluate((h, credentials) => h.clients.get('b')!.signInWithPassword(credentials).then(() => undefined), second),
    ])
    await sleep(LAG_MS * 4)

    const [endA, endB] = await Promise.all([end(a, 'a'), end(b, 'b')])
    // Found: A, signing out, could not take B's SIGNED_IN and dropped it, so A stayed signed out with B's new
    // session in storage. Fixed: news a busy chart cannot take is delivered again once it settles.
    const signedIn: End = { status: 'authenticated', agreesWithStorage: true, storageHoldsASession: true }
    expect({ a: endA, b: endB }).toEqual({ a: signedIn, b: signedIn })
  })
})
