/**
 * The streams plug straight into frameworks: Svelte's store contract (subscribe calls back synchronously
 * with the current value) and what Angular's `toSignal(…, { requireSync: true })` asserts (a synchronous
 * first emission). Checked with Svelte's own store helpers, not a re-implementation of the contract.
 */
import { firstValueFrom } from 'rxjs'
import { derived, get, type Readable } from 'svelte/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStorage, type AuthState, type User } from '../../src/index.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'

/**
 * Svelte's runtime accepts any `subscribe` that calls back synchronously and returns an unsubscribe
 * function or an `{ unsubscribe }` object (RxJS's Subscription); its `Readable` type only names the
 * function form, hence the cast. What runs below is Svelte's own code.
 */
const asStore = <T>(observable: { subscribe: unknown }): Readable<T> => observable as unknown as Readable<T>

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(() => target.close())

describe('Svelte stores', () => {
  it('state$ works as a store: get() reads the current status, derived() follows changes', async () => {
    const auth = target.client({ storage: memoryStorage() })
    expect(get(asStore<AuthState>(auth.state$)).status).toBe('initializing')
    const email = derived(asStore<User | null>(auth.user$), (user) => user?.email ?? null)
    const seen: Array<string | null> = []
    const unsubscribe = email.subscribe((value) => seen.push(value))
    expect(seen).toEqual([null]) // synchronously, before any change
    await auth.ready
    const address = uniqueEmail('svelte')
    await target.admin.createUser({ email: address, password: PASSWORD, email_confirm: true })
    await auth.signInWithPassword({ email: address, password: PASSWORD })
    expect(get(asStore<AuthState>(auth.state$)).status).toBe('authenticated')
    expect(seen).toEqual([null, address])
    unsubscribe()
  })
})

describe('synchronous first value (Angular toSignal requireSync)', () => {
  it.each(['state$', 'session$', 'user$'] as const)('%s emits during subscribe', async (name) => {
    const auth = target.client({ storage: memoryStorage() })
    let emitted = false
    const stream: { subscribe(next: () => void): { unsubscribe(): void } } = auth[name]
    const subscription = stream.subscribe(() => (emitted = true))
    expect(emitted).toBe(true)
    subscription.unsubscribe()
    await firstValueFrom(auth.state$)
  })
})

describe('stable streams (templates read `auth.state$` on every change detection)', () => {
  it.each(['state$', 'session$', 'user$', 'events$'] as const)('%s is the same Observable on every read', (name) => {
    const auth = target.client({ storage: memoryStorage() })
    expect(auth[name]).toBe(auth[name])
  })
})
