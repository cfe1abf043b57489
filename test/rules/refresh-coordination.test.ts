/**
 * Behaviour rule 1 (one refresher per storage key) and rule 4's race half (a sign-out during a refresh
 * wins), measured by counting requests at the local server.
 */
import { describe, expect, it } from 'vitest'
import { memoryStorage, type AuthClient, type Session, type SupportedStorage } from '../../src/index.js'
import { forEachRefreshAlgorithm } from '../support/refresh-algorithms.js'
import { PASSWORD, realGotrue, uniqueEmail, type Target } from '../support/target.js'
import { offsetClock } from '../support/offset-clock.js'

let target: Target

const STORAGE_KEY = 'sb-test-auth-token'
/** 59 minutes ahead: a one-hour token issued now is inside the 90 s refresh margin on these clients. */
const DUE = 59 * 60_000

async function signedInStorage(): Promise<{ storage: SupportedStorage; session: Session }> {
  const storage = memoryStorage()
  const seed = target.client({ storage, storageKey: STORAGE_KEY })
  const email = uniqueEmail('storm')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const { session } = await seed.signInWithPassword({ email, password: PASSWORD })
  seed.dispose()
  return { storage, session }
}

function clients(k: number, storage: SupportedStorage, autoRefreshToken: boolean): AuthClient[] {
  return Array.from({ length: k }, () => target.client({ storage, storageKey: STORAGE_KEY, clock: offsetClock(DUE), autoRefreshToken }))
}

forEachRefreshAlgorithm((opened) => (target = opened), () => {
  describe.skipIf(realGotrue)('one refresher per storage key', () => {
    it.each([1, 5, 20])('%i clients due at once make one /token call and end with the same tokens', async (k) => {
      const { storage, session } = await signedInStorage()
      const before = target.local!.requests.count({ path: '/token', grantType: 'refresh_token' })
      const all = clients(k, storage, true)
      const sessions = await Promise.all(all.map(async (auth) => (await auth.getSession()).session))
      const refreshes = target.local!.requests.count({ path: '/token', grantType: 'refresh_token' }) - before
      expect(refreshes).toBe(1)
      const tokens = new Set(sessions.map((s) => s?.refresh_token))
      expect(tokens.size).toBe(1)
      expect(tokens.has(session.refresh_token)).toBe(false)
      for (const auth of all) expect(auth.snapshot.status).toBe('authenticated')
      for (const auth of all) auth.dispose()
    })

    it('100 concurrent getSession() on each of 5 clients: one refresh, every call answered with a session', async () => {
      const { storage } = await signedInStorage()
      const before = target.local!.requests.count({ path: '/token', grantType: 'refresh_token' })
      const all = clients(5, storage, false)
      const results = await Promise.all(all.flatMap((auth) => Array.from({ length: 100 }, () => auth.getSession())))
      expect(target.local!.requests.count({ path: '/token', grantType: 'refresh_token' }) - before).toBe(1)
      expect(results.every((r) => r.session !== null)).toBe(true)
      expect(new Set(results.map((r) => r.session?.access_token)).size).toBe(1)
      for (const auth of all) auth.dispose()
    })

    it('a client that was refreshed elsewhere adopts the stored session instead of spending its own token', async () => {
      const { storage } = await signedInStorage()
      const [a, b] = clients(2, storage, false)
      await Promise.all([a!.ready, b!.ready])
      const before = target.local!.requests.count({ path: '/token', grantType: 'refresh_token' })
      const refreshed = (await a!.refreshSession()).session
      // b learns through the shared storage's message bus, without a request of its own.
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(b!.snapshot.session?.refresh_token).toBe(refreshed?.refresh_token)
      expect((await b!.getSession()).session?.refresh_token).toBe(refreshed?.refresh_token)
      expect(target.local!.requests.count({ path: '/token', grantType: 'refresh_token' }) - before).toBe(1)
      a!.dispose()
      b!.dispose()
    })
  })

  describe.skipIf(realGotrue)('an explicit refresh during a refresh in flight', () => {
    it('joins it: one /token call answers both', async () => {
      const { storage } = await signedInStorage()
      const removeFault = target.local!.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { delay: 150 } })
      const before = target.local!.requests.count({ path: '/token', grantType: 'refresh_token' })
      const [auth] = clients(1, storage, true) // due at once: restoring goes straight to refreshing
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(auth!.snapshot.status).toBe('refreshing')
      const { session } = await auth!.refreshSession()
      expect(session?.refresh_token).toBe(auth!.snapshot.session?.refresh_token)
      expect(target.local!.requests.count({ path: '/token', grantType: 'refresh_token' }) - before).toBe(1)
      removeFault()
      auth!.dispose()
    })
  })

  describe.skipIf(realGotrue)('a sign-out racing a refresh', () => {
    it('stays signed out: the late refresh result is neither applied nor stored', async () => {
      const { storage } = await signedInStorage()
      const auth = target.client({ storage, storageKey: STORAGE_KEY, autoRefreshToken: false })
      await auth.ready
      expect(auth.snapshot.status).toBe('authenticated')
      const removeFault = target.local!.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { delay: 200 } })
      const refresh = auth.refreshSession().then(
        () => 'resolved',
        (error: { code?: string }) => error.code,
      )
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(auth.snapshot.status).toBe('refreshing')
      const signOut = await auth.signOut({ scope: 'local' })
      expect(signOut.error).toBeNull()
      expect(await refresh).toBe('aborted')
      await new Promise((resolve) => setTimeout(resolve, 300)) // past the delayed /token answer
      expect(auth.snapshot.status).toBe('signedOut')
      expect(auth.snapshot.session).toBeNull()
      expect(await storage.getItem(STORAGE_KEY)).toBeNull()
      removeFault()
    })
  })
})
