/**
 * `authStores(auth)` against Svelte's store contract, checked with Svelte's own helpers (`get`, `derived`)
 * rather than a re-implementation: `subscribe` calls back synchronously with the current value, returns a
 * function, and that function ends the subscription. Then with a real client and the local server.
 */
import { derived, get, type Readable } from 'svelte/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStorage } from '../../src/index.js'
import { authStores, type AuthStores } from '../../src/svelte/index.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'
import { busy, fakeAuth, signedIn, signedOut } from './support/fake-auth.js'

const NAMES = ['state', 'status', 'session', 'user'] as const

describe('the store contract', () => {
  it.each(NAMES)('%s: subscribe calls back synchronously, returns a function, and unsubscribing stops it', (name) => {
    const fake = fakeAuth(signedIn('ada@example.com'))
    const store = authStores(fake.client)[name]
    const seen: unknown[] = []
    const unsubscribe = store.subscribe((value) => seen.push(value))
    expect(seen).toHaveLength(1) // before subscribe returned
    expect(typeof unsubscribe).toBe('function')
    expect(fake.live()).toBe(1)
    unsubscribe()
    expect(fake.live()).toBe(0)
    fake.set(signedOut())
    expect(seen).toHaveLength(1)
  })

  it('each store is assignable to Svelte\'s Readable and get() reads the current value without staying subscribed', () => {
    const fake = fakeAuth(signedIn('ada@example.com'))
    const stores: { [K in keyof AuthStores]: Readable<unknown> } = authStores(fake.client)
    expect(get(stores.status)).toBe('authenticated')
    expect(get(authStores(fake.client).user)?.email).toBe('ada@example.com')
    expect(get(authStores(fake.client).session)?.user.email).toBe('ada@example.com')
    expect(get(authStores(fake.client).state).status).toBe('authenticated')
    expect(fake.live()).toBe(0)
  })

  it('status calls back only when the status changes, user and session only when they do', () => {
    const fake = fakeAuth(busy('initializing'))
    const { status, user } = authStores(fake.client)
    const statuses: string[] = []
    const users: Array<string | null> = []
    const stops = [status.subscribe((s) => statuses.push(s)), user.subscribe((u) => users.push(u?.email ?? null))]
    const ada = signedIn('ada@example.com')
    fake.set(signedOut())
    fake.set({ ...signedOut(), reason: 'expired' }) // a new state, the same status
    fake.set(busy('signingIn'))
    fake.set(ada)
    fake.set(busy('refreshing', ada.session))
    fake.set(ada)
    expect(statuses).toEqual(['initializing', 'signedOut', 'signingIn', 'authenticated', 'refreshing', 'authenticated'])
    expect(users).toEqual([null, 'ada@example.com'])
    for (const stop of stops) stop()
    expect(fake.live()).toBe(0)
  })

  it('derived() over the stores follows changes and releases its subscriptions', () => {
    const fake = fakeAuth(signedOut())
    const { status, user } = authStores(fake.client)
    const label = derived([status, user], ([s, u]) => (u ? `${s} as ${u.email}` : s))
    const seen: string[] = []
    const stop = label.subscribe((value) => seen.push(value))
    fake.set(signedIn('ada@example.com', 'mfaChallenge'))
    fake.set(signedIn('ada@example.com'))
    stop()
    expect(seen).toEqual(['signedOut', 'mfaChallenge', 'mfaChallenge as ada@example.com', 'authenticated as ada@example.com'])
    expect(fake.live()).toBe(0)
  })

  it('a subscriber that unsubscribes from inside its own callback is not called again', () => {
    const fake = fakeAuth(signedOut())
    const seen: string[] = []
    let stop: (() => void) | undefined
    stop = authStores(fake.client).status.subscribe((s) => {
      seen.push(s)
      if (s === 'authenticated') stop?.()
    })
    fake.set(signedIn('ada@example.com'))
    fake.set(signedOut())
    expect(seen).toEqual(['signedOut', 'authenticated'])
    expect(fake.live()).toBe(0)
  })
})

describe('with a real client and the local auth server', () => {
  let target: Target
  beforeAll(async () => {
    target = await openTarget()
  })
  afterAll(() => target.close())

  it('the stores follow a sign-in and a sign-out, and all subscriptions end', async () => {
    const auth = target.client({ storage: memoryStorage() })
    const { status, user } = authStores(auth)
    const statuses: string[] = []
    const emails: Array<string | null> = []
    const stops = [status.subscribe((s) => statuses.push(s)), user.subscribe((u) => emails.push(u?.email ?? null))]
    expect(statuses).toEqual(['initializing'])
    await auth.ready
    const email = uniqueEmail('svelte-store')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    await auth.signInWithPassword({ email, password: PASSWORD })
    expect(get(status)).toBe('authenticated')
    await auth.signOut()
    for (const stop of stops) stop()
    expect(statuses).toEqual(['initializing', 'signedOut', 'signingIn', 'authenticated', 'signingOut', 'signedOut'])
    expect(emails).toEqual([null, email, null])
    auth.dispose()
  })
})
