/**
 * `provideAuth` / `getAuthClient` under Svelte's server renderer, as a SvelteKit server runs them: every
 * request renders the root layout afresh, so each request gets its own client, which pages below find
 * through context and which is disposed when the render ends. Nothing is kept at module level: the second
 * request never sees the first one's user. Components are compiled by Svelte's compiler (`support/bundle.ts`).
 */
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient, AuthState } from '../../src/index.js'
import { loadSvelte } from './support/bundle.js'
import { fakeAuth, signedIn, signedOut, type FakeAuth } from './support/fake-auth.js'

interface ServerProbe {
  renderRequest(create: () => AuthClient): { body: string; provided: AuthClient[] }
  renderOrphan(): string
}

const PROBE = fileURLToPath(new URL('./fixtures/server-probe.js', import.meta.url))

let probe: ServerProbe
beforeAll(async () => {
  probe = await loadSvelte<ServerProbe>(PROBE, 'server')
})

describe('SvelteKit: one client per request on the server', () => {
  it('each render creates its own client, pages below find it through context, and it is disposed when the render ends', () => {
    const made: FakeAuth[] = []
    const create = (state: AuthState) => () => {
      const fake = fakeAuth(state)
      made.push(fake)
      return fake.client
    }
    const first = probe.renderRequest(create(signedIn('ada@example.com')))
    const second = probe.renderRequest(create(signedOut()))

    expect(made).toHaveLength(2)
    expect(made[0]!.client).not.toBe(made[1]!.client)
    // [what provideAuth returned, what getAuthClient() found in the page]
    expect(first.provided).toEqual([made[0]!.client, made[0]!.client])
    expect(second.provided).toEqual([made[1]!.client, made[1]!.client])
    expect(first.body).toContain('<p id="rune">authenticated ada@example.com</p>')
    expect(first.body).toContain('<p id="store">authenticated ada@example.com</p>')
    expect(second.body).toContain('<p id="rune">signedOut nobody</p>')
    expect(second.body).not.toContain('ada@example.com')
    expect(made.map((fake) => fake.disposed())).toEqual([true, true])
    expect(made.map((fake) => fake.live())).toEqual([0, 0])
  })

  it('getAuthClient() without a provider above says what is missing', () => {
    expect(() => probe.renderOrphan()).toThrow(/No auth client in the component context: call provideAuth/)
  })
})
