/**
 * Behaviour rules 2 and 3: expiry judged from the local clock at the moment of use, transient refresh
 * failures keep the session and back off, terminal ones sign out once with a reason.
 */
import { describe, expect, it } from 'vitest'
import { waitFor } from 'xstate'
import { memoryStorage, type AuthChangeEvent, type AuthClient } from '../../src/index.js'
import { ManualClock } from '../support/manual-clock.js'
import { forEachRefreshAlgorithm } from '../support/refresh-algorithms.js'
import { PASSWORD, realGotrue, uniqueEmail, type Target } from '../support/target.js'

let target: Target

async function signedIn(clock: ManualClock): Promise<{ auth: AuthClient; events: AuthChangeEvent[]; email: string }> {
  const email = uniqueEmail('refresh')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const auth = target.client({ storage: memoryStorage(), clock })
  const events: AuthChangeEvent[] = []
  auth.onAuthStateChange((event) => events.push(event))
  await auth.signInWithPassword({ email, password: PASSWORD })
  return { auth, events, email }
}

const refreshes = () => target.local!.requests.count({ path: '/token', grantType: 'refresh_token' })
const settledOn = (auth: AuthClient, predicate: () => boolean) => waitFor(auth.actor, () => predicate(), { timeout: 5000 })

forEachRefreshAlgorithm((opened) => (target = opened), () => {
  describe('the refresh schedule runs on the injected clock', () => {
    it('refreshes 90 s before expiry, not earlier, without any real waiting', async () => {
      const clock = new ManualClock()
      const { auth, events } = await signedIn(clock)
      const first = auth.snapshot.session!.refresh_token
      clock.advanceBy(3600_000 - 120_000) // two minutes left: outside the margin
      expect(auth.snapshot.status).toBe('authenticated')
      expect(auth.snapshot.session!.refresh_token).toBe(first)
      clock.advanceBy(60_000) // one minute left: inside
      await settledOn(auth, () => auth.snapshot.status === 'authenticated' && auth.snapshot.session!.refresh_token !== first)
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(events).toContain('TOKEN_REFRESHED')
    })

    it('judges expiry when the session is used: a device that slept past expiry refreshes before answering', async () => {
      const clock = new ManualClock()
      const { auth } = await signedIn(clock)
      const before = auth.snapshot.session!
      // Time jumps without timers firing in between (a suspended tab): the read itself must notice.
      clock.advanceBy(2 * 3600_000)
      const { session } = await auth.getSession()
      expect(session?.refresh_token).not.toBe(before.refresh_token)
      expect(session!.expires_at * 1000).toBeGreaterThan(clock.now())
    })
  })

  describe.skipIf(realGotrue)('transient refresh failures', () => {
    it('keep the session, mark it stale, back off, and recover', async () => {
      const clock = new ManualClock()
      const { auth, events } = await signedIn(clock)
      const original = auth.snapshot.session!
      const removeFault = target.local!.faults.add({ path: '/token', grantType: 'refresh_token', times: 3, action: { status: 503, body: { code: 503, msg: 'unavailable' } } })
      const before = refreshes()
      clock.advanceBy(3600_000 - 60_000)
      await settledOn(auth, () => auth.snapshot.stale && auth.snapshot.status === 'authenticated')
      expect(auth.snapshot.session).toBe(original)
      expect(auth.snapshot.error?.name).toBe('AuthRetryableFetchError')
      const firstRetryAt = auth.snapshot.retryAt!
      expect(firstRetryAt).toBeGreaterThan(clock.now())
      // Each retry waits longer (exponential, jittered, capped): attempt 2 and 3 also fail.
      clock.advanceBy(firstRetryAt - clock.now())
      await settledOn(auth, () => refreshes() - before === 2 && auth.snapshot.status === 'authenticated')
      const secondWait = auth.snapshot.retryAt! - clock.now()
      clock.advanceBy(secondWait)
      await settledOn(auth, () => refreshes() - before === 3 && auth.snapshot.status === 'authenticated')
      const thirdWait = auth.snapshot.retryAt! - clock.now()
      expect(thirdWait).toBeGreaterThan(secondWait / 2)
      expect(thirdWait).toBeLessThanOrEqual(60_000)
      // The token is still served while unexpired.
      expect((await auth.getSession()).session?.access_token).toBe(original.access_token)
      clock.advanceBy(thirdWait)
      await settledOn(auth, () => !auth.snapshot.stale && auth.snapshot.session!.refresh_token !== original.refresh_token)
      expect(auth.snapshot.error).toBeNull()
      expect(events.filter((e) => e === 'SIGNED_OUT')).toHaveLength(0)
      removeFault()
    })

    it('a dropped connection after the server rotated is recovered by the reuse rules, not a logout', async () => {
      const clock = new ManualClock()
      const { auth } = await signedIn(clock)
      const original = auth.snapshot.session!
      target.local!.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { dropAfterCommit: true } })
      clock.advanceBy(3600_000 - 60_000)
      await settledOn(auth, () => auth.snapshot.stale)
      clock.advanceBy(auth.snapshot.retryAt! - clock.now())
      await settledOn(auth, () => !auth.snapshot.stale && auth.snapshot.status === 'authenticated')
      expect(auth.snapshot.session!.refresh_token).not.toBe(original.refresh_token)
    })

    it('a server answering garbage is transient too', async () => {
      const clock = new ManualClock()
      const { auth } = await signedIn(clock)
      target.local!.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { garbage: '<html>oops' } })
      clock.advanceBy(3600_000 - 60_000)
      await settledOn(auth, () => auth.snapshot.stale)
      expect(auth.snapshot.status).toBe('authenticated')
    })
  })

  describe('terminal refresh failures', () => {
    it('sign out once, with reason revoked, when the session was ended server-side', async () => {
      const clock = new ManualClock()
      const { auth, events } = await signedIn(clock)
      await target.admin.signOut(auth.snapshot.session!.access_token, 'global')
      clock.advanceBy(3600_000 - 60_000)
      await settledOn(auth, () => auth.snapshot.status === 'signedOut')
      await new Promise((resolve) => setTimeout(resolve, 0))
      const state = auth.snapshot
      expect(state.status === 'signedOut' && state.reason).toBe('revoked')
      expect(state.error?.code).toBe('refresh_token_not_found')
      clock.advanceBy(3600_000)
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(events.filter((e) => e === 'SIGNED_OUT')).toHaveLength(1)
    })
  })
})
