/**
 * Counterexamples the stored-value properties (`test/property/stored-values.test.ts`) shrank to, kept as
 * plain cases with the stored value literally.
 */
import { describe, expect, it } from 'vitest'
import { createAuthClient, memoryStorage } from '../../src/index.js'
import { fakeSession } from '../support/fake-session.js'

describe('stored sessions with one field broken', () => {
  it('a stored session whose user.factors is [null] restores signed in, with the chart running', async () => {
    const session = fakeSession()
    const stored = { ...session, user: { ...session.user, factors: [null] } }
    const auth = createAuthClient({ url: 'http://127.0.0.1:9', apiKey: 'anon', storage: memoryStorage({ k: JSON.stringify(stored) }), storageKey: 'k', autoRefreshToken: false })
    await auth.ready
    expect(auth.actor.getSnapshot().status).toBe('active')
    expect(auth.snapshot.status).toBe('authenticated')
    auth.dispose()
  })

  it('a stored session whose user.factors is 0 restores signed in, with the chart running', async () => {
    const session = fakeSession()
    const stored = { ...session, user: { ...session.user, factors: 0 } }
    const auth = createAuthClient({ url: 'http://127.0.0.1:9', apiKey: 'anon', storage: memoryStorage({ k: JSON.stringify(stored) }), storageKey: 'k', autoRefreshToken: false })
    await auth.ready
    expect(auth.actor.getSnapshot().status).toBe('active')
    expect(auth.snapshot.aal).toBe('aal1')
    auth.dispose()
  })
})
