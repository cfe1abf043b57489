/**
 * The adapter in Svelte 5's client runtime: `useAuth(auth).current` and `fromStore(authStores(auth).…)`
 * read inside effects (as markup reads them), re-run on changes, and tear down cleanly: each subscription
 * opened is closed, and nothing throws (Svelte calls the value a store's `subscribe` returned; an RxJS
 * `Subscription` there is the "stop is not a function" of the issue). The fixture is compiled by Svelte's
 * compiler and bundled with the client runtime (`support/bundle.ts`).
 */
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient } from '../../src/index.js'
import type { ReactiveAuth } from '../../src/svelte/index.js'
import { loadSvelte } from './support/bundle.js'
import { busy, fakeAuth, signedIn, signedOut } from './support/fake-auth.js'

interface Observed<T> {
  seen: T[]
  destroy(): void
}

interface RunesProbe {
  flushSync(): void
  watchCurrent(client: AuthClient): Observed<string> & { auth: ReactiveAuth }
  watchUser(client: AuthClient): Observed<string | null>
  watchFromStore(client: AuthClient, name: 'state' | 'status' | 'session' | 'user'): Observed<string | null>
  watchDerived(client: AuthClient): Observed<string>
}

const PROBE = fileURLToPath(new URL('./fixtures/runes-probe.svelte.js', import.meta.url))
/** Svelte ends a `createSubscriber` subscription one microtask after the last effect reading it is destroyed. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

let probe: RunesProbe
beforeAll(async () => {
  probe = await loadSvelte<RunesProbe>(PROBE, 'browser')
})

describe('useAuth(auth): the reactive object', () => {
  it('.current is read in an effect, which re-runs on each change; one subscription for the effect, closed on destroy', async () => {
    const fake = fakeAuth(busy('initializing'))
    const { seen, destroy } = probe.watchCurrent(fake.client)
    expect(seen).toEqual(['initializing'])
    expect(fake.live()).toBe(1)
    fake.set(signedOut())
    probe.flushSync()
    fake.set(signedIn('ada@example.com'))
    probe.flushSync()
    expect(seen).toEqual(['initializing', 'signedOut', 'authenticated'])
    destroy()
    await settle()
    expect(fake.live()).toBe(0)
    fake.set(signedOut())
    probe.flushSync()
    expect(seen).toHaveLength(3)
  })

  it('outside any effect, .current and the shortcuts read the client\'s snapshot', () => {
    const fake = fakeAuth(signedIn('ada@example.com'))
    const { auth, destroy } = probe.watchCurrent(fake.client)
    destroy()
    fake.set(signedIn('grace@example.com', 'mfaChallenge'))
    expect(auth.current).toBe(fake.client.snapshot)
    expect(auth.status).toBe('mfaChallenge')
    expect(auth.user?.email).toBe('grace@example.com')
    expect(auth.session?.user.email).toBe('grace@example.com')
    expect(auth.client).toBe(fake.client)
  })

  it('.user and $derived values re-run only when what they read changes', async () => {
    const fake = fakeAuth(signedOut())
    const users = probe.watchUser(fake.client)
    const labels = probe.watchDerived(fake.client)
    const ada = signedIn('ada@example.com')
    for (const state of [busy('signingIn'), { ...ada, status: 'mfaChallenge' as const }, ada, signedOut()]) {
      fake.set(state)
      probe.flushSync()
    }
    expect(users.seen).toEqual([null, 'ada@example.com', null])
    expect(labels.seen).toEqual(['signedOut', 'signingIn', 'mfaChallenge:ada@example.com', 'authenticated:ada@example.com', 'signedOut'])
    users.destroy()
    labels.destroy()
    await settle()
    expect(fake.live()).toBe(0)
  })
})

describe('fromStore(authStores(auth).…) (svelte/store, Svelte 5)', () => {
  it.each(['state', 'status', 'session', 'user'] as const)('%s follows changes and tears down without error', async (name) => {
    const fake = fakeAuth(signedOut())
    const { seen, destroy } = probe.watchFromStore(fake.client, name)
    fake.set(signedIn('ada@example.com'))
    probe.flushSync()
    expect(seen).toEqual(name === 'state' || name === 'status' ? ['signedOut', 'authenticated'] : [null, 'ada@example.com'])
    expect(fake.live()).toBe(1)
    destroy()
    await settle() // the teardown runs here: a throw would fail the run as an unhandled error
    expect(fake.live()).toBe(0)
  })
})
