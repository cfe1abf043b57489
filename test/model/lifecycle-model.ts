/**
 * The test model: a `TestModel` over the production `lifecycleMachine` itself (no copy, no `.provide`), with
 * the events the chart handles and payloads that reach every guard branch. Traversal never starts an actor:
 * `machine.transition` only creates the invoked children, and nothing runs them.
 */
import type { ActorLogic, SnapshotFrom } from 'xstate'
import { TestModel } from 'xstate/graph'
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthStatus, LifecycleInput } from '../../machines/lifecycle-types.js'
import { awaitsSecondFactor, isAnonymousSession } from '../../machines/session-facts.js'
import { AuthApiError, AuthRetryableFetchError, AuthSessionMissingError } from '../../src/errors.js'
import type { Session } from '../../src/types.js'
import { fakeSession } from '../support/fake-session.js'

export type ModelSnapshot = SnapshotFrom<typeof lifecycleMachine>
export type SessionKind = 'none' | 'anon' | 'mfa' | 'auth'
/** A session the model hands out: the kinds the guards tell apart, plus one inside the refresh margin. */
export type PayloadKind = Exclude<SessionKind, 'none'> | 'due'

/**
 * Model time. Every event happens at T0, except the delayed `refreshCheck` event in its `due` variant,
 * which stands for "the timer fired and enough time has passed": for that one transition the chart's clock
 * reads T0 + 10 h. `filterEvents` runs right before each `transition()` of the traversal, so it sets the
 * reading (see `createLifecycleModel`). Sessions expire relative to T0, so "fresh" and "due" are stable facts.
 */
export const T0 = Date.UTC(2030, 0, 1)
const LATE = T0 + 10 * 3_600_000
let modelNow = T0
const modelClock = { now: () => modelNow }

export const MODEL_INPUT: LifecycleInput = { autoRefreshToken: true, clock: modelClock, random: () => 0.5 }

const T0s = Math.floor(T0 / 1000)
const SESSIONS: Record<PayloadKind, Session> = {
  auth: fakeSession({ expiresAt: T0s + 3600, userId: '00000000-0000-4000-8000-00000000000a' }),
  anon: fakeSession({ expiresAt: T0s + 3600, anonymous: true, userId: '00000000-0000-4000-8000-00000000000b' }),
  mfa: fakeSession({ expiresAt: T0s + 3600, verifiedFactor: true, userId: '00000000-0000-4000-8000-00000000000c' }),
  due: fakeSession({ expiresAt: T0s + 30, userId: '00000000-0000-4000-8000-00000000000d' }),
}

export function sessionKind(session: Session | null): SessionKind {
  if (session === null) return 'none'
  if (isAnonymousSession(session)) return 'anon'
  return awaitsSecondFactor(session) ? 'mfa' : 'auth'
}

/** The same user and level with a new refresh token and expiry: what a refresh returns (aal1 stays aal1). */
function refreshed(session: Session): Session {
  return { ...session, refresh_token: `${session.refresh_token}.r`, expires_at: T0s + 3600 }
}

/** The same user at aal2 with a verified factor: what verifying a TOTP code returns. */
function upgraded(session: Session): Session {
  const kind = sessionKind(session)
  const base = fakeSession({ aal: 'aal2', verifiedFactor: true, anonymous: kind === 'anon', expiresAt: T0s + 3600, userId: session.user.id })
  return { ...base, user: { ...base.user, is_anonymous: session.user.is_anonymous ?? false } }
}

const SIGNED_IN = 'SIGNED_IN' as const
/** Every status (top-level state a user can see); `resolvingStatus` is transient and never one. */
export const ALL_STATUSES: readonly AuthStatus[] = [
  'initializing', 'signedOut', 'signingIn', 'anonymous', 'mfaChallenge', 'authenticated', 'refreshing', 'signingOut',
]
const SIGNED_IN_STATUSES = ['anonymous', 'mfaChallenge', 'authenticated'] as const

/**
 * Every event the chart handles, with payloads. Payloads that echo the current session (refresh, verify,
 * user update) are derived from it, so the model keeps the user's kind as the real server does.
 * Extra fields (`kind`, `outcome`, `elapsed`) are for the executor and the model clock; the chart ignores them.
 */
export function candidateEvents(snapshot: ModelSnapshot): ModelEvent[] {
  const current = snapshot.context.session
  const events: ModelEvent[] = [
    { type: 'xstate.done.actor.restore', kind: 'none', output: { session: null } },
    ...(['auth', 'anon', 'mfa', 'due'] as const).map((kind) => ({ type: 'xstate.done.actor.restore' as const, kind, output: { session: SESSIONS[kind] } })),
    { type: 'xstate.error.actor.restore', error: new Error('storage exploded') },
    { type: 'SIGN_IN', requestId: 'model', request: { method: 'password', params: {} } },
    ...(['auth', 'anon', 'mfa'] as const).map((kind) => ({
      type: 'xstate.done.actor.signIn' as const, kind, output: { session: SESSIONS[kind], data: {}, event: SIGNED_IN },
    })),
    { type: 'xstate.done.actor.signIn', kind: 'none', output: { session: null, data: {}, event: SIGNED_IN } },
    { type: 'xstate.error.actor.signIn', error: new AuthApiError('Invalid login credentials', 400, 'invalid_credentials') },
    { type: 'VERIFY_MFA', requestId: 'model', request: { factorId: 'f', challengeId: 'c', code: '000000' } },
    ...(current ? [{ type: 'xstate.done.actor.verifyMfa' as const, output: { session: upgraded(current), data: {} } }] : []),
    { type: 'xstate.error.actor.verifyMfa', error: new AuthApiError('Invalid TOTP code entered', 422, 'mfa_verification_failed') },
    { type: 'REFRESH', requestId: 'model', force: true },
    ...(current
      ? [
          { type: 'xstate.done.actor.refresh' as const, outcome: 'refreshed' as const, output: { outcome: 'refreshed' as const, session: refreshed(current) } },
          { type: 'xstate.done.actor.refresh' as const, outcome: 'adopted' as const, output: { outcome: 'adopted' as const, session: refreshed(current) } },
        ]
      : []),
    { type: 'xstate.done.actor.refresh', outcome: 'signedOutElsewhere', output: { outcome: 'signedOutElsewhere' } },
    { type: 'xstate.error.actor.refresh', outcome: 'transient', error: new AuthRetryableFetchError('Service unavailable', 503, 'server_error') },
    { type: 'xstate.error.actor.refresh', outcome: 'terminal', error: new AuthApiError('Invalid Refresh Token: Refresh Token Not Found', 400, 'refresh_token_not_found') },
    { type: 'SIGN_OUT', requestId: 'model', scope: 'global' },
    { type: 'xstate.done.actor.signOut', output: { error: null } },
    { type: 'xstate.error.actor.signOut', error: new Error('logout threw') },
    ...(current ? [{ type: 'USER_UPDATED' as const, user: { ...current.user, user_metadata: { ...current.user.user_metadata, model: true } } }] : []),
    ...(['auth', 'anon', 'mfa', 'due'] as const).map((kind) => ({
      type: 'SESSION_CHANGED_ELSEWHERE' as const, kind, event: SIGNED_IN, session: SESSIONS[kind],
    })),
    { type: 'SESSION_CHANGED_ELSEWHERE', kind: 'none', event: 'SIGNED_OUT', session: null },
    { type: 'SESSION_REVOKED', error: new AuthSessionMissingError('Session from session_id claim in JWT does not exist', 403, 'session_not_found') },
    { type: 'STORAGE_DEGRADED' },
    ...SIGNED_IN_STATUSES.flatMap((status) =>
      (['tick', 'due'] as const).map((elapsed) => ({ type: `xstate.after.refreshCheck.lifecycle.${status}` as const, elapsed })),
    ),
  ]
  return events
}

/** Loosely typed on purpose: done/error/after events are not in the chart's public event union. */
export type ModelEvent = { type: string } & Record<string, unknown>

export function isAfterEvent(event: { type: string }): boolean {
  return event.type.startsWith('xstate.after.refreshCheck.')
}

/** The public status, i.e. the top-level state (`resolvingStatus` is transient and never rests). */
export function statusOf(snapshot: ModelSnapshot): AuthStatus {
  const value = snapshot.value
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as AuthStatus
}

/** Whether the refresh in flight was forced (read from the invoked actor's input). */
export function refreshForced(snapshot: ModelSnapshot): boolean | undefined {
  const child = (snapshot.children as Record<string, { getSnapshot(): { input?: { force?: boolean } } } | undefined>)['refresh']
  return child?.getSnapshot().input?.force
}

/**
 * State identity for the traversal. The default serializes the whole context (sessions, errors, waiting
 * request ids, clock functions), which makes every payload a new state and the graph unbounded. What the
 * chart's guards read is only: the state value, which kind of session is held (none / anonymous / awaiting
 * a second factor / other — `hasSession`, `isAnonymous`, `awaitsSecondFactor`), whether a refresh keeps
 * failing (`stale`, which moves the due time to `retryAt`), and for `refreshing` whether it was forced (a
 * forced refresh never adopts another client's tokens; the real client depends on it). `isRefreshDue` is
 * a function of those and the model clock. Errors, reasons, `waiting` and storage health are not read by
 * any guard, so they are left out (a `STORAGE_DEGRADED` is therefore a self-loop, covered explicitly).
 */
export function serializeState(snapshot: ModelSnapshot): string {
  const { context } = snapshot
  const force = statusOf(snapshot) === 'refreshing' ? refreshForced(snapshot) : undefined
  return JSON.stringify({ v: snapshot.value, s: sessionKind(context.session), stale: context.stale, ...(force === undefined ? {} : { force }) })
}

/** Event variants the public client cannot cause (see `UNREACHABLE_VIA_CLIENT`); the traversal skips them. */
export type Reachability = (snapshot: ModelSnapshot, event: ModelEvent) => string | null

export interface ModelOptions {
  /** Returns a reason when the real client cannot produce `event` in `snapshot`; such edges are not traversed. */
  unreachable?: Reachability
}

/**
 * Builds the model. `filterEvents` does two jobs, both before the traversal's `transition()`: it keeps
 * only events the chart takes in that state (`snapshot.can`, guards included), and it sets the model clock
 * for the event about to be taken (see T0).
 */
export function createLifecycleModel(options: ModelOptions = {}) {
  // The production chart as it is; the cast only widens its event type to the model's (done/error/after
  // events are not in the chart's public event union).
  const logic = lifecycleMachine as unknown as ActorLogic<ModelSnapshot, ModelEvent, LifecycleInput>
  return new TestModel<ModelSnapshot, ModelEvent, LifecycleInput>(logic, {
    input: MODEL_INPUT,
    events: (snapshot) => candidateEvents(snapshot),
    filterEvents: (snapshot, event) => {
      modelNow = isAfterEvent(event) && event['elapsed'] === 'due' ? LATE : T0
      if (options.unreachable?.(snapshot, event)) return false
      return snapshot.can(event as never)
    },
    serializeState: (snapshot) => serializeState(snapshot),
    // Matches for real: a key is a state of the chart (`signingIn` matches both of its children).
    stateMatcher: (snapshot, key) => key === '*' || snapshot.matches(key as never),
  })
}

export type LifecycleModel = ReturnType<typeof createLifecycleModel>
