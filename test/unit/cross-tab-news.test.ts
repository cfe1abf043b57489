/**
 * Cross-tab news is weighed, not taken blindly: a sign-out names the session it ended, news
 * of a session this client saw end is dropped, and of two rotations of one sign-in the later tokens and the
 * later user win. Pinned on the bare chart (fake actors, as lifecycle-machine.test.ts runs it), on the wire
 * and coordinator, on the refresher, and once through two clients sharing a storage.
 *
 * Assertions compare identities, labels and booleans where a token would otherwise show in a diff.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createActor, fromPromise, toPromise, waitFor, type Actor } from 'xstate'
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type {
  LifecycleContext,
  LifecycleEmitted,
  LifecycleIo,
  LifecycleSettings,
  RefreshInput,
  RefreshOutput,
  RestoreOutput,
  SignInOutput,
  SignOutOutput,
} from '../../machines/lifecycle-types.js'
import { statusOf } from '../../machines/status.js'
import { lifecycleActions, lifecycleActors } from '../../src/client/actors.js'
import { createCoordinator, type Coordinator, type SessionMessage } from '../../src/coordination/index.js'
import { parseBroadcast } from '../../src/coordination/wire.js'
import { AuthApiError } from '../../src/errors.js'
import { createHttp } from '../../src/http/index.js'
import { createAuthClient, type AuthClient } from '../../src/index.js'
import { systemClock } from '../../src/runtime/timers.js'
import { createSessionStore, memoryStorage, type SessionStore } from '../../src/storage/index.js'
import type { Session } from '../../src/types.js'
import { unusedIo } from '../support/chart-io.js'
import { fakeRotation as rotation, fakeSession } from '../support/fake-session.js'

const NOW = Math.floor(Date.now() / 1000)
const EARLIER = '2026-01-01T00:00:00Z'
const LATER = '2026-01-02T00:00:00Z'

/** Which of two sessions the tokens of `result` came from (compared, never printed). */
function tokensOf(result: Session | null, labelled: Record<string, Session>): string {
  if (result === null) return 'none'
  for (const [label, s] of Object.entries(labelled)) {
    if (s.access_token === result.access_token && s.refresh_token === result.refresh_token && s.expires_at === result.expires_at) return label
  }
  return 'neither'
}

// ---- the bare chart ----

interface Fakes {
  restore?: () => Promise<RestoreOutput>
  signIn?: () => Promise<SignInOutput>
  refresh?: () => Promise<RefreshOutput>
}

const running: Array<Actor<typeof lifecycleMachine>> = []
afterEach(() => {
  for (const actor of running.splice(0)) actor.stop()
})

function start(fakes: Fakes) {
  const reconcileStorage = vi.fn()
  const machine = lifecycleMachine.provide({
    actors: {
      restoreSession: fromPromise(fakes.restore ?? (async () => ({ session: null }))),
      signIn: fromPromise(fakes.signIn ?? (async () => ({ session: fakeSession(), user: fakeSession().user, event: 'SIGNED_IN' as const }))),
      refreshSession: fromPromise(fakes.refresh ?? (async () => ({ outcome: 'refreshed' as const, session: fakeSession() }))),
      signOut: fromPromise(async (): Promise<SignOutOutput> => ({ error: null })),
    },
    actions: { forgetStoredSession: () => {}, reconcileStorage },
  })
  const actor = createActor(machine, { input: { io: unusedIo(), settings: { autoRefreshToken: true }, random: () => 0.5 } })
  running.push(actor)
  const emitted: LifecycleEmitted[] = []
  actor.on('*', (event) => emitted.push(event as LifecycleEmitted))
  actor.start()
  return { actor, emitted, reconcileStorage }
}

type Running = Actor<typeof lifecycleMachine>
const status = (actor: Running) => statusOf(actor.getSnapshot().value)
const settle = (actor: Running, expected: string) => waitFor(actor, (snapshot) => statusOf(snapshot.value) === expected, { timeout: 2000 })
const authEvents = (emitted: LifecycleEmitted[]) => emitted.filter((e): e is Extract<LifecycleEmitted, { type: 'authEvent' }> => e.type === 'authEvent')
const sessionInHand = (actor: Running) => actor.getSnapshot().context.session

/** A client signed in with a session of sign-in `sA`. */
async function signedInAs(session = rotation('sA', NOW + 3600, 'rA1')) {
  const started = start({ restore: async () => ({ session }) })
  await settle(started.actor, 'authenticated')
  return { ...started, session }
}

describe('a sign-out heard from another client', () => {
  it('naming another session leaves an authenticated client authenticated and emits nothing', async () => {
    const { actor, emitted, session, reconcileStorage } = await signedInAs()
    const before = emitted.length
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: 'sOther' })
    expect(status(actor)).toBe('authenticated')
    expect(sessionInHand(actor)).toBe(session)
    expect(emitted.length).toBe(before)
    expect(reconcileStorage).not.toHaveBeenCalled()
  })

  it('naming the session in hand signs it out', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: 'sA' })
    expect(status(actor)).toBe('signedOut')
    expect(sessionInHand(actor)).toBeNull()
    expect(authEvents(emitted).map((e) => [e.event, e.origin])).toEqual([['SIGNED_OUT', 'remote']])
  })

  it('without `ended` (an auth-js tab) signs the session in hand out', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
    expect(status(actor)).toBe('signedOut')
    expect(authEvents(emitted).map((e) => e.event)).toEqual(['SIGNED_OUT'])
  })

  describe('while a sign-in is in flight with a session in hand', () => {
    async function signingInWith() {
      const session = rotation('sA', NOW + 3600, 'rA1')
      const started = start({ restore: async () => ({ session }), signIn: () => new Promise<SignInOutput>(() => {}) })
      await settle(started.actor, 'authenticated')
      started.actor.send({ type: 'SIGN_IN', operation: { kind: 'password', params: { email: 'ada@example.com', password: 'correct horse' } } })
      expect(status(started.actor)).toBe('signingIn')
      return { ...started, session }
    }

    it('one naming another session keeps the session in hand and emits nothing', async () => {
      const { actor, emitted, session } = await signingInWith()
      const before = emitted.length
      actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: 'sOther' })
      expect(status(actor)).toBe('signingIn')
      expect(sessionInHand(actor)).toBe(session)
      expect(emitted.length).toBe(before)
    })

    it('one naming the session in hand ends it (the sign-in goes on)', async () => {
      const { actor, emitted } = await signingInWith()
      actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: 'sA' })
      expect(status(actor)).toBe('signingIn')
      expect(sessionInHand(actor)).toBeNull()
      expect(authEvents(emitted).map((e) => [e.event, e.origin])).toEqual([['SIGNED_OUT', 'remote']])
    })

    it('one without `ended` ends it', async () => {
      const { actor, emitted } = await signingInWith()
      actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
      expect(sessionInHand(actor)).toBeNull()
      expect(authEvents(emitted).map((e) => e.event)).toEqual(['SIGNED_OUT'])
    })
  })
})

describe('news of a session this client saw end', () => {
  const lateRotation = () => rotation('sA', NOW + 7200, 'rA2')

  async function afterOwnSignOut() {
    const started = await signedInAs()
    started.actor.send({ type: 'SIGN_OUT', scope: 'local' })
    await waitFor(started.actor, (s) => s.matches('signedOut'), { timeout: 2000 })
    return started
  }

  it('after signing out here, a rotation of the ended session is ignored: stays signedOut, emits nothing', async () => {
    const { actor, emitted, reconcileStorage } = await afterOwnSignOut()
    const before = emitted.length
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: lateRotation() })
    expect(status(actor)).toBe('signedOut')
    expect(sessionInHand(actor)).toBeNull()
    expect(emitted.length).toBe(before)
    expect(reconcileStorage).not.toHaveBeenCalled()
  })

  it('after hearing a sign-out of it, a rotation of the ended session is ignored', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: 'sA' })
    const before = emitted.length
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'USER_UPDATED', session: lateRotation() })
    expect(status(actor)).toBe('signedOut')
    expect(emitted.length).toBe(before)
  })

  it('after an auth-js tab\'s sign-out (no `ended`), a rotation of the ended session is ignored too', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
    const before = emitted.length
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: lateRotation() })
    expect(status(actor)).toBe('signedOut')
    expect(emitted.length).toBe(before)
  })

  it('a new sign-in (another session id) is still adopted after the sign-out', async () => {
    const { actor, emitted } = await afterOwnSignOut()
    const other = rotation('sB', NOW + 3600, 'rB1')
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: other })
    expect(status(actor)).toBe('authenticated')
    expect(sessionInHand(actor)).toBe(other)
    expect(authEvents(emitted).at(-1)).toMatchObject({ event: 'SIGNED_IN', origin: 'remote' })
  })

  it('a client that never had a session adopts another client\'s sign-in', async () => {
    const { actor } = start({})
    await settle(actor, 'signedOut')
    const other = rotation('sB', NOW + 3600, 'rB1')
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: other })
    expect(sessionInHand(actor)).toBe(other)
  })

  // Found writing these tests: with no session ended yet, `bringsNews` compared `undefined` (the id of a token
  // without a decodable `session_id`) with `undefined` (no ended session) and refused such a sign-in.
  it('a client that never had a session adopts another client\'s sign-in whose token has no session id', async () => {
    const { actor } = start({})
    await settle(actor, 'signedOut')
    const other: Session = { ...rotation('sB', NOW + 3600, 'rB1'), access_token: 'not-a-jwt' }
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: other })
    expect(status(actor)).toBe('authenticated')
  })
})

describe('two rotations of one sign-in', () => {
  it('a stale USER_UPDATED keeps the tokens in hand, takes the newer user, announces the merge and keeps storage current', async () => {
    const inHand = rotation('sA', NOW + 3600, 'rA2', EARLIER)
    const { actor, emitted, reconcileStorage } = await signedInAs(inHand)
    const heard = rotation('sA', NOW + 1800, 'rA1', LATER)
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'USER_UPDATED', session: heard })
    expect(status(actor)).toBe('authenticated')
    const merged = sessionInHand(actor)
    expect(tokensOf(merged, { inHand, heard })).toBe('inHand')
    expect(merged?.user).toBe(heard.user)
    const last = authEvents(emitted).at(-1)
    expect(last).toMatchObject({ event: 'USER_UPDATED', origin: 'remote' })
    expect(last?.session).toBe(merged)
    expect(reconcileStorage).toHaveBeenCalledTimes(1)
    expect(reconcileStorage.mock.calls[0]?.[1]?.heard).toBe(heard)
  })

  it('newer announced tokens with an older user: the announced tokens with the user in hand', async () => {
    const inHand = rotation('sA', NOW + 1800, 'rA1', LATER)
    const { actor } = await signedInAs(inHand)
    const heard = rotation('sA', NOW + 3600, 'rA2', EARLIER)
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: heard })
    const merged = sessionInHand(actor)
    expect(tokensOf(merged, { inHand, heard })).toBe('heard')
    expect(merged?.user).toBe(inHand.user)
  })

  it('a stale TOKEN_REFRESHED (earlier expiry, equally old user) changes nothing and emits nothing', async () => {
    const inHand = rotation('sA', NOW + 3600, 'rA2', EARLIER)
    const { actor, emitted, reconcileStorage } = await signedInAs(inHand)
    const before = emitted.length
    const heard = rotation('sA', NOW + 1800, 'rA1', EARLIER)
    const news = { type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: heard } as const
    expect(actor.getSnapshot().can(news)).toBe(false)
    actor.send(news)
    expect(sessionInHand(actor)).toBe(inHand)
    expect(emitted.length).toBe(before)
    expect(reconcileStorage).not.toHaveBeenCalled()
  })

  it('a stale TOKEN_REFRESHED with an older user changes nothing either', async () => {
    const inHand = rotation('sA', NOW + 3600, 'rA2', LATER)
    const { actor, emitted } = await signedInAs(inHand)
    const before = emitted.length
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: rotation('sA', NOW + 1800, 'rA1', EARLIER) })
    expect(sessionInHand(actor)).toBe(inHand)
    expect(emitted.length).toBe(before)
  })

  describe('equal expiry after a refresh that replaced R1 by R2', () => {
    const EXPIRY = NOW + 3600

    async function refreshedOnce() {
      const first = rotation('sA', NOW + 10, 'R1') // inside the refresh margin: refreshed at once
      const second = rotation('sA', EXPIRY, 'R2')
      const started = start({ restore: async () => ({ session: first }), refresh: async () => ({ outcome: 'refreshed', session: second }) })
      await settle(started.actor, 'authenticated')
      expect(sessionInHand(started.actor)).toBe(second)
      return { ...started, second }
    }

    it('news still carrying R1 (same session id, same expiry) does not roll the session back', async () => {
      const { actor, emitted, second } = await refreshedOnce()
      const before = emitted.length
      actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: rotation('sA', EXPIRY, 'R1') })
      expect(sessionInHand(actor)).toBe(second)
      expect(emitted.length).toBe(before)
    })

    it('news carrying an unknown R3 with the same expiry is taken', async () => {
      const { actor } = await refreshedOnce()
      const third = rotation('sA', EXPIRY, 'R3')
      actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'TOKEN_REFRESHED', session: third })
      expect(sessionInHand(actor)).toBe(third)
    })
  })
})

describe('a sign-out announcement names the session that ended', () => {
  it('a local SIGN_OUT emits SIGNED_OUT with `ended` = the session id of the session in hand', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SIGN_OUT', scope: 'local' })
    await waitFor(actor, (s) => s.matches('signedOut'), { timeout: 2000 })
    expect(authEvents(emitted)).toEqual([expect.objectContaining({ event: 'SIGNED_OUT', origin: 'local', session: null, ended: 'sA' })])
  })

  it('a revocation learned here names the revoked session too', async () => {
    const { actor, emitted, session } = await signedInAs()
    actor.send({ type: 'SESSION_REVOKED', error: new AuthApiError('gone', 403, 'session_not_found'), token: session.access_token })
    expect(authEvents(emitted)).toEqual([expect.objectContaining({ event: 'SIGNED_OUT', origin: 'local', ended: 'sA' })])
  })

  it('announcements that carry a session carry no `ended`', async () => {
    const { actor, emitted } = await signedInAs()
    actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: 'SIGNED_IN', session: rotation('sB', NOW + 3600, 'rB1') })
    expect(authEvents(emitted).at(-1)?.ended).toBeUndefined()
  })
})

// ---- the wire and the coordinator ----

describe('the `ended` field on the wire', () => {
  const signOut = { type: 'session', event: 'SIGNED_OUT', session: null, from: 'tab-1' }

  it('parseBroadcast keeps a string `ended`', () => {
    expect(parseBroadcast({ ...signOut, ended: 'sA' })?.message.ended).toBe('sA')
  })

  it('parseBroadcast drops a non-string `ended` and keeps the message', () => {
    for (const ended of [42, null, { id: 'sA' }, ['sA'], true]) {
      const parsed = parseBroadcast({ ...signOut, ended })
      expect(parsed?.message.event).toBe('SIGNED_OUT')
      expect(parsed?.message.ended).toBeUndefined()
    }
  })

  it('parseBroadcast of an auth-js message (no `ended`) has none', () => {
    expect(parseBroadcast({ event: 'SIGNED_OUT', session: null })?.message.ended).toBeUndefined()
  })

  it('a SIGNED_OUT published with `ended` reaches another coordinator on the same storage and key with `ended` intact', async () => {
    const storage = memoryStorage()
    const publisher = createCoordinator(storage, 'sb-wire-auth-token')
    const listener = createCoordinator(storage, 'sb-wire-auth-token')
    try {
      const heard: SessionMessage[] = []
      listener.subscribe((message) => heard.push(message))
      publisher.publish({ type: 'session', event: 'SIGNED_OUT', session: null, ended: 'sA' })
      await vi.waitFor(() => expect(heard).toHaveLength(1))
      expect(heard[0]).toMatchObject({ event: 'SIGNED_OUT', session: null, ended: 'sA', from: publisher.id })
    } finally {
      publisher.close()
      listener.close()
    }
  })
})

// ---- the refresher ----

const SETTINGS: LifecycleSettings = { autoRefreshToken: true, refreshMarginMs: 90_000, maxTimerMs: 60_000, lockTimeoutMs: 10_000 }

/** A store whose reads answer `answers` in turn (the last one from then on); writes are recorded. */
function scriptedStore(...answers: Array<Awaited<ReturnType<SessionStore['read']>>>) {
  let reads = 0
  const write = vi.fn(async (_session: Session) => {})
  const store: SessionStore = {
    key: 'sb-refresher-auth-token',
    degraded: answers.some((a) => a.problem === 'unavailable'),
    read: vi.fn(async () => answers[Math.min(reads++, answers.length - 1)] ?? { session: null }),
    write,
    remove: async () => {},
    readSide: async () => null,
    writeSide: async () => {},
    removeSide: async () => {},
    onDegraded: () => () => {},
  }
  return { store, write }
}

function coordinatorStub(lastHeard?: SessionMessage) {
  const publish = vi.fn()
  const coordinator: Coordinator = {
    id: 'stub',
    lastHeard,
    crossContext: false,
    listenerErrors: 0,
    withLock: (fn) => fn({ acquired: true }),
    publish,
    subscribe: () => () => {},
    close: () => {},
  }
  return { coordinator, publish }
}

/** A fetch that answers every token request with a fresh session of sign-in `sA`, recording the refresh tokens sent. */
function tokenServer() {
  const fresh = rotation('sA', NOW + 3600, 'rA-new')
  const sent: string[] = []
  const fetch = vi.fn(async (_input: string | URL | Request, init?: RequestInit) => {
    sent.push((JSON.parse(String(init?.body)) as { refresh_token: string }).refresh_token)
    const body = { access_token: fresh.access_token, token_type: 'bearer', expires_in: 3600, refresh_token: fresh.refresh_token, user: fresh.user }
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  })
  return { fetch, sent, fresh }
}

async function runRefresher(session: Session, store: SessionStore, server: ReturnType<typeof tokenServer>, lastHeard?: SessionMessage) {
  const { coordinator, publish } = coordinatorStub(lastHeard)
  const io: LifecycleIo = { transport: createHttp({ url: 'http://auth.test/auth/v1', apiKey: 'anon', fetch: server.fetch }), store, coordinator, clock: systemClock }
  const input: RefreshInput = { io, settings: SETTINGS, session, force: false }
  const output = await toPromise(createActor(lifecycleActors.refreshSession, { input }).start())
  return { output, publish }
}

describe('the refresher and what storage says', () => {
  it('with an unreadable (degraded, empty) store refreshes the session in hand instead of answering signedOutElsewhere', async () => {
    const inHand = rotation('sA', NOW + 30, 'rA1')
    const server = tokenServer()
    const { store, write } = scriptedStore({ session: null, problem: 'unavailable' })
    const { output, publish } = await runRefresher(inHand, store, server)
    expect(output.outcome).toBe('refreshed')
    expect(server.sent.map((token) => token === inHand.refresh_token)).toEqual([true])
    expect(output.outcome !== 'signedOutElsewhere' && output.session.refresh_token === server.fresh.refresh_token).toBe(true)
    expect(write).toHaveBeenCalledTimes(1)
    expect(publish).toHaveBeenCalledWith(expect.objectContaining({ event: 'TOKEN_REFRESHED' }))
  })

  it('with a readable empty store still answers signedOutElsewhere, without a request', async () => {
    const server = tokenServer()
    const { store, write } = scriptedStore({ session: null })
    const { output } = await runRefresher(rotation('sA', NOW + 30, 'rA1'), store, server)
    expect(output).toEqual({ outcome: 'signedOutElsewhere' })
    expect(server.fetch).not.toHaveBeenCalled()
    expect(write).not.toHaveBeenCalled()
  })

  it('storage that after the request still holds the older value it held before is not "changed meanwhile"', async () => {
    // The session in hand is newer than storage (heard from its announcer, whose write has not landed).
    const older = rotation('sA', NOW + 20, 'rA1')
    const inHand = rotation('sA', NOW + 60, 'rA2')
    const server = tokenServer()
    const { store, write } = scriptedStore({ session: older })
    const heard: SessionMessage = { type: 'session', event: 'TOKEN_REFRESHED', session: inHand, from: 'other' }
    const { output } = await runRefresher(inHand, store, server, heard)
    expect(server.sent.map((token) => token === inHand.refresh_token)).toEqual([true])
    expect(output.outcome).toBe('refreshed')
    expect(output.outcome !== 'signedOutElsewhere' && output.session.refresh_token === server.fresh.refresh_token).toBe(true)
    expect(write).toHaveBeenCalledTimes(1)
  })

  it('storage that after the request holds a third session did change meanwhile: that session is adopted', async () => {
    const inHand = rotation('sA', NOW + 30, 'rA1')
    const other = rotation('sB', NOW + 3600, 'rB1')
    const server = tokenServer()
    const { store, write } = scriptedStore({ session: inHand }, { session: other })
    const { output } = await runRefresher(inHand, store, server)
    expect(output.outcome).toBe('adopted')
    expect(output.outcome !== 'signedOutElsewhere' && output.session).toBe(other)
    expect(write).not.toHaveBeenCalled()
  })

  it('storage emptied during the request by a readable store is a sign-out elsewhere', async () => {
    const inHand = rotation('sA', NOW + 30, 'rA1')
    const { store } = scriptedStore({ session: inHand }, { session: null })
    const { output } = await runRefresher(inHand, store, tokenServer())
    expect(output).toEqual({ outcome: 'signedOutElsewhere' })
  })

  it('storage unreadable after the request knows of no change: the answer is kept', async () => {
    const inHand = rotation('sA', NOW + 30, 'rA1')
    const { store } = scriptedStore({ session: inHand }, { session: null, problem: 'unavailable' })
    const { output } = await runRefresher(inHand, store, tokenServer())
    expect(output.outcome).toBe('refreshed')
  })
})

// ---- reconcileStorage, the client's action ----

describe('reconcileStorage', () => {
  function contextWith(session: Session | null, store: SessionStore, replacedToken: string | null = null): { context: LifecycleContext } {
    return { context: { session, io: { store }, replacedToken } as unknown as LifecycleContext }
  }
  const settleWrites = () => new Promise((r) => setTimeout(r, 10))

  it('writes the newest of storage and the session in hand when storage holds the same sign-in', async () => {
    const storage = memoryStorage()
    const store = createSessionStore(storage, 'sb-keep-auth-token')
    const heard = rotation('sA', NOW + 1800, 'rA1', LATER) // what the announcer stored
    const inHand = { ...rotation('sA', NOW + 3600, 'rA2', EARLIER), user: heard.user } // the merge the chart made
    await store.write(heard)
    lifecycleActions.reconcileStorage(contextWith(inHand, store), { heard })
    await vi.waitFor(async () => expect(tokensOf((await store.read()).session, { inHand, heard })).toBe('inHand'))
    expect((await store.read()).session?.user.updated_at).toBe(LATER)
  })

  it('leaves another sign-in made since in storage alone', async () => {
    const store = createSessionStore(memoryStorage(), 'sb-keep-auth-token')
    const heard = rotation('sA', NOW + 1800, 'rA1', LATER)
    const inHand = { ...rotation('sA', NOW + 3600, 'rA2', EARLIER), user: heard.user }
    const third = rotation('sC', NOW + 3600, 'rC1')
    await store.write(third)
    lifecycleActions.reconcileStorage(contextWith(inHand, store), { heard })
    await settleWrites()
    expect(tokensOf((await store.read()).session, { third, inHand })).toBe('third')
  })

  it('after taking another sign-in, replaces a write of ours that crossed it (the session this client replaced)', async () => {
    const store = createSessionStore(memoryStorage(), 'sb-keep-auth-token')
    const ours = rotation('sA', NOW + 3600, 'rA1', LATER) // a user update of ours, landed after their sign-in
    const heard = rotation('sB', NOW + 3600, 'rB1')
    await store.write(ours)
    lifecycleActions.reconcileStorage(contextWith(heard, store, 'rA1'), { heard })
    await vi.waitFor(async () => expect(tokensOf((await store.read()).session, { ours, heard })).toBe('heard'))
  })

  it('after another client’s sign-out, removes the ended session if a write of ours put it back', async () => {
    const store = createSessionStore(memoryStorage(), 'sb-keep-auth-token')
    await store.write(rotation('sA', NOW + 3600, 'rA1'))
    lifecycleActions.reconcileStorage(contextWith(null, store, 'rA1'), { heard: null })
    await vi.waitFor(async () => expect((await store.read()).session).toBeNull())
  })

  it('after another client’s sign-out, leaves a sign-in a third client made since', async () => {
    const store = createSessionStore(memoryStorage(), 'sb-keep-auth-token')
    const third = rotation('sC', NOW + 3600, 'rC1')
    await store.write(third)
    lifecycleActions.reconcileStorage(contextWith(null, store, 'rA1'), { heard: null })
    await settleWrites()
    expect(tokensOf((await store.read()).session, { third })).toBe('third')
  })
})

// ---- two clients sharing a storage ----

describe('two clients sharing a storage', () => {
  const KEY = 'sb-cross-tab-auth-token'
  const clients: AuthClient[] = []
  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose()
  })

  /** Answers a sign-out with 204; nothing else is asked for with autoRefreshToken off. */
  const fetch = vi.fn(async () => new Response(null, { status: 204 }))

  async function client(storage: ReturnType<typeof memoryStorage>, session: Session): Promise<AuthClient> {
    storage.setItem(KEY, JSON.stringify(session))
    const auth = createAuthClient({ url: 'http://auth.test/auth/v1', apiKey: 'anon', storage, storageKey: KEY, autoRefreshToken: false, fetch })
    clients.push(auth)
    await auth.ready
    return auth
  }

  it('a sign-out of one sign-in does not sign out a client that holds another', async () => {
    const storage = memoryStorage()
    const a = await client(storage, rotation('sA', NOW + 3600, 'rA1'))
    const b = await client(storage, rotation('sB', NOW + 3600, 'rB1'))
    await a.signOut({ scope: 'local' })
    await new Promise((r) => setTimeout(r, 20))
    expect(a.snapshot.status).toBe('signedOut')
    expect(b.snapshot.status).toBe('authenticated')
  })

  it('a sign-out of the sign-in a client holds signs it out', async () => {
    const storage = memoryStorage()
    const shared = rotation('sA', NOW + 3600, 'rA1')
    const a = await client(storage, shared)
    const b = await client(storage, shared)
    await a.signOut({ scope: 'local' })
    await vi.waitFor(() => expect(b.snapshot.status).toBe('signedOut'))
  })

  it('a stale user update announced by another client: this one keeps its tokens, takes the user, and storage gets both', async () => {
    const storage = memoryStorage()
    const inHand = rotation('sA', NOW + 3600, 'rA2', EARLIER)
    const a = await client(storage, inHand)
    // Another client, a rotation behind, updated the user, stored its session and announced it.
    const heard = rotation('sA', NOW + 1800, 'rA1', LATER)
    storage.setItem(KEY, JSON.stringify(heard))
    const announcer = createCoordinator(storage, KEY)
    try {
      announcer.publish({ type: 'session', event: 'USER_UPDATED', session: heard })
      await vi.waitFor(() => expect(a.snapshot.user?.updated_at).toBe(LATER))
      expect(tokensOf(a.snapshot.session, { inHand, heard })).toBe('inHand')
      const store = createSessionStore(storage, KEY)
      await vi.waitFor(async () => expect(tokensOf((await store.read()).session, { inHand, heard })).toBe('inHand'))
      expect((await store.read()).session?.user.updated_at).toBe(LATER)
    } finally {
      announcer.close()
    }
  })
})
