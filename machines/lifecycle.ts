/**
 * The auth lifecycle as one statechart. Its states are the statuses a user sees; the three signed-in
 * statuses are children of `signedIn`, which says once what they share. It is pure: every request, storage
 * access and lock is an actor that `src/client` provides with the I/O it was given as input, and its only
 * timer is the `refreshCheck` delay, which runs on the clock given to `createActor`. Guards, actions and
 * actors are named in `lifecycle-setup.ts`.
 * @module
 */
import { not } from 'xstate'
import { AuthSessionMissingError } from '../src/errors.js'
import { signedOutReasonFor, toAuthError } from './failures.js'
import {
  initialContext,
  landingError,
  landingInput,
  lifecycleSetup,
  redirectInput,
  refreshedSession,
  refreshInput,
  signedInSession,
  signInInput,
  signOutInput,
  verifyMfaInput,
} from './lifecycle-setup.js'
import type { LandingOutput, LifecycleContext, LifecycleEvent } from './lifecycle-types.js'
import { sessionAfterNews } from './session-news.js'

/**
 * A sign-in or second-factor attempt failed: back to whatever status the existing session (or its
 * absence) calls for, so a failed attempt to switch users keeps the current one signed in.
 */
const attemptFailed = {
  target: '#lifecycle.resolvingStatus',
  actions: [
    { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
    { type: 'replyWithError', params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
  ],
} as const

type SessionNews = Extract<LifecycleEvent, { type: 'SESSION_CHANGED_ELSEWHERE' }>

/** The announced session, weighed against the one in hand (see `bringsNews`). */
const newsGuard = { type: 'bringsNews', params: ({ event }: { event: SessionNews }) => ({ session: event.session }) } as const

/**
 * Another client signed in, rotated the tokens or updated the user: what that makes of the session in hand
 * becomes the session, announced as the other client's news. If it is not wholly the announced session,
 * the announcing client stored older tokens or user than this one holds, and storage gets the newer.
 */
const takeSessionFromElsewhere = [
  { type: 'storeSession', params: ({ context, event }: { context: LifecycleContext; event: SessionNews }) => ({ session: sessionAfterNews(context.session, event.session, context.replacedToken) }) },
  { type: 'announce', params: ({ context, event }: { context: LifecycleContext; event: SessionNews }) => ({ event: event.event, session: context.session, origin: 'remote' as const }) },
  { type: 'reconcileStorage', params: ({ event }: { event: SessionNews }) => ({ heard: event.session }) },
] as const

type SignOutNews = Extract<LifecycleEvent, { type: 'SIGNED_OUT_ELSEWHERE' }>

/** Another client's sign-out, if it ended the session in hand (see `endsSessionInHand`). */
const signOutGuard = { type: 'endsSessionInHand', params: ({ event }: { event: SignOutNews }) => ({ ended: event.ended }) } as const

/** Another client signed out: so is this one. */
const takeSignOutFromElsewhere = [
  { type: 'announce', params: { event: 'SIGNED_OUT', session: null, origin: 'remote' } },
  { type: 'clearSession', params: { reason: 'signOut', error: null } },
  { type: 'reconcileStorage', params: { heard: null } },
] as const

/**
 * Back from a provider or an email link with a credential in the URL: it is completed before anything
 * else, and a failure leaves the stored session (if any) as it was, with the error on record.
 */
const completeLanding = {
  id: 'completeLanding',
  src: 'completeLanding',
  input: landingInput,
  onDone: {
    target: '#lifecycle.resolvingStatus',
    actions: [
      'consumeLanding',
      { type: 'storeSession', params: ({ event }: { event: { output: LandingOutput } }) => ({ session: event.output.session }) },
      {
        type: 'announce',
        params: ({ event }: { event: { output: LandingOutput } }) => ({ event: event.output.event, session: event.output.session, landing: true }),
      },
    ],
  },
  onError: {
    target: 'restoring',
    actions: ['consumeLanding', { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) }],
  },
} as const

const initializing = lifecycleSetup.createStateConfig({
  initial: 'readingUrl',
  states: {
    // Not a place to rest: what the page's URL brought back decides what initializing does first.
    readingUrl: {
      always: [
        { guard: 'returnedWithCode', target: 'exchangingCode' },
        { guard: 'returnedWithTokens', target: 'adoptingUrlTokens' },
        { guard: 'returnedWithError', target: 'restoring', actions: [{ type: 'recordError', params: landingError }, 'consumeLanding'] },
        { target: 'restoring' },
      ],
    },
    /** PKCE: the code is traded, with the verifier stored when the flow began, for a session. */
    exchangingCode: { invoke: completeLanding },
    /** Implicit flow: the fragment's tokens are checked with the server before they are adopted. */
    adoptingUrlTokens: { invoke: completeLanding },
    restoring: {
      invoke: {
        id: 'restore',
        src: 'restoreSession',
        input: ({ context }) => ({ io: context.io }),
        onDone: {
          target: '#lifecycle.resolvingStatus',
          actions: { type: 'restoreFromStorage', params: ({ event }) => event.output },
        },
        onError: {
          target: '#lifecycle.signedOut',
          actions: { type: 'restoreFailed', params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
  },
})

/** Not a status (nothing rests here): picks the status that fits the session, refreshing first if due. */
const resolvingStatus = lifecycleSetup.createStateConfig({
  always: [
    { guard: not('hasSession'), target: 'signedOut' },
    { guard: 'autoRefreshDue', target: 'refreshing' },
    { guard: 'isAnonymous', target: 'signedIn.anonymous' },
    { guard: 'awaitsSecondFactor', target: 'signedIn.mfaChallenge' },
    { target: 'signedIn.authenticated' },
  ],
})

const signedOut = lifecycleSetup.createStateConfig({
  tags: 'settled',
  on: {
    SIGN_IN: { target: 'signingIn' },
    REDIRECT: { target: 'signingIn.leavingForProvider' },
    SESSION_CHANGED_ELSEWHERE: { guard: newsGuard, target: 'resolvingStatus', actions: takeSessionFromElsewhere },
  },
})

const signingIn = lifecycleSetup.createStateConfig({
  initial: 'credentials',
  on: {
    // A newer sign-in replaces the one in flight; the older callers are told it was superseded.
    SIGN_IN: { target: '.credentials', reenter: true, actions: { type: 'cancelInFlight', params: { reason: 'superseded' } } },
    REDIRECT: { target: '.leavingForProvider', reenter: true, actions: { type: 'cancelInFlight', params: { reason: 'superseded' } } },
    // Taken without leaving: a sign-in that succeeds replaces this news, and one that fails falls back to the
    // session in hand, which must then be what other clients made of it meanwhile, not what it was before.
    SESSION_CHANGED_ELSEWHERE: { guard: newsGuard, actions: takeSessionFromElsewhere },
    SIGNED_OUT_ELSEWHERE: { guard: signOutGuard, actions: takeSignOutFromElsewhere },
  },
  states: {
    credentials: {
      invoke: {
        id: 'signIn',
        src: 'signIn',
        input: signInInput,
        onDone: [
          {
            guard: { type: 'signInCarriesSession', params: ({ event }) => ({ output: event.output }) },
            target: '#lifecycle.resolvingStatus',
            actions: [
              { type: 'storeSession', params: ({ event }) => ({ session: signedInSession(event.output) }) },
              { type: 'announce', params: ({ event }) => ({ event: event.output.event, session: event.output.session }) },
              { type: 'reply', params: ({ event }) => ({ kind: 'SIGN_IN' as const, value: event.output }) },
            ],
          },
          {
            // Succeeded without a session (a sign-up awaiting confirmation): nothing changes but the reply.
            target: '#lifecycle.resolvingStatus',
            actions: { type: 'reply', params: ({ event }) => ({ kind: 'SIGN_IN' as const, value: event.output }) },
          },
        ],
        onError: attemptFailed,
      },
    },
    /**
     * On the way to an identity provider: the PKCE verifier is stored and the provider's URL made (or asked
     * for); the browser leaves unless told not to. The session changes only when the user comes back.
     */
    leavingForProvider: {
      invoke: {
        id: 'leaveForProvider',
        src: 'leaveForProvider',
        input: redirectInput,
        onDone: {
          target: '#lifecycle.resolvingStatus',
          actions: { type: 'reply', params: ({ event }) => ({ kind: 'REDIRECT' as const, value: event.output }) },
        },
        onError: attemptFailed,
      },
    },
    secondFactor: {
      invoke: {
        id: 'verifyMfa',
        src: 'verifyMfa',
        input: verifyMfaInput,
        onDone: {
          target: '#lifecycle.resolvingStatus',
          actions: [
            { type: 'storeSession', params: ({ event }) => ({ session: event.output.session }) },
            { type: 'announce', params: ({ event }) => ({ event: 'MFA_CHALLENGE_VERIFIED' as const, session: event.output.session }) },
            { type: 'reply', params: ({ event }) => ({ kind: 'VERIFY_MFA' as const, value: event.output }) },
          ],
        },
        onError: attemptFailed,
      },
    },
  },
})

/**
 * The three signed-in statuses. What they share is said here once: the refresh timer, the operations
 * that start from any of them, and the news that the session changed or ended elsewhere.
 *
 * News from other clients is taken here, in `signedOut`, while signing in and (a new session) while
 * refreshing; a refresh reads storage under the lock before its request and again once it settles (it
 * adopts, or finds the session gone), and a sign-out or restore is about to clear or read storage anyway.
 */
const signedIn = lifecycleSetup.createStateConfig({
  tags: 'settled',
  initial: 'authenticated',
  // Looks at the clock again until the refresh is due; `resolvingStatus` refreshes when it is.
  after: {
    refreshCheck: { guard: 'autoRefreshOn', target: 'resolvingStatus' },
  },
  on: {
    SIGN_IN: { target: 'signingIn' },
    REDIRECT: { target: 'signingIn.leavingForProvider' },
    VERIFY_MFA: { target: 'signingIn.secondFactor' },
    REFRESH: { target: 'refreshing' },
    USER_UPDATED: {
      target: 'resolvingStatus',
      actions: [
        { type: 'replaceUser', params: ({ event }) => ({ user: event.user }) },
        'persistSession',
        { type: 'announce', params: ({ context }) => ({ event: 'USER_UPDATED' as const, session: context.session }) },
      ],
    },
    SESSION_REVOKED: {
      guard: { type: 'concernsCurrentUser', params: ({ event }) => ({ token: event.token }) },
      target: 'signedOut',
      actions: [
        'forgetStoredSession',
        { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
        { type: 'clearSession', params: ({ event }) => ({ reason: signedOutReasonFor(event.error), error: event.error }) },
      ],
    },
    SESSION_CHANGED_ELSEWHERE: { guard: newsGuard, target: 'resolvingStatus', actions: takeSessionFromElsewhere },
    SIGNED_OUT_ELSEWHERE: { guard: signOutGuard, target: 'signedOut', actions: takeSignOutFromElsewhere },
  },
  states: {
    anonymous: {},
    mfaChallenge: {},
    authenticated: {},
  },
})

const refreshing = lifecycleSetup.createStateConfig({
  invoke: {
    id: 'refresh',
    src: 'refreshSession',
    input: refreshInput,
    onDone: [
      {
        guard: { type: 'isSignedOutElsewhere', params: ({ event }) => ({ output: event.output }) },
        target: 'signedOut',
        actions: [
          { type: 'announce', params: { event: 'SIGNED_OUT', session: null, origin: 'remote' } },
          { type: 'clearSession', params: { reason: 'signOut', error: null } },
          { type: 'replyWithError', params: () => ({ error: new AuthSessionMissingError('Signed out by another client sharing this storage') }) },
        ],
      },
      {
        target: 'resolvingStatus',
        actions: [
          { type: 'storeSession', params: ({ event }) => ({ session: refreshedSession(event.output) }) },
          {
            type: 'announce',
            params: ({ event }) => ({
              event: 'TOKEN_REFRESHED' as const,
              session: refreshedSession(event.output),
              // Adopted tokens were refreshed (and announced) by another client already.
              origin: event.output.outcome === 'adopted' ? ('remote' as const) : ('local' as const),
            }),
          },
          { type: 'reply', params: ({ event }) => ({ kind: 'REFRESH' as const, value: refreshedSession(event.output) }) },
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
          { type: 'clearSession', params: ({ event }) => ({ reason: signedOutReasonFor(event.error), error: toAuthError(event.error) }) },
          { type: 'replyWithError', params: ({ event }) => ({ error: event.error }) },
        ],
      },
      {
        // Transient: keep the session (its access token may still be good) and try again later.
        target: 'resolvingStatus',
        actions: [
          { type: 'markStale', params: ({ event }) => ({ error: event.error }) },
          { type: 'replyWithError', params: ({ event }) => ({ error: event.error }) },
        ],
      },
    ],
  },
  on: {
    REFRESH: { actions: 'joinInFlight' },
    // Taken without leaving, so a refresh that fails transiently keeps the session other clients hold now,
    // not the one it started with. (Its outcome, read from storage once the request settles, comes after.)
    SESSION_CHANGED_ELSEWHERE: { guard: newsGuard, actions: takeSessionFromElsewhere },
  },
})

const signingOut = lifecycleSetup.createStateConfig({
  entry: 'forgetStoredSession',
  invoke: {
    id: 'signOut',
    src: 'signOut',
    input: signOutInput,
    onDone: [
      {
        guard: 'hasSession',
        target: 'signedOut',
        actions: [
          { type: 'announce', params: { event: 'SIGNED_OUT', session: null } },
          { type: 'clearSession', params: ({ event }) => ({ reason: 'signOut' as const, error: event.output.error }) },
          { type: 'reply', params: ({ event }) => ({ kind: 'SIGN_OUT' as const, value: event.output }) },
        ],
      },
      {
        // There was no session to end, so there is nothing to announce.
        target: 'signedOut',
        actions: [
          { type: 'clearSession', params: { reason: 'signOut', error: null } },
          { type: 'reply', params: ({ event }) => ({ kind: 'SIGN_OUT' as const, value: event.output }) },
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
        { type: 'reply', params: ({ event }) => ({ kind: 'SIGN_OUT' as const, value: { error: toAuthError(event.error) } }) },
      ],
    },
  },
  on: {
    SIGN_OUT: { actions: 'joinInFlight' },
  },
})

export const lifecycleMachine = lifecycleSetup.createMachine({
  id: 'lifecycle',
  initial: 'initializing',
  context: ({ input }) => initialContext(input),
  on: {
    // Signing out is possible from every status once the stored session is known, including mid-refresh:
    // leaving `refreshing` stops the refresh actor, so its late result is never delivered and cannot
    // resurrect the session. (The client holds a sign-out asked for earlier until restoring is done.)
    SIGN_OUT: {
      guard: 'storedSessionKnown',
      target: '.signingOut',
      actions: { type: 'cancelInFlight', params: { reason: 'signOut' } },
    },
    STORAGE_DEGRADED: { actions: 'noteStorageUnavailable' },
  },
  states: {
    initializing,
    resolvingStatus,
    signedOut,
    signingIn,
    signedIn,
    refreshing,
    signingOut,
  },
})

export type LifecycleMachine = typeof lifecycleMachine
