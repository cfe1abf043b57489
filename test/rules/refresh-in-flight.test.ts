/**
 * A valid token is never held up by a refresh (issue 13 §1): with a refresh request hanging, the current
 * access token is handed out at once while it stays valid for `USABLE_DURING_REFRESH_MS` more; only a token
 * about to expire waits for the refresh. The refresh is parked in the client's `fetch` (it never reaches
 * the server until released), and time is the client's injected clock: nothing here depends on wall time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from 'xstate'
import { USABLE_DURING_REFRESH_MS } from '../../machines/refresh-policy.js'
import { memoryStorage, type AuthClient } from '../../src/index.js'
import { getClaims } from '../../src/jwt/index.js'
import { GatedFetch } from '../support/gated-fetch.js'
import { ManualClock } from '../support/manual-clock.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

const LIFETIME_MS = 3600_000
const isRefresh = (r: { path: string; grantType?: string }) => r.path === '/token' && r.grantType === 'refresh_token'

/** A signed-in client whose next refresh request will hang until released; its clock starts at sign-in. */
async function withHangingRefresh(): Promise<{ auth: AuthClient; clock: ManualClock; gate: GatedFetch; hold: ReturnType<GatedFetch['holdNext']> }> {
  const email = uniqueEmail('in-flight')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const clock = new ManualClock()
  const gate = new GatedFetch()
  const auth = target.client({ storage: memoryStorage(), clock, fetch: gate.fetch })
  await auth.signInWithPassword({ email, password: PASSWORD })
  const hold = gate.holdNext('refresh', isRefresh)
  return { auth, clock, gate, hold }
}

/** Whether `promise` has settled after the queue of pending jobs and timers ran once. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setTimeout(resolve, 0))
  return settled
}

describe('a valid token is never delayed by a refresh', () => {
  it('with the refresh hanging and 80 s left, getSession, getUser and getClaims answer with the current token', async () => {
    const { auth, clock, hold } = await withHangingRefresh()
    const before = auth.snapshot.session!
    clock.advanceBy(LIFETIME_MS - 80_000) // 80 s left: inside the 90 s margin, so the refresh starts and hangs
    await hold.arrived
    expect(auth.snapshot.status).toBe('refreshing')

    const { session } = await auth.getSession()
    expect(session?.access_token).toBe(before.access_token)
    // Calls that need the token go out with it at once (getUser reaches the server while the refresh hangs).
    const { user } = await auth.getUser()
    expect(user.id).toBe(before.user.id)
    const { claims } = await getClaims(auth)
    expect(claims.sub).toBe(before.user.id)
    expect(hold.settled).toBe(false)
    expect(auth.snapshot.status).toBe('refreshing')

    hold.release()
    await waitFor(auth.actor, () => auth.snapshot.status === 'authenticated', { timeout: 5000 })
    expect(auth.snapshot.session?.refresh_token).not.toBe(before.refresh_token)
    auth.dispose()
  })

  it(`within ${USABLE_DURING_REFRESH_MS / 1000} s of expiry, callers wait for the refresh and get the new token`, async () => {
    const { auth, clock, hold } = await withHangingRefresh()
    const before = auth.snapshot.session!
    clock.advanceBy(LIFETIME_MS - 80_000)
    await hold.arrived
    clock.advanceBy(80_000 - USABLE_DURING_REFRESH_MS + 1_000) // 9 s left: too close to hand out
    const pending = auth.getSession()
    expect(await settledYet(pending)).toBe(false)

    hold.release()
    const { session } = await pending
    // The refreshed session (its access token may be byte-identical when minted in the same second).
    expect(session?.refresh_token).not.toBe(before.refresh_token)
    expect(session!.expires_at * 1000).toBeGreaterThan(clock.now() + USABLE_DURING_REFRESH_MS)
    auth.dispose()
  })

  it('the bound is the token’s own expiry: at exactly the bound the caller waits, a second earlier it does not', async () => {
    const { auth, clock, hold } = await withHangingRefresh()
    const expiresAtMs = auth.snapshot.session!.expires_at * 1000
    clock.advanceBy(LIFETIME_MS - 80_000)
    await hold.arrived
    clock.advanceTo(expiresAtMs - USABLE_DURING_REFRESH_MS - 1_000)
    expect(await settledYet(auth.getSession())).toBe(true)
    clock.advanceTo(expiresAtMs - USABLE_DURING_REFRESH_MS)
    const waiting = auth.getSession()
    expect(await settledYet(waiting)).toBe(false)
    hold.release()
    await waiting
    auth.dispose()
  })
})
