/**
 * The named pieces of the lifecycle chart: its types, the actors it invokes (provided by `src/client`),
 * its guards, delay and actions. The chart that arranges them is `lifecycle.ts`.
 * @module
 */
import { assign, emit, enqueueActions, fromPromise, type NonReducibleUnknown, setup } from 'xstate'
import { AuthError, classifyRefreshError } from '../src/errors.js'
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
import { isRefreshDue, nextCheckDelay, retryDelayMs } from './refresh-policy.js'
import { awaitsSecondFactor, isAnonymousSession } from './session-facts.js'

/** Stands in for an actor the client provides; running the bare chart without it fails loudly. */
function provided<TOutput, TInput = NonReducibleUnknown>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`The lifecycle machine needs the "${name}" actor; createAuthClient provides it.`)
  })
}

export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  return new AuthError(error instanceof Error ? error.message : 'Unexpected failure', undefined, 'unexpected_failure', { cause: error })
}

export function reasonFor(error: unknown): SignedOutReason {
  return error instanceof AuthError && error.code === 'session_expired' ? 'expired' : 'revoked'
}

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown }

export const lifecycleSetup = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as LifecycleInput,
    emitted: {} as LifecycleEmitted,
  },
  actors: {
    restoreSession: provided<RestoreOutput>('restoreSession'),
    signIn: provided<SignInOutput, SignInInput>('signIn'),
    verifyMfa: provided<MfaVerifyOutput, MfaVerifyInput>('verifyMfa'),
    refreshSession: provided<RefreshOutput, RefreshInput>('refreshSession'),
    signOut: provided<SignOutOutput, SignOutInput>('signOut'),
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
    cancelWaiting: enqueueActions<LifecycleContext, LifecycleEvent, { message: string }, LifecycleEvent, never, never, never, never, LifecycleEmitted>(({ context, enqueue }, params) => {
      // Usually nobody waits (a plain sign-out): then there is no reply, and no error (and stack trace) built for nobody.
      if (context.waiting.length === 0) return
      enqueue.emit({
        type: 'reply' as const,
        requestIds: context.waiting,
        ok: false as const,
        error: new AuthError(params.message, undefined, 'aborted'),
      })
    }),
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
})
