/**
 * The auth lifecycle as one statechart. Its top-level states are the statuses a user sees. It is pure:
 * every request, storage access and lock is an actor that `src/client` provides, and its only timer is the
 * `refreshCheck` delay, which runs on the clock given to `createActor`.
 * @module
 */
import { and, assign, emit, fromPromise, not, setup } from 'xstate'
import { AuthError, AuthSessionMissingError, classifyRefreshError } from '../src/errors.js'
import type { AuthChangeEvent, Session, User } from '../src/types.js'
import type {
  LifecycleContext,
  LifecycleEmitted,
  LifecycleEvent,
  LifecycleInput,
  MfaVerifyInput,
  MfaVerifyOutput,
  RefreshInput,
  RefreshOutput,
  RestoreOutput,
  SignInInput,
  SignInOutput,
  SignOutInput,
  SignOutOutput,
  SignedOutReason,
} from './lifecycle-types.js'
import { DEFAULT_MAX_TIMER_MS, DEFAULT_REFRESH_MARGIN_MS, isRefreshDue, nextCheckDelay, retryDelayMs } from './refresh-policy.js'
import { awaitsSecondFactor, isAnonymousSession } from './session-facts.js'

function notProvided(name: string): never {
  throw new Error(`The lifecycle machine needs the "${name}" actor; createAuthClient provides it.`)
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  return new AuthError(error instanceof Error ? error.message : 'Unexpected failure', undefined, 'unexpected_failure', { cause: error })
}

function reasonFor(error: unknown): SignedOutReason {
  return error instanceof AuthError && error.code === 'session_expired' ? 'expired' : 'revoked'
}

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown }

export const lifecycleMachine = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as LifecycleInput,
    emitted: {} as LifecycleEmitted,
  },
  actors: {
    restoreSession: fromPromise<RestoreOutput>(async () => notProvided('restoreSession')),
    signIn: fromPromise<SignInOutput, SignInInput>(async () => notProvided('signIn')),
    verifyMfa: fromPromise<MfaVerifyOutput, MfaVerifyInput>(async () => notProvided('verifyMfa')),
    refreshSession: fromPromise<RefreshOutput, RefreshInput>(async () => notProvided('refreshSession')),
    signOut: fromPromise<SignOutOutput, SignOutInput>(async () => notProvided('signOut')),
  },
  guards: {
    hasSession: ({ context }) => context.session !== null,
    isAnonymous: ({ context }) => context.session !== null && isAnonymousSession(context.session),
    awaitsSecondFactor: ({ context }) => context.session !== null && awaitsSecondFactor(context.session),
    autoRefreshOn: ({ context }) => context.settings.autoRefreshToken,
    isRefreshDue: ({ context }) => isRefreshDue(context),
    carriesSession: (_, params: { session: Session | null }) => params.session !== null,
    isSignedOutElsewhere: (_, params: { output: RefreshOutput }) => params.output.outcome === 'signedOutElsewhere',
    isTerminalRefreshFailure: (_, params: { error: unknown }) => classifyRefreshError(params.error) === 'terminal',
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

    acceptRequest: assign({
      waiting: ({ context, event }) =>
        'requestId' in event && event.requestId !== undefined ? [...context.waiting, event.requestId] : context.waiting,
    }),
    /** Settles every promise call waiting on the operation that just ended (then `clearWaiting`). */
    reply: emit(({ context }, reply: Reply) =>
      reply.ok
        ? { type: 'reply' as const, requestIds: context.waiting, ok: true as const, value: reply.value }
        : { type: 'reply' as const, requestIds: context.waiting, ok: false as const, error: toAuthError(reply.error) },
    ),
    /** Rejects the calls waiting on an operation that a newer event cut short (then `clearWaiting`). */
    cancelWaiting: emit(({ context }, params: { message: string }) => ({
      type: 'reply' as const,
      requestIds: context.waiting,
      ok: false as const,
      error: new AuthError(params.message, undefined, 'aborted'),
    })),
    clearWaiting: assign({ waiting: [] }),
    announce: emit((_, params: { event: AuthChangeEvent; session: Session | null; origin?: 'local' | 'remote' }) => ({
      type: 'authEvent' as const,
      event: params.event,
      session: params.session,
      origin: params.origin ?? 'local',
    })),

    restoreFromStorage: assign((_, output: RestoreOutput) => ({
      session: output.session,
      storageProblem: output.problem ?? null,
    })),
    storeSession: assign((_, params: { session: Session }) => ({
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
        retryAt: context.clock.now() + retryDelayMs(refreshFailures, params.error, context.random),
      }
    }),
    clearSession: assign((_, params: { reason: SignedOutReason; error: AuthError | null }) => ({
      session: null,
      reason: params.reason,
      error: params.error,
      stale: false,
      retryAt: null,
      refreshFailures: 0,
    })),
  },
}).createMachine({
  id: 'lifecycle',
  initial: 'initializing',
  context: ({ input }) => ({
    session: null,
    error: null,
    reason: 'initial',
    stale: false,
    retryAt: null,
    refreshFailures: 0,
    waiting: [],
    storageProblem: null,
    settings: {
      autoRefreshToken: input.autoRefreshToken,
      refreshMarginMs: input.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
      maxTimerMs: input.maxTimerMs ?? DEFAULT_MAX_TIMER_MS,
    },
    clock: input.clock ?? { now: () => Date.now() },
    random: input.random ?? Math.random,
  }),
  on: {
    // Signing out is possible from every status, including mid-refresh: leaving `refreshing` stops the
    // refresh actor, so its late result is never delivered and cannot resurrect the session.
    SIGN_OUT: {
      target: '.signingOut',
      actions: [{ type: 'cancelWaiting', params: { message: 'Cancelled by sign-out' } }, 'clearWaiting', 'acceptRequest'],
    },
    STORAGE_DEGRADED: { actions: 'noteStorageUnavailable' },
  },
  states: {
    initializing: {
      invoke: {
        id: 'restore',
        src: 'restoreSession',
        onDone: {
          target: 'resolvingStatus',
          actions: { type: 'restoreFromStorage', params: ({ event }) => event.output },
        },
        onError: {
          target: 'signedOut',
          actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
        },
      },
    },

    /** Not a status (nothing rests here): picks the status that fits the session, refreshing first if due. */
    resolvingStatus: {
      always: [
        { guard: not('hasSession'), target: 'signedOut' },
        { guard: and(['autoRefreshOn', 'isRefreshDue']), target: 'refreshing' },
        { guard: 'isAnonymous', target: 'anonymous' },
        { guard: 'awaitsSecondFactor', target: 'mfaChallenge' },
        { target: 'authenticated' },
      ],
    },

    signedOut: {
      on: {
        SIGN_IN: { target: 'signingIn', actions: 'acceptRequest' },
        SESSION_CHANGED_ELSEWHERE: {
          guard: { type: 'carriesSession', params: ({ event }) => ({ session: event.session }) },
          target: 'resolvingStatus',
          actions: [
            { type: 'storeSession', params: ({ event }) => ({ session: event.session as Session }) },
            { type: 'announce', params: ({ event }) => ({ event: event.event, session: event.session, origin: 'remote' as const }) },
          ],
        },
      },
    },

    signingIn: {
      initial: 'credentials',
      on: {
        // A newer sign-in replaces the one in flight; the older promise is told it was superseded.
        SIGN_IN: {
          target: '.credentials',
          reenter: true,
          actions: [{ type: 'cancelWaiting', params: { message: 'Superseded by a newer sign-in' } }, 'clearWaiting', 'acceptRequest'],
        },
      },
      states: {
        credentials: {
          invoke: {
            id: 'signIn',
            src: 'signIn',
            input: ({ event }) => ({ request: (event as Extract<LifecycleEvent, { type: 'SIGN_IN' }>).request }),
            onDone: [
              {
                guard: { type: 'carriesSession', params: ({ event }) => ({ session: event.output.session }) },
                target: '#lifecycle.resolvingStatus',
                actions: [
                  { type: 'storeSession', params: ({ event }) => ({ session: event.output.session as Session }) },
                  { type: 'announce', params: ({ event }) => ({ event: event.output.event, session: event.output.session }) },
                  { type: 'reply', params: ({ event }) => ({ ok: true as const, value: event.output.data }) },
                  'clearWaiting',
                ],
              },
              {
                // Succeeded without a session (a sign-up awaiting confirmation): nothing changes but the reply.
                target: '#lifecycle.resolvingStatus',
                actions: [{ type: 'reply', params: ({ event }) => ({ ok: true as const, value: event.output.data }) }, 'clearWaiting'],
              },
            ],
            onError: {
              // Back to whatever status the existing session (or its absence) calls for.
              target: '#lifecycle.resolvingStatus',
              actions: [
                { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
                { type: 'reply', params: ({ event }) => ({ ok: false as const, error: event.error }) },
                'clearWaiting',
              ],
            },
          },
        },
        secondFactor: {
          invoke: {
            id: 'verifyMfa',
            src: 'verifyMfa',
            input: ({ context, event }) => ({
              request: (event as Extract<LifecycleEvent, { type: 'VERIFY_MFA' }>).request,
              session: context.session as Session,
            }),
            onDone: {
              target: '#lifecycle.resolvingStatus',
              actions: [
                { type: 'storeSession', params: ({ event }) => ({ session: event.output.session }) },
                { type: 'announce', params: ({ event }) => ({ event: 'MFA_CHALLENGE_VERIFIED' as const, session: event.output.session }) },
                { type: 'reply', params: ({ event }) => ({ ok: true as const, value: event.output.data }) },
                'clearWaiting',
              ],
            },
            onError: {
              target: '#lifecycle.resolvingStatus',
              actions: [
                { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
                { type: 'reply', params: ({ event }) => ({ ok: false as const, error: event.error }) },
                'clearWaiting',
              ],
            },
          },
        },
      },
    },

    anonymous: signedInStatus('anonymous'),
    mfaChallenge: signedInStatus('mfaChallenge'),
    authenticated: signedInStatus('authenticated'),

    refreshing: {
      invoke: {
        id: 'refresh',
        src: 'refreshSession',
        input: ({ context, event }) => ({
          session: context.session as Session,
          force: event.type === 'REFRESH' && event.force === true,
        }),
        onDone: [
          {
            guard: { type: 'isSignedOutElsewhere', params: ({ event }) => ({ output: event.output }) },
            target: 'signedOut',
            actions: [
              { type: 'announce', params: { event: 'SIGNED_OUT', session: null, origin: 'remote' } },
              { type: 'clearSession', params: { reason: 'signOut', error: null } },
              { type: 'reply', params: { ok: false, error: new AuthSessionMissingError('Signed out by another client sharing this storage') } },
              'clearWaiting',
            ],
          },
          {
            target: 'resolvingStatus',
            actions: [
              { type: 'storeSession', params: ({ event }) => ({ session: sessionOf(event.output) }) },
              {
                type: 'announce',
                params: ({ event }) => ({
                  event: 'TOKEN_REFRESHED' as const,
                  session: sessionOf(event.output),
                  // Adopted tokens were refreshed (and announced) by another client already.
                  origin: event.output.outcome === 'adopted' ? ('remote' as const) : ('local' as const),
                }),
              },
              { type: 'reply', params: ({ event }) => ({ ok: true as const, value: sessionOf(event.output) }) },
              'clearWaiting',
            ],
          },
        ],
        onError: [
          {
            guard: { type: 'isTerminalRefreshFailure', params: ({ event }) => ({ error: event.error }) },
            target: 'signedOut',
            actions: [
              'forgetStoredSession',
              { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
              { type: 'clearSession', params: ({ event }) => ({ reason: reasonFor(event.error), error: toAuthError(event.error) }) },
              { type: 'reply', params: ({ event }) => ({ ok: false as const, error: event.error }) },
              'clearWaiting',
            ],
          },
          {
            // Transient: keep the session (its access token may still be good) and try again later.
            target: 'resolvingStatus',
            actions: [
              { type: 'markStale', params: ({ event }) => ({ error: event.error }) },
              { type: 'reply', params: ({ event }) => ({ ok: false as const, error: event.error }) },
              'clearWaiting',
            ],
          },
        ],
      },
      on: {
        REFRESH: { actions: 'acceptRequest' },
      },
    },

    signingOut: {
      entry: 'forgetStoredSession',
      invoke: {
        id: 'signOut',
        src: 'signOut',
        input: ({ context, event }) => ({
          accessToken: context.session?.access_token ?? null,
          scope: event.type === 'SIGN_OUT' ? event.scope : 'local',
        }),
        onDone: [
          {
            guard: 'hasSession',
            target: 'signedOut',
            actions: [
              { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
              { type: 'clearSession', params: ({ event }) => ({ reason: 'signOut' as const, error: event.output.error }) },
              { type: 'reply', params: ({ event }) => ({ ok: true as const, value: event.output }) },
              'clearWaiting',
            ],
          },
          {
            // There was no session to end, so there is nothing to announce.
            target: 'signedOut',
            actions: [
              { type: 'clearSession', params: { reason: 'signOut', error: null } },
              { type: 'reply', params: ({ event }) => ({ ok: true as const, value: event.output }) },
              'clearWaiting',
            ],
          },
        ],
      },
      on: {
        SIGN_OUT: { actions: 'acceptRequest' },
      },
    },
  },
})

function sessionOf(output: RefreshOutput): Session {
  if (output.outcome === 'signedOutElsewhere') throw new Error('unreachable: guarded by isSignedOutElsewhere')
  return output.session
}

type SessionChangedElsewhere = Extract<LifecycleEvent, { type: 'SESSION_CHANGED_ELSEWHERE' }>
type UserUpdated = Extract<LifecycleEvent, { type: 'USER_UPDATED' }>
type SessionRevoked = Extract<LifecycleEvent, { type: 'SESSION_REVOKED' }>

/**
 * The three signed-in statuses share their transitions; only their name differs. Each keeps one timer
 * (`refreshCheck`) that re-enters the status until the refresh is due.
 */
function signedInStatus(self: 'anonymous' | 'mfaChallenge' | 'authenticated') {
  return {
    after: {
      refreshCheck: [
        { guard: and(['autoRefreshOn', 'isRefreshDue']), target: 'refreshing' },
        { guard: 'autoRefreshOn', target: self, reenter: true },
      ],
    },
    on: {
      SIGN_IN: { target: 'signingIn', actions: 'acceptRequest' },
      VERIFY_MFA: { target: 'signingIn.secondFactor', actions: 'acceptRequest' },
      REFRESH: { target: 'refreshing', actions: 'acceptRequest' },
      USER_UPDATED: {
        target: 'resolvingStatus',
        actions: [
          { type: 'replaceUser', params: ({ event }: { event: UserUpdated }) => ({ user: event.user }) },
          'persistSession',
          { type: 'announce', params: ({ context }: { context: LifecycleContext }) => ({ event: 'USER_UPDATED' as const, session: context.session }) },
        ],
      },
      SESSION_REVOKED: {
        target: 'signedOut',
        actions: [
          'forgetStoredSession',
          { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
          { type: 'clearSession', params: ({ event }: { event: SessionRevoked }) => ({ reason: 'revoked' as const, error: event.error }) },
        ],
      },
      SESSION_CHANGED_ELSEWHERE: [
        {
          guard: { type: 'carriesSession', params: ({ event }: { event: SessionChangedElsewhere }) => ({ session: event.session }) },
          target: 'resolvingStatus',
          actions: [
            { type: 'storeSession', params: ({ event }: { event: SessionChangedElsewhere }) => ({ session: event.session as Session }) },
            { type: 'announce', params: ({ event }: { event: SessionChangedElsewhere }) => ({ event: event.event, session: event.session, origin: 'remote' as const }) },
          ],
        },
        {
          target: 'signedOut',
          actions: [
            { type: 'announce', params: { event: 'SIGNED_OUT', session: null, origin: 'remote' } },
            { type: 'clearSession', params: { reason: 'signOut', error: null } },
          ],
        },
      ],
    },
  } as const
}

export type LifecycleMachine = typeof lifecycleMachine
