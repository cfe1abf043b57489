/**
 * The auth lifecycle as one statechart. Its top-level states are the statuses a user sees. It is pure:
 * every request, storage access and lock is an actor that `src/client` provides, and its only timer is the
 * `refreshCheck` delay, which runs on the clock given to `createActor`. Guards, actions and actors are
 * named in `lifecycle-setup.ts`.
 * @module
 */
import { and, not } from 'xstate'
import { AuthSessionMissingError } from '../src/errors.js'
import type { Session } from '../src/types.js'
import type { LifecycleContext, LifecycleEvent, RefreshOutput } from './lifecycle-types.js'
import { DEFAULT_MAX_TIMER_MS, DEFAULT_REFRESH_MARGIN_MS } from './refresh-policy.js'
import { lifecycleSetup, reasonFor, toAuthError } from './lifecycle-setup.js'

/**
 * A sign-in or second-factor attempt failed: back to whatever status the existing session (or its
 * absence) calls for, so a failed attempt to switch users keeps the current one signed in.
 */
const attemptFailed = {
  target: '#lifecycle.resolvingStatus',
  actions: [
    { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
    { type: 'reply', params: ({ event }: { event: { error: unknown } }) => ({ ok: false as const, error: event.error }) },
    'clearWaiting',
  ],
} as const

export const lifecycleMachine = lifecycleSetup.createMachine({
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
            onError: attemptFailed,
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
            onError: attemptFailed,
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
        // The provided actor reports server failures in its output; should it throw anyway, the local
        // sign-out still completes: the stored session is already gone.
        onError: {
          target: 'signedOut',
          actions: [
            { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
            { type: 'clearSession', params: ({ event }) => ({ reason: 'signOut' as const, error: toAuthError(event.error) }) },
            { type: 'reply', params: ({ event }) => ({ ok: true as const, value: { error: toAuthError(event.error) } }) },
            'clearWaiting',
          ],
        },
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
 *
 * `SESSION_CHANGED_ELSEWHERE` is taken here and in `signedOut`, not in the busy statuses, on purpose: a
 * refresh re-reads storage under the lock (it adopts, or finds the session gone), a sign-in's result
 * replaces whatever another client did, and a sign-out or restore is about to read or clear storage anyway.
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
