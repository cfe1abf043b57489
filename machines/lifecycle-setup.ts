/**
 * The named pieces of the lifecycle chart: its types, the actors it invokes (provided by `src/client`),
 * its guards, delay and actions. The chart that arranges them is `lifecycle.ts`.
 * @module
 */
import { assertEvent, assign, emit, fromPromise, type NonReducibleUnknown, setup } from 'xstate'
import type { AuthError } from '../src/errors.js'
import type { AuthChangeEvent, Session, User } from '../src/types.js'
import { classifyRefreshError, toAuthError } from './failures.js'
import type {
  LifecycleContext,
  LifecycleEmitted,
  LifecycleEvent,
  LifecycleInput,
  LandingOutput,
  MfaVerifyInput,
  MfaVerifyOutput,
  OperationResult,
  RedirectInput,
  RedirectOutput,
  RefreshInput,
  RefreshOutput,
  RestoreInput,
  RestoreOutput,
  SignInInput,
  SignInOutput,
  SignOutInput,
  SignOutOutput,
  SignedOutReason,
} from './lifecycle-types.js'
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_MAX_TIMER_MS, DEFAULT_REFRESH_MARGIN_MS, isRefreshDue, nextCheckDelay, retryDelayMs } from './refresh-policy.js'
import { awaitsSecondFactor, isAnonymousSession, sessionIdOf } from './session-facts.js'
import { sessionAfterNews } from './session-news.js'

/** Stands in for an actor the client provides; running the bare chart without it fails loudly. */
function provided<TOutput, TInput = NonReducibleUnknown>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`The lifecycle machine needs the "${name}" actor; createAuthClient provides it.`)
  })
}

/** The chart's starting context: no session yet, settings filled with their defaults. */
export function initialContext(input: LifecycleInput): LifecycleContext {
  return {
    restored: false,
    session: null,
    error: null,
    reason: 'initial',
    stale: false,
    retryAt: null,
    refreshFailures: 0,
    storageProblem: null,
    endedSession: null,
    replacedToken: null,
    settings: {
      autoRefreshToken: input.settings.autoRefreshToken,
      refreshMarginMs: input.settings.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
      maxTimerMs: input.settings.maxTimerMs ?? DEFAULT_MAX_TIMER_MS,
      lockTimeoutMs: input.settings.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    },
    io: input.io,
    random: input.random ?? Math.random,
    landing: input.landing ?? null,
  }
}

/** The session of a status that has one; reaching it without one is a bug in the chart, said loudly. */
export function sessionInHand(context: LifecycleContext): Session {
  if (context.session === null) throw new Error('The lifecycle chart reached a signed-in step without a session')
  return context.session
}

/** The session a sign-in produced, on the branch guarded by `signInCarriesSession`. */
export function signedInSession(output: SignInOutput): Session {
  if (output.session === null) throw new Error('unreachable: guarded by signInCarriesSession')
  return output.session
}

/** The session a refresh produced, on the branches after `isSignedOutElsewhere` was ruled out. */
export function refreshedSession(output: RefreshOutput): Session {
  if (output.outcome === 'signedOutElsewhere') throw new Error('unreachable: guarded by isSignedOutElsewhere')
  return output.session
}

/** What the `signIn` actor is given: the operation carried by the `SIGN_IN` that entered the state. */
export function signInInput({ context, event }: { context: LifecycleContext; event: LifecycleEvent }): SignInInput {
  assertEvent(event, 'SIGN_IN')
  return { io: context.io, operation: event.operation, lockTimeoutMs: context.settings.lockTimeoutMs }
}

/** What the `signIn` actor is given on the way back from a provider: the credential the URL carried. */
export function landingInput({ context }: { context: LifecycleContext }): SignInInput {
  if (context.landing?.kind !== 'credential') throw new Error('unreachable: guarded by returnedWithCode / returnedWithTokens')
  return { io: context.io, operation: context.landing.operation, lockTimeoutMs: context.settings.lockTimeoutMs }
}

/** What the `leaveForProvider` actor is given: the operation carried by `REDIRECT`. */
export function redirectInput({ context, event }: { context: LifecycleContext; event: LifecycleEvent }): RedirectInput {
  assertEvent(event, 'REDIRECT')
  return { io: context.io, operation: event.operation }
}

/** The error a provider's redirect carried, on the branch guarded by `returnedWithError`. */
export function landingError({ context }: { context: LifecycleContext }): { error: unknown } {
  if (context.landing?.kind !== 'error') throw new Error('unreachable: guarded by returnedWithError')
  return { error: context.landing.error }
}

/** What the `verifyMfa` actor is given: the code carried by `VERIFY_MFA`, and the session it upgrades. */
export function verifyMfaInput({ context, event }: { context: LifecycleContext; event: LifecycleEvent }): MfaVerifyInput {
  assertEvent(event, 'VERIFY_MFA')
  return { io: context.io, operation: event.operation, session: sessionInHand(context) }
}

/** A refresh asked for by a caller (`force`) rotates even a token another client just rotated. */
export function refreshInput({ context, event }: { context: LifecycleContext; event: LifecycleEvent }): RefreshInput {
  return { io: context.io, settings: context.settings, session: sessionInHand(context), force: event.type === 'REFRESH' && event.force === true }
}

/** Signing out tells the server with the session's token when there is one; `local` when the chart began it. */
export function signOutInput({ context, event }: { context: LifecycleContext; event: LifecycleEvent }): SignOutInput {
  return { io: context.io, accessToken: context.session?.access_token ?? null, scope: event.type === 'SIGN_OUT' ? event.scope : 'local' }
}

export const lifecycleSetup = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as LifecycleInput,
    emitted: {} as LifecycleEmitted,
  },
  actors: {
    restoreSession: provided<RestoreOutput, RestoreInput>('restoreSession'),
    signIn: provided<SignInOutput, SignInInput>('signIn'),
    leaveForProvider: provided<RedirectOutput, RedirectInput>('leaveForProvider'),
    completeLanding: provided<LandingOutput, SignInInput>('completeLanding'),
    verifyMfa: provided<MfaVerifyOutput, MfaVerifyInput>('verifyMfa'),
    refreshSession: provided<RefreshOutput, RefreshInput>('refreshSession'),
    signOut: provided<SignOutOutput, SignOutInput>('signOut'),
  },
  guards: {
    hasSession: ({ context }) => context.session !== null,
    returnedWithCode: ({ context }) => context.landing?.kind === 'credential' && context.landing.operation.kind === 'exchangeCode',
    returnedWithTokens: ({ context }) => context.landing?.kind === 'credential' && context.landing.operation.kind === 'tokens',
    returnedWithError: ({ context }) => context.landing?.kind === 'error',
    /** Signing out before the stored session is read could not tell the server which session to end. */
    storedSessionKnown: ({ context }) => context.restored,
    isAnonymous: ({ context }) => context.session !== null && isAnonymousSession(context.session),
    awaitsSecondFactor: ({ context }) => context.session !== null && awaitsSecondFactor(context.session),
    autoRefreshOn: ({ context }) => context.settings.autoRefreshToken,
    /** The client refreshes on its own, and the session is due. */
    autoRefreshDue: ({ context }) => context.settings.autoRefreshToken && isRefreshDue(context),
    signInCarriesSession: (_, params: { output: SignInOutput }) => params.output.session !== null,
    isSignedOutElsewhere: (_, params: { output: RefreshOutput }) => params.output.outcome === 'signedOutElsewhere',
    isTerminalRefreshFailure: (_, params: { error: unknown }) => classifyRefreshError(params.error) === 'terminal',
    /**
     * A revocation learned with a token this client no longer holds is old news: the session it ended was
     * replaced by a sign-in meanwhile, another tab's perhaps, and that one (even the same user's) must stay.
     * Compared by token, not by user: the soak found a stale answer wiping a newer session of the same user.
     * A revoked session whose token was merely rotated since is learned again by its next refresh or call.
     */
    concernsCurrentUser: ({ context }, params: { token: string }) => context.session?.access_token === params.token,
    /** Another client's session changes the one in hand, and is not of a session this client saw end. */
    bringsNews: ({ context }, params: { session: Session }) =>
      sessionIdOf(params.session) !== context.endedSession &&
      sessionAfterNews(context.session, params.session, context.replacedToken) !== context.session,
    /**
     * Another client's sign-out ended the session in hand (or did not say which it ended): one that names
     * another session was sent before the sign-in this client made since, and arrived late.
     */
    endsSessionInHand: ({ context }, params: { ended: string | undefined }) =>
      context.session !== null && (params.ended === undefined || params.ended === sessionIdOf(context.session)),
  },
  delays: {
    /** Until the refresh is due, capped so a device that slept re-reads the wall clock soon after waking. */
    refreshCheck: ({ context }) => nextCheckDelay(context),
  },
  actions: {
    /** Provided by the client: remove the stored session (it runs before the server is told, so a slow logout can't be adopted by another tab). */
    forgetStoredSession: () => {},
    /** Provided by the client: write `context.session` to storage after a change that no actor persisted. */
    persistSession: () => {},
    /**
     * Provided by the client: after another client's news was taken, storage gets what this client holds
     * (nothing, after a sign-out) if it holds what this client replaced or ended (a write of ours crossed
     * theirs), or older tokens or user of the same sign-in.
     */
    reconcileStorage: (_, _params: { heard: Session | null }) => {},

    /** The caller joins the operation already in flight and gets its result; nothing else changes. */
    joinInFlight: () => {},
    /** The operation in flight ended: every caller waiting on it gets its result. */
    reply: emit((_, result: OperationResult) => ({ type: 'operationDone' as const, result })),
    /** The operation in flight failed: every caller waiting on it gets the error. */
    replyWithError: emit((_, params: { error: unknown }) => ({ type: 'operationFailed' as const, error: toAuthError(params.error) })),
    /** A newer event cut the operation in flight short: its callers are told why. */
    cancelInFlight: emit((_, params: { reason: 'superseded' | 'signOut' }) => ({ type: 'operationCancelled' as const, reason: params.reason })),
    announce: emit(({ context }, params: { event: AuthChangeEvent; session: Session | null; origin?: 'local' | 'remote'; landing?: boolean }) => ({
      type: 'authEvent' as const,
      event: params.event,
      session: params.session,
      origin: params.origin ?? 'local',
      ...(params.landing ? { landing: true } : {}),
      // A sign-out names the session it ends (announced before the session is cleared, so it is still in hand).
      ended: params.session === null && context.session ? sessionIdOf(context.session) : undefined,
    })),

    restoreFromStorage: assign((_, output: RestoreOutput) => ({
      restored: true,
      session: output.session,
      storageProblem: output.problem ?? null,
    })),
    /** Restoring failed outright: there is no stored session to speak of, which is knowing it. */
    restoreFailed: assign((_, params: { error: unknown }) => ({ restored: true, error: toAuthError(params.error) })),
    /** The URL's callback is used up: a later restore or status change never looks at it again. */
    consumeLanding: assign({ landing: null }),
    storeSession: assign(({ context }, params: { session: Session }) => ({
      // A session just written to storage is what storage holds: known, so it can be signed out.
      restored: true,
      replacedToken: context.session && context.session.refresh_token !== params.session.refresh_token ? context.session.refresh_token : context.replacedToken,
      session: params.session,
      error: null,
      stale: false,
      retryAt: null,
      refreshFailures: 0,
    })),
    replaceUser: assign({
      session: ({ context }, params: { user: User }) => (context.session ? { ...context.session, user: params.user } : null),
    }),
    noteStorageUnavailable: assign({ storageProblem: 'unavailable' as const }),
    recordError: assign({ error: (_, params: { error: unknown }) => toAuthError(params.error) }),
    markStale: assign(({ context }, params: { error: unknown }) => {
      const refreshFailures = context.refreshFailures + 1
      return {
        error: toAuthError(params.error),
        stale: true,
        refreshFailures,
        retryAt: context.io.clock.now() + retryDelayMs(refreshFailures, params.error, context.random),
      }
    }),
    clearSession: assign(({ context }, params: { reason: SignedOutReason; error: AuthError | null }) => ({
      endedSession: (context.session && sessionIdOf(context.session)) ?? context.endedSession,
      replacedToken: context.session?.refresh_token ?? context.replacedToken,
      session: null,
      reason: params.reason,
      error: params.error,
      stale: false,
      retryAt: null,
      refreshFailures: 0,
    })),
  },
})
