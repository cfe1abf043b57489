/**
 * The client in a real browser (Debian's chromium, headless): localStorage as the default storage, restore
 * after a reload, one refresher across tabs through Web Locks, sign-out across tabs through
 * BroadcastChannel, and synchronous first emissions. Each test gets a fresh browser context (its own
 * localStorage, lock manager and channels); the server counts the requests.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { hasChromium, openBrowserWorld, SKIP_NOTE, type BrowserWorld } from '../support/browser/browser-harness.js'

const PASSWORD = 'correct-horse-battery'
/** supabase-js's key for http://127.0.0.1:<port>/auth/v1: `sb-<first hostname label>-auth-token`. */
const STORAGE_KEY = 'sb-127-auth-token'
const LOCK_NAME = `lock:${STORAGE_KEY}`
/** 59 minutes ahead: a one-hour token issued now is inside the 90 s refresh margin on these clients. */
const DUE = 59 * 60_000

describe.skipIf(!hasChromium)(`the client in a browser${SKIP_NOTE}`, () => {
  let world: BrowserWorld
  const contexts: BrowserContext[] = []
  let counter = 0

  beforeAll(async () => {
    world = await openBrowserWorld()
  })
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close()
  })
  afterAll(() => world?.close())

  async function context(): Promise<BrowserContext> {
    const created = await world.newContext()
    contexts.push(created)
    return created
  }

  async function newUser(): Promise<{ email: string; password: string }> {
    counter += 1
    const email = `browser-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`
    await world.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    return { email, password: PASSWORD }
  }

  it('stores the session in localStorage under sb-127-auth-token, in the auth-js v2 format', async () => {
    const credentials = await newUser()
    const tab = await world.openTab(await context())
    const result = await tab.h.evaluate(async (h, { credentials, key }) => {
      const auth = h.client('a')
      const { session } = await auth.signInWithPassword(credentials)
      return {
        defaultIsLocalStorage: h.lib.defaultStorage() === localStorage,
        defaultKey: h.lib.defaultStorageKey(h.config.url),
        keys: Object.keys(localStorage),
        stored: localStorage.getItem(key),
        session,
        nowSeconds: Math.floor(Date.now() / 1000),
      }
    }, { credentials, key: STORAGE_KEY })

    expect(result.defaultIsLocalStorage).toBe(true)
    expect(result.defaultKey).toBe(STORAGE_KEY)
    // Only the session: the probe write that tests localStorage is removed again.
    expect(result.keys).toEqual([STORAGE_KEY])
    expect(result.stored).not.toBeNull()
    const stored = JSON.parse(result.stored!) as Record<string, unknown>
    expect(stored).toMatchObject({
      access_token: result.session.access_token,
      refresh_token: result.session.refresh_token,
      token_type: 'bearer',
      expires_in: 3600,
      user: { id: result.session.user.id, email: credentials.email },
    })
    // auth-js v2 keeps expires_at in epoch seconds, not milliseconds, and no v1 `currentSession` wrapper.
    expect(stored['expires_at']).toBeTypeOf('number')
    expect(Math.abs((stored['expires_at'] as number) - (result.nowSeconds + 3600))).toBeLessThan(120)
    expect(stored).not.toHaveProperty('currentSession')
  })

  it('restores the session after a reload without asking /token', async () => {
    const credentials = await newUser()
    const first = await world.openTab(await context())
    const signedIn = await first.h.evaluate(async (h, credentials) => {
      const { session } = await h.client('a').signInWithPassword(credentials)
      return session.refresh_token
    }, credentials)

    await first.page.reload()
    const tab = await world.attach(first.page)
    const tokenCallsBefore = world.server.requests.count({ path: '/token' })
    const restored = await tab.h.evaluate(async (h) => {
      const fresh = h.clients.size === 0 // the reload dropped the old page's clients
      const auth = h.client('b')
      await auth.ready
      return { fresh, status: auth.snapshot.status, refreshToken: auth.snapshot.session?.refresh_token, seen: h.seen.get('b') }
    })

    expect(restored.fresh).toBe(true)
    expect(restored.status).toBe('authenticated')
    expect(restored.refreshToken).toBe(signedIn)
    expect(restored.seen).not.toContain('refreshing')
    expect(world.server.requests.count({ path: '/token' })).toBe(tokenCallsBefore)
  })

  it('two tabs due for a refresh at once make one /token call, through Web Locks', async () => {
    const credentials = await newUser()
    const shared = await context()
    const a = await world.openTab(shared)
    const b = await world.openTab(shared)
    const original = await a.h.evaluate(async (h, credentials) => {
      const seed = h.client('seed')
      const { session } = await seed.signInWithPassword(credentials)
      seed.dispose()
      return session.refresh_token
    }, credentials)
    const refreshesBefore = world.server.requests.count({ path: '/token', grantType: 'refresh_token' })

    // Tab A's refresh request waits at a gate in its fetch, so A provably holds the refresh lock while B asks.
    const heldByA = await a.h.evaluate(
      async (h, { due }) => {
        const gate = h.gatedFetch()
        h.gates.set('a', gate)
        const auth = h.client('a', { clock: h.aheadClock(due), autoRefreshToken: false, fetch: gate.fetch })
        await auth.ready
        h.pending.set('a', auth.getSession())
        await gate.reached
        return (await navigator.locks.query()).held?.map((lock) => lock.name) ?? []
      },
      { due: DUE },
    )
    expect(heldByA).toContain(LOCK_NAME)

    const inB = await b.h.evaluate(
      async (h, { due, lockName }) => {
        const webLocks = typeof navigator.locks?.request === 'function'
        const auth = h.client('b', { clock: h.aheadClock(due), autoRefreshToken: false })
        await auth.ready
        const sessionSeenByB = auth.snapshot.session?.refresh_token
        h.pending.set('b', auth.getSession())
        // B's refresh must now be queued behind A's lock (bounded wait: a missing queue entry fails below).
        let queued = false
        for (let i = 0; i < 500 && !queued; i += 1) {
          queued = ((await navigator.locks.query()).pending ?? []).some((lock) => lock.name === lockName)
          if (!queued) await new Promise((resolve) => setTimeout(resolve, 10))
        }
        return { webLocks, queued, sessionSeenByB }
      },
      { due: DUE, lockName: LOCK_NAME },
    )
    expect(inB.webLocks).toBe(true)
    // B read the old session: without the lock it would spend the same refresh token a second time.
    expect(inB.sessionSeenByB).toBe(original)
    expect(inB.queued).toBe(true)

    await a.h.evaluate((h) => h.gates.get('a')?.open())
    const [endA, endB] = await Promise.all(
      (['a', 'b'] as const).map((name, index) =>
        (index === 0 ? a : b).h.evaluate(async (h, name) => {
          const { session } = (await h.pending.get(name)) as { session: { refresh_token: string } | null }
          const stored = () => (JSON.parse(localStorage.getItem('sb-127-auth-token') ?? 'null') as { refresh_token?: string } | null)?.refresh_token
          // B may have adopted A's tokens from A's announcement while A's write to localStorage, which reaches
          // this renderer on its own path, is still on the way: give it (bounded) time to land.
          for (let i = 0; i < 100 && stored() !== session?.refresh_token; i += 1) await new Promise((resolve) => setTimeout(resolve, 20))
          return { refreshToken: session?.refresh_token, status: h.clients.get(name)?.snapshot.status, stored: stored() }
        }, name),
      ),
    )

    expect(world.server.requests.count({ path: '/token', grantType: 'refresh_token' }) - refreshesBefore).toBe(1)
    expect(endA?.refreshToken).toBeTypeOf('string')
    expect(endA?.refreshToken).not.toBe(original)
    expect(endB?.refreshToken).toBe(endA?.refreshToken)
    expect(endA?.stored).toBe(endA?.refreshToken)
    expect(endB?.stored).toBe(endA?.refreshToken)
    expect(endA?.status).toBe('authenticated')
    expect(endB?.status).toBe('authenticated')
  })

  it('a sign-out in one tab signs the other tab out, through BroadcastChannel', async () => {
    const credentials = await newUser()
    const shared = await context()
    const a = await world.openTab(shared)
    const b = await world.openTab(shared)
    await a.h.evaluate(async (h, credentials) => {
      await h.client('a').signInWithPassword(credentials)
    }, credentials)
    const before = await b.h.evaluate(async (h, key) => {
      const auth = h.client('b')
      await auth.ready
      // A raw listener on the channel auth-js uses (named after the storage key) sees what crosses tabs.
      const messages: Array<{ event: unknown; session: unknown }> = []
      const channel = new BroadcastChannel(key)
      channel.onmessage = (message: MessageEvent<{ event: unknown; session: unknown }>) =>
        messages.push({ event: message.data.event, session: message.data.session })
      h.pending.set('channel', Promise.resolve(messages))
      h.pending.set('signedOut', h.until(auth, (state) => state.status === 'signedOut'))
      return auth.snapshot.status
    }, STORAGE_KEY)
    expect(before).toBe('authenticated')
    const logoutsBefore = world.server.requests.count({ path: '/logout' })

    await a.h.evaluate(async (h) => {
      await h.clients.get('a')?.signOut()
    })
    const inB = await b.h.evaluate(async (h, key) => {
      // Bounded, so a message that never arrives fails on the status below rather than as a test timeout.
      const late = new Promise((resolve) => setTimeout(() => resolve(h.clients.get('b')?.snapshot), 5_000))
      const state = (await Promise.race([h.pending.get('signedOut'), late])) as { status: string; session: unknown; user: unknown }
      const messages = (await h.pending.get('channel')) as Array<{ event: unknown; session: unknown }>
      // A's removal reaches B's copy of localStorage through the browser process, after (or before) its
      // BroadcastChannel message: poll it, bounded, instead of reading it once.
      const removedBy = Date.now() + 2_000
      while (localStorage.getItem(key) !== null && Date.now() < removedBy) await new Promise((resolve) => setTimeout(resolve, 20))
      return {
        status: state.status,
        sessionCleared: state.session === null,
        userCleared: state.user === null,
        seen: h.seen.get('b'),
        messages,
        // A yes/no, not the value: a failure message must not print a token.
        storedRemoved: localStorage.getItem(key) === null,
      }
    }, STORAGE_KEY)

    expect(inB.status).toBe('signedOut')
    expect(inB.sessionCleared).toBe(true)
    expect(inB.userCleared).toBe(true)
    // B learned it; it did not sign out (or call /logout) itself.
    expect(inB.seen).not.toContain('signingOut')
    expect(world.server.requests.count({ path: '/logout' }) - logoutsBefore).toBe(1)
    expect(inB.messages).toContainEqual({ event: 'SIGNED_OUT', session: null })
    expect(inB.storedRemoved).toBe(true)
  })

  it('state$, session$ and user$ emit the current value synchronously on subscribe', async () => {
    const tab = await world.openTab(await context())
    const result = await tab.h.evaluate(async (h) => {
      const syncValues = <T>(stream: { subscribe(next: (value: T) => void): { unsubscribe(): void } }): T[] => {
        const values: T[] = []
        stream.subscribe((value) => values.push(value)).unsubscribe()
        return values
      }
      const auth = h.lib.createAuthClient({ url: h.config.url, apiKey: h.config.apiKey })
      const atStart = {
        states: syncValues(auth.state$).map((state) => state.status),
        sessions: syncValues(auth.session$),
        users: syncValues(auth.user$),
      }
      await auth.ready
      const afterReady = syncValues(auth.state$).map((state) => state.status)
      auth.dispose()
      return { atStart, afterReady }
    })

    expect(result.atStart.states).toEqual(['initializing'])
    expect(result.atStart.sessions).toEqual([null])
    expect(result.atStart.users).toEqual([null])
    expect(result.afterReady).toEqual(['signedOut'])
  })
})
