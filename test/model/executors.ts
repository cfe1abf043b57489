/**
 * How each model event is caused in the real client. Every executor does something a user, another
 * client or the server can do (a public method call, a second client on the same storage, an admin call,
 * a server fault, the clock moving), then waits for the chart to process exactly that event.
 *
 * In-flight statuses are held by parking the one call that would end them (see `Rig.flight`): the sign-in,
 * verify and logout requests at the client's `fetch`, the refresh at its first storage read (so the step
 * that ends it can still decide: let it refresh, let another process rotate or remove the tokens first,
 * add a server fault, or revoke the session). Leaving for a provider and starting at a callback URL are
 * caused in `redirect-executors.ts`.
 */
import { randomUUID } from 'node:crypto'
import { refreshDueAt } from '../../machines/refresh-policy.js'
import type { AuthStatus } from '../../machines/lifecycle-types.js'
import { totpCode } from '../../src/testing/index.js'
import { ControlledStorage, storageFailure } from '../support/controlled-storage.js'
import type { Hold } from '../support/hold.js'
import { afterDelayOf, isAfterEvent, statusOf, type ModelEvent } from './lifecycle-model.js'
import { ManualClock } from '../support/manual-clock.js'
import { landingExecutors, redirectExecutors, startAtLanding } from './redirect-executors.js'
import { STORAGE_KEY } from '../support/rig.js'
import { outcome, settleFlight, type Executor, type StepContext } from './step-context.js'
import { wrongTotpCode, type SignInKind } from '../support/users.js'
import { mfa } from '../../src/mfa/index.js'

export type { StepContext }

/** A client whose clock is behind by this much hands out sessions already inside the 90 s refresh margin. */
const DUE_OFFSET_MS = 3_540_000

function signInKindFor(next: ModelEvent | undefined): SignInKind | 'wrongPassword' | 'signUpUnconfirmed' {
  if (next?.type === 'xstate.error.actor.signIn') return 'wrongPassword'
  if (next?.type === 'xstate.done.actor.signIn') {
    const kind = next['kind']
    return kind === 'none' ? 'signUpUnconfirmed' : (kind as SignInKind)
  }
  return 'auth' // superseded, aborted, storage failure on its write, or the path ends here
}

/** Parks the refresh at its first storage read, when this step is going to start one (joining one starts none). */
function expectRefresh(c: StepContext): Hold | undefined {
  if (c.to !== 'refreshing' || c.from === 'refreshing') return undefined
  c.rig.flight = c.rig.storage.holdNext('getItem', 'refresh read')
  return c.rig.flight
}

/** Does the session stay stale until an `after.refreshCheck(tick)` that must not find the retry due? */
function tickWhileStale(c: StepContext): boolean {
  for (const step of c.steps.slice(c.index + 1)) {
    if (isAfterEvent(step.event)) return step.event['elapsed'] === 'tick'
    if (!step.state.context.stale || statusOf(step.state) === 'refreshing') return false
  }
  return false
}

/** Another client sharing the storage object (same refresh lock, same session bus). */
async function sameStorageClient(c: StepContext, behind = 0) {
  // Its sign-in waits only briefly for the lock: the client under test may hold it, parked mid-sign-in, and a
  // holder that does not finish cannot keep the others waiting past their lock timeout.
  const other = c.rig.helper({ storage: c.rig.storage, clock: new ManualClock(c.rig.clock.now() - behind), lockTimeoutMs: 50 })
  await other.ready
  return other
}

/** Another process sharing the storage data but not this process's lock or bus (a second view of the map). */
async function otherProcess(c: StepContext) {
  const other = c.rig.helper({ storage: new ControlledStorage(c.rig.backing), clock: new ManualClock(c.rig.clock.now()) })
  await other.ready
  return other
}

/** Makes the storage call the step's status has pending (or is about to make) fail. */
async function degradeDuring(c: StepContext): Promise<void> {
  const { rig } = c
  switch (c.from) {
    case 'initializing':
      // The restore read fails; the client degrades to memory, then finishes restoring (signedOut).
      rig.flight?.fail(storageFailure())
      return c.record()
    case 'signingIn':
      // The session write after the sign-in fails; the sign-in completes right after.
      rig.flight?.release()
      return c.record()
    case 'refreshing': {
      // The refresh's read fails; it carries on from the memory copy, and its request is parked.
      const request = rig.http.holdNext('refresh request')
      rig.flight?.fail(storageFailure())
      rig.flight = request
      return settleFlight(c, request)
    }
    default: {
      // A removal (sign-out, revocation) or a write (user update) left pending by the previous step.
      const pending = rig.deferred
      if (!pending) throw new Error(`no storage call pending in ${c.from}`)
      await rig.arrive(pending)
      rig.deferred = undefined
      pending.fail(storageFailure())
      return c.record()
    }
  }
}

const executors: Record<string, Executor> = {
  ...redirectExecutors,
  ...landingExecutors,

  'xstate.init': async (c) => {
    // An app opened at a callback URL starts otherwise (see landingExecutors).
    if (c.event['landing'] !== undefined) return startAtLanding(c)
    c.rig.flight = c.rig.storage.holdNext('getItem', 'restore read')
    c.rig.start()
    await settleFlight(c, c.rig.flight)
  },

  'xstate.done.actor.restore': async (c) => {
    const kind = c.event['kind'] as SignInKind | 'due' | 'none'
    if (kind !== 'none') {
      // A real session from the server, stored as auth-js v2 JSON under the key, by a client whose clock
      // is behind for `due` (so its expires_at is inside this client's refresh margin).
      const seeder = c.rig.helper({ clock: new ManualClock(c.rig.clock.now() - (kind === 'due' ? DUE_OFFSET_MS : 0)) })
      await (await c.rig.users.signInCall(seeder, kind === 'due' ? 'auth' : kind))()
      c.rig.backing.set(STORAGE_KEY, JSON.stringify(seeder.snapshot.session))
      c.rig.dropHelper(seeder)
    }
    const restore = c.rig.flight as Hold
    const refresh = expectRefresh(c)
    restore.release()
    await settleFlight(c, refresh)
  },

  'STORAGE_DEGRADED': async (c) => {
    const { rig } = c
    // A storage that keeps failing while the step runs: the client's store tries a failed call once more
    // before it gives up on the adapter, so a single failure would not degrade it.
    rig.storage.breakDown()
    try {
      await degradeDuring(c)
    } finally {
      rig.storage.repair()
    }
  },

  'SIGN_IN': async (c) => {
    const { rig } = c
    const next = outcome(c, ['xstate.done.actor.signIn', 'xstate.error.actor.signIn', 'SIGN_IN', 'REDIRECT', 'SIGN_OUT', 'STORAGE_DEGRADED'])
    const call = await rig.users.signInCall(rig.auth, signInKindFor(next))
    // The request in flight (if any) is aborted by the chart; its parked fetch rejects like fetch does.
    rig.flight = rig.http.holdNext('sign-in request')
    rig.track(call())
    await settleFlight(c, rig.flight)
  },

  'xstate.done.actor.signIn': async (c) => {
    c.rig.flight?.release()
    c.rig.flight = undefined
    await c.record()
  },

  'VERIFY_MFA': async (c) => {
    const { rig } = c
    const next = outcome(c, ['xstate.done.actor.verifyMfa', 'xstate.error.actor.verifyMfa', 'SIGN_IN', 'REDIRECT', 'SIGN_OUT', 'STORAGE_DEGRADED'])
    const fail = next?.type === 'xstate.error.actor.verifyMfa'
    const session = rig.requireSession()
    let params: { factorId: string; challengeId: string; code: string }
    if (session.user.is_anonymous) {
      // The server refuses factors for anonymous users; the chart still goes verifying, then back.
      params = { factorId: randomUUID(), challengeId: randomUUID(), code: '123456' }
    } else {
      const known = rig.users.get(session.user.id)
      if (!known) throw new Error('signed in as a user the path did not create')
      let factor = known.factor
      if (!factor) {
        const enrolled = await mfa(rig.auth).enroll({ factorType: 'totp', friendlyName: `model-${randomUUID()}` })
        if (enrolled.type !== 'totp') throw new Error('expected a TOTP factor')
        factor = { id: enrolled.id, secret: enrolled.totp.secret }
      }
      const challenge = await mfa(rig.auth).challenge({ factorId: factor.id })
      params = { factorId: factor.id, challengeId: challenge.id, code: fail ? wrongTotpCode(factor.secret) : totpCode(factor.secret) }
      rig.verifying = { userId: known.id, factor }
    }
    rig.flight = rig.http.holdNext('verify request')
    rig.track(mfa(rig.auth).verify(params))
    await settleFlight(c, rig.flight)
  },

  'xstate.done.actor.verifyMfa': async (c) => {
    const { rig } = c
    rig.flight?.release()
    rig.flight = undefined
    await c.record()
    if (rig.verifying) rig.users.noteFactor(rig.verifying.userId, rig.verifying.factor)
    rig.verifying = undefined
  },

  'REFRESH': async (c) => {
    // From a signed-in status this starts a refresh; during one (started by the timer, the restore, a
    // session adopted as due, or another refreshSession()) it joins it.
    const hold = expectRefresh(c)
    c.rig.track(c.rig.auth.refreshSession())
    await settleFlight(c, hold)
  },

  'xstate.done.actor.refresh': async (c) => {
    const { rig } = c
    const read = rig.flight as Hold
    const kind = c.event['outcome']
    if (kind === 'adopted') {
      // Another process rotates the tokens in the shared storage while this refresh waits to read it.
      const other = await otherProcess(c)
      await other.refreshSession()
      rig.dropHelper(other)
    } else if (kind === 'signedOutElsewhere') {
      const other = await otherProcess(c)
      await other.signOut({ scope: 'local' })
      rig.dropHelper(other)
    }
    rig.flight = undefined
    read.release()
    await c.record()
  },

  'xstate.error.actor.refresh': async (c) => {
    const { rig } = c
    const read = rig.flight as Hold
    rig.flight = undefined
    if (c.event['outcome'] === 'transient') {
      // A 503 retries in about a second; when the path next lets the timer tick without the retry coming
      // due, the server asks for a longer pause instead (429 with Retry-After, also transient).
      const action = tickWhileStale(c)
        ? { status: 429, body: { code: 'over_request_rate_limit', msg: 'Request rate limit reached' }, headers: { 'Retry-After': '120' } }
        : { status: 503, body: { code: 'unexpected_failure', msg: 'Service unavailable' } }
      rig.env.server.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action })
      read.release()
      return c.record()
    }
    // Terminal: the session is revoked on the server, so the refresh token is refused.
    await rig.env.admin.signOut(rig.requireSession().access_token, 'global')
    rig.deferred = rig.storage.holdNext('removeItem', 'removal after terminal refresh failure')
    read.release()
    await c.record()
    await rig.arrive(rig.deferred)
  },

  'SIGN_OUT': async (c) => {
    const { rig } = c
    const previous = rig.flight
    let logout: Hold | undefined = previous
    if (c.from !== 'signingOut') {
      logout = rig.session() ? rig.http.holdNext('logout request', (r) => r.path === '/logout') : undefined
      rig.deferred = rig.storage.holdNext('removeItem', 'sign-out removal')
    }
    rig.track(rig.auth.signOut())
    // Without a session the sign-out ends at once; a second sign-out can only meet it in flight when
    // both calls are made in the same tick (a double click), so the follow-up step's call is made here.
    if (!rig.session() && c.steps[c.index + 1]?.event.type === 'SIGN_OUT') rig.sameTickFollowUp(rig.auth.signOut(), 'SIGN_OUT')
    await c.record()
    // A refresh parked at its read was cancelled by the sign-out: let the read finish (it is discarded).
    if (c.from === 'refreshing') previous?.release()
    rig.flight = logout
    if (logout && c.from !== 'signingOut') await rig.arrive(logout)
    if (c.from !== 'signingOut' && rig.deferred) await rig.arrive(rig.deferred)
  },

  'xstate.done.actor.signOut': async (c) => {
    c.rig.flight?.release()
    c.rig.flight = undefined
    await c.record()
  },

  'USER_UPDATED': async (c) => {
    const { rig } = c
    rig.deferred = rig.storage.holdNext('setItem', 'write after user update')
    await rig.auth.updateUser({ data: { modelStep: c.index } })
    await c.record()
    await rig.arrive(rig.deferred)
  },

  'SESSION_REVOKED': async (c) => {
    const { rig } = c
    await rig.env.admin.signOut(rig.requireSession().access_token, 'global')
    rig.deferred = rig.storage.holdNext('removeItem', 'removal after revocation')
    rig.track(rig.auth.getUser())
    await c.record()
    await rig.arrive(rig.deferred)
  },

  'SESSION_CHANGED_ELSEWHERE': async (c) => {
    const { rig } = c
    const kind = c.event['kind'] as SignInKind | 'due'
    const other = await sameStorageClient(c, kind === 'due' ? DUE_OFFSET_MS : 0)
    const call = await rig.users.signInCall(other, kind === 'due' ? 'auth' : kind)
    const refresh = expectRefresh(c)
    await call()
    await settleFlight(c, refresh)
    rig.dropHelper(other)
  },

  'SIGNED_OUT_ELSEWHERE': async (c) => {
    const other = await sameStorageClient(c)
    await other.signOut({ scope: 'local' })
    await c.record()
    c.rig.dropHelper(other)
  },

  'xstate.after.refreshCheck': async (c) => {
    const { rig } = c
    const nextTimer = rig.clock.nextDueAt()
    if (nextTimer === undefined) throw new Error(`no refreshCheck timer pending in ${c.from}`)
    if (c.event['elapsed'] === 'tick') {
      rig.clock.advanceTo(nextTimer)
      return c.record()
    }
    const dueAt = refreshDueAt(rig.auth.actor.getSnapshot().context)
    if (dueAt === null) throw new Error('nothing to refresh')
    const hold = expectRefresh(c)
    rig.clock.advanceTo(Math.max(dueAt, nextTimer))
    await settleFlight(c, hold)
  },
}
executors['xstate.error.actor.signIn'] = executors['xstate.done.actor.signIn'] as Executor
executors['xstate.error.actor.verifyMfa'] = async (c) => {
  c.rig.flight?.release()
  c.rig.flight = undefined
  c.rig.verifying = undefined
  await c.record()
}

export function executorFor(event: ModelEvent): Executor {
  const executor = executors[isAfterEvent(event) ? `xstate.after.${afterDelayOf(event)}` : event.type]
  if (!executor) throw new Error(`no way to cause ${event.type} in the real client`)
  return executor
}

/** Steps whose executor must not let a parked fire-and-forget storage call finish first. */
export function keepsDeferred(event: ModelEvent): boolean {
  return event.type === 'STORAGE_DEGRADED' || event.type === 'xstate.done.actor.signOut'
}
