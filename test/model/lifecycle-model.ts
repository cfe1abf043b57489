/**
 * The test model: a `TestModel` over the production `lifecycleMachine` itself (no copy, no `.provide`), with
 * the events the chart handles and payloads that reach every guard branch. Traversal never starts an actor:
 * `machine.transition` only creates the invoked children, and nothing runs them.
 */
import type { ActorLogic, AnyTransitionDefinition, SnapshotFrom } from 'xstate'
import { TestModel } from 'xstate/graph'
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthStatus, LifecycleInput, LifecycleIo, RedirectLanding } from '../../machines/lifecycle-types.js'
import { awaitsSecondFactor, isAnonymousSession } from '../../machines/session-facts.js'
import {
  AuthApiError,
  AuthImplicitGrantRedirectError,
  AuthPKCECodeVerifierMissingError,
  AuthRetryableFetchError,
  AuthSessionMissingError,
} from '../../src/errors.js'
import type { Session } from '../../src/types.js'
import { chartTransitions } from '../support/chart-transitions.js'
import { fakeSession } from '../support/fake-session.js'
import { ALL_STATUSES, statusOfValue } from '../support/lifecycle-status.js'
import type { TokenCheck } from '../../machines/operations.js'

export { ALL_STATUSES }

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
const modelClock = { now: () => modelNow, setTimeout: () => undefined, clearTimeout: () => undefined }

/**
 * The chart reads only `io.clock.now()`; the rest of the I/O is passed to actors, which the traversal never
 * runs, so it is absent here.
 */
const MODEL_IO = { clock: modelClock } as unknown as LifecycleIo
export const MODEL_INPUT: LifecycleInput = { io: MODEL_IO, settings: { autoRefreshToken: true }, random: () => 0.5 }

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

/**
 * What the URL the app was opened with can bring back (the chart's `landing` input, read before it
 * starts): nothing, a PKCE `?code=`, implicit-flow tokens in the fragment, or an error redirect. Each
 * starts the chart in a different way, so each is a model of its own (see `createLifecycleModel`).
 */
export type Landing = 'none' | 'code' | 'tokens' | 'error'

/** The model's machine runs with fake actors: a landing's token check is never called. */
const uncalledCheck: TokenCheck = () => Promise.reject(new Error('the model does not check tokens'))
export const LANDINGS: readonly Landing[] = ['none', 'code', 'tokens', 'error']
const LANDING_INPUT: Record<Landing, RedirectLanding | null> = {
  none: null,
  code: { kind: 'credential', operation: { kind: 'exchangeCode', authCode: 'model-code', flowId: null } },
  tokens: {
    kind: 'credential',
    operation: { kind: 'tokens', tokens: { access_token: 'a', refresh_token: 'r' }, recovery: false, check: uncalledCheck },
  },
  error: { kind: 'error', error: new AuthImplicitGrantRedirectError('Email link is invalid or has expired', { error: 'access_denied', code: 'otp_expired' }) },
}

/**
 * The delayed events of the chart, read from its definition (`xstate.after.<delay>.<state id>`), so the
 * model follows wherever the timers are declared.
 */
const AFTER_EVENT_TYPES: readonly string[] = [
  ...new Set(chartTransitions(lifecycleMachine).map((t) => t.eventType).filter((type) => type.startsWith('xstate.after.'))),
]

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
    { type: 'SIGN_IN', operation: { kind: 'password', params: { email: 'model@example.com', password: 'model' } } },
    ...(['auth', 'anon', 'mfa'] as const).map((kind) => ({
      type: 'xstate.done.actor.signIn' as const, kind, output: { session: SESSIONS[kind], user: SESSIONS[kind].user, event: SIGNED_IN },
    })),
    // A passkey sign-in: the same kind of session as a password's, by a sign-in operation of its own.
    { type: 'xstate.done.actor.signIn', kind: 'passkey', output: { session: SESSIONS.auth, user: SESSIONS.auth.user, event: SIGNED_IN } },
    { type: 'xstate.done.actor.signIn', kind: 'none', output: { session: null, user: null, event: SIGNED_IN } },
    { type: 'xstate.error.actor.signIn', error: new AuthApiError('Invalid login credentials', 400, 'invalid_credentials') },
    // Coming back with a credential in the URL: a magic link's session (with or without a second factor
    // to come), or a refusal.
    ...(['auth', 'mfa'] as const).map((kind) => ({
      type: 'xstate.done.actor.completeLanding' as const,
      kind,
      output: { session: SESSIONS[kind], event: SIGNED_IN },
    })),
    { type: 'xstate.error.actor.completeLanding', error: new AuthPKCECodeVerifierMissingError() },
    // Leaving for a provider: OAuth makes the URL itself; SSO asks the server, which may know no provider.
    { type: 'REDIRECT', operation: { kind: 'oauth', params: { provider: 'github' }, pkce: true, navigate: false } },
    { type: 'xstate.done.actor.leaveForProvider', output: { url: 'https://auth.example.com/authorize?provider=github', flowId: null } },
    { type: 'xstate.error.actor.leaveForProvider', error: new AuthApiError('No SSO provider for this domain', 404, 'sso_provider_not_found') },
    { type: 'VERIFY_MFA', operation: { kind: 'mfaVerify', factorId: 'f', challengeId: 'c', proof: { code: '000000' } } },
    ...(current ? [{ type: 'xstate.done.actor.verifyMfa' as const, output: { session: upgraded(current), response: {} } }] : []),
    { type: 'xstate.error.actor.verifyMfa', error: new AuthApiError('Invalid TOTP code entered', 422, 'mfa_verification_failed') },
    { type: 'REFRESH', force: true },
    ...(current
      ? [
          { type: 'xstate.done.actor.refresh' as const, outcome: 'refreshed' as const, output: { outcome: 'refreshed' as const, session: refreshed(current) } },
          { type: 'xstate.done.actor.refresh' as const, outcome: 'adopted' as const, output: { outcome: 'adopted' as const, session: refreshed(current) } },
        ]
      : []),
    { type: 'xstate.done.actor.refresh', outcome: 'signedOutElsewhere', output: { outcome: 'signedOutElsewhere' } },
    { type: 'xstate.error.actor.refresh', outcome: 'transient', error: new AuthRetryableFetchError('Service unavailable', 503, 'server_error') },
    { type: 'xstate.error.actor.refresh', outcome: 'terminal', error: new AuthApiError('Invalid Refresh Token: Refresh Token Not Found', 400, 'refresh_token_not_found') },
    { type: 'SIGN_OUT', scope: 'global' },
    { type: 'xstate.done.actor.signOut', output: { error: null } },
    { type: 'xstate.error.actor.signOut', error: new Error('logout threw') },
    ...(current ? [{ type: 'USER_UPDATED' as const, user: { ...current.user, user_metadata: { ...current.user.user_metadata, model: true } } }] : []),
    ...(['auth', 'anon', 'mfa', 'due'] as const).map((kind) => ({
      type: 'SESSION_CHANGED_ELSEWHERE' as const, kind, event: SIGNED_IN, session: SESSIONS[kind],
    })),
    { type: 'SIGNED_OUT_ELSEWHERE' },
    ...(current
      ? [{ type: 'SESSION_REVOKED' as const, token: current.access_token, error: new AuthSessionMissingError('Session from session_id claim in JWT does not exist', 403, 'session_not_found') }]
      : []),
    { type: 'STORAGE_DEGRADED' },
    ...AFTER_EVENT_TYPES.flatMap((type) => (['tick', 'due'] as const).map((elapsed) => ({ type, elapsed }))),
  ]
  return events
}

/** Loosely typed on purpose: done/error/after events are not in the chart's public event union. */
export type ModelEvent = { type: string } & Record<string, unknown>

export function isAfterEvent(event: { type: string }): boolean {
  return event.type.startsWith('xstate.after.')
}

/** The delay name of a delayed event (`refreshCheck`), or undefined. */
export function afterDelayOf(event: { type: string }): string | undefined {
  return /^xstate\.after\.([^.]+)\./.exec(event.type)?.[1]
}

/** The public status: the one active state named like a status (`resolvingStatus` is transient and never rests). */
export function statusOf(snapshot: ModelSnapshot): AuthStatus {
  return statusOfValue(snapshot.value)
}

/** Sets the model clock for `event` (see T0): only a `due` delayed event happens late. */
function setClockFor(event: ModelEvent): void {
  modelNow = isAfterEvent(event) && event['elapsed'] === 'due' ? LATE : T0
}

/**
 * The definition transitions the chart selects for `event` in `snapshot` (guards evaluated at the model
 * time of that event). Not the `always` transitions that follow: those depend on the target state.
 */
export function selectedTransitions(snapshot: ModelSnapshot, event: ModelEvent): AnyTransitionDefinition[] {
  setClockFor(event)
  return snapshot.machine.getTransitionData(snapshot as never, event as never) ?? []
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

/** Why the public client cannot cause an event in a state (see `UNREACHABLE_TRANSITIONS` and `UNREACHABLE_VARIANTS` in plan.ts); the traversal skips it. */
export type Reachability = (snapshot: ModelSnapshot, event: ModelEvent) => string | null

export interface ModelOptions {
  /** Returns a reason when the real client cannot produce `event` in `snapshot`; such edges are not traversed. */
  unreachable?: Reachability
  /**
   * What the page's URL brought back when the client started (default: nothing). A landing's model is
   * explored only until the client has started: the landing is used up by then, and the rest of its graph
   * is the plain start's.
   */
  landing?: Landing
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
    input: { ...MODEL_INPUT, landing: LANDING_INPUT[options.landing ?? 'none'] },
    ...(options.landing === undefined || options.landing === 'none' ? {} : { stopWhen: (snapshot: ModelSnapshot) => statusOf(snapshot) !== 'initializing' }),
    events: (snapshot) => candidateEvents(snapshot),
    filterEvents: (snapshot, event) => {
      if (options.unreachable?.(snapshot, event)) return false
      setClockFor(event)
      return snapshot.can(event as never)
    },
    serializeState: (snapshot) => serializeState(snapshot),
    // A key is a status: it matches while that status's state is active (`signingIn` in both of its
    // children), wherever the chart nests it.
    stateMatcher: (snapshot, key) => key === '*' || statusOf(snapshot) === key,
  })
}

export type LifecycleModel = ReturnType<typeof createLifecycleModel>
