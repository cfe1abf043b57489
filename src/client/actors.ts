/**
 * The I/O the lifecycle chart needs, as XState actors and actions: storage, the refresh lock, and calls
 * through `src/api`. Each reads the client's I/O from its input (the chart hands it over from its own
 * input), so one provided chart serves every client. The chart decides when; these only do.
 * @module
 */
import { fromPromise } from 'xstate'
import { meansAlreadySignedOut } from '../../machines/failures.js'
import type {
  LandingOutput,
  LifecycleContext,
  MfaVerifyInput,
  MfaVerifyOutput,
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
} from '../../machines/lifecycle-types.js'
import { isExpiringSoon } from '../../machines/refresh-policy.js'
import { sameSignIn, sessionAfterNews } from '../../machines/session-news.js'
import * as api from '../api/index.js'
import { AuthError, AuthInvalidTokenResponseError, isAuthError } from '../errors.js'
import { combineSignals } from '../http/signals.js'
import type { SessionStore } from '../storage/session-store.js'
import type { CallOptions, Session } from '../types.js'
import { callRedirect } from './redirect-calls.js'
import { callSignIn } from './sign-in-calls.js'
import { toSession } from './session.js'

function abortedError(signal: AbortSignal): AuthError {
  return new AuthError('Operation cancelled', 0, 'aborted', { cause: signal.reason })
}

/** The later of two sessions: another client's announcement wins over storage when it carries newer tokens. */
function newestOf(stored: Session, heard: Session | null | undefined): Session {
  return heard && heard.refresh_token !== stored.refresh_token && heard.expires_at > stored.expires_at ? heard : stored
}

/**
 * What storage holds once a refresh request has settled, if it changed while the request was out: other
 * clients sign in and out without the refresh lock, so a sign-in or sign-out made meanwhile wins over the
 * request's outcome, whatever it was. (The soak found a refresh writing the old session over a newer
 * sign-in, and a failed one keeping a session another tab had replaced or ended.) Unchanged means it still
 * holds what it held `before` the request, or the `spent` token itself (another tab's write of it landing
 * late); a store that cannot read its storage knows of no change.
 */
async function changedMeanwhile(store: SessionStore, before: Session, spent: string): Promise<RefreshOutput | undefined> {
  const { session, problem } = await store.read()
  if (problem) return undefined
  if (session === null) return { outcome: 'signedOutElsewhere' }
  return session.refresh_token === before.refresh_token || session.refresh_token === spent ? undefined : { outcome: 'adopted', session }
}

/**
 * How long a refresher granted the lock right after another tab's turn waits before trusting storage that
 * still shows its own refresh token (see the refresher). Longer than the lag of a loaded machine, short
 * enough to go unnoticed: refreshes start well before the access token expires.
 */
const CONTENDED_WAIT_MS = 500

/** Waits `ms` on the global timer, not the injected clock: this is about other tabs' tasks, which run on real time. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => globalThis.setTimeout(resolve, ms))
}

/**
 * Runs `call` with the actor's signal joined to the caller's: leaving the state (a sign-out, a newer
 * sign-in) and the caller's own abort both stop it.
 */
async function withCallerSignal<T>(signal: AbortSignal, options: CallOptions | undefined, call: (options: CallOptions) => Promise<T>): Promise<T> {
  const combined = combineSignals([signal, options?.signal])
  try {
    return await call({ ...options, signal: combined.signal })
  } finally {
    combined.dispose()
  }
}

const restoreSession = fromPromise<RestoreOutput, RestoreInput>(async ({ input }) => {
  const { session, problem } = await input.io.store.read()
  return problem === undefined ? { session } : { session, problem }
})

/**
 * Trades the operation's credential for a session and saves it, unless the state was left meanwhile. Under
 * the refresh lock, and announced before it is let go, as a refresh is: a sign-in in another tab, or a refresh
 * there, then comes before or after this one, never across it. Two tabs changing the session at once could
 * otherwise each hear the other's news after their own, with nothing to tell which came last (the soak
 * found tabs ending on each other's sign-in, and a refresh writing over a sign-in made while it was out).
 */
async function signInAndSave(input: SignInInput, signal: AbortSignal): Promise<SignInOutput> {
  const { store, coordinator } = input.io
  return coordinator.withLock(
    async (lock) => {
      // Right after another tab's turn: its news travels apart from the grant (see the refresher).
      if (lock.contended) await pause(CONTENDED_WAIT_MS)
      const output = await withCallerSignal(signal, input.operation.options, (options) => callSignIn(input.io, input.operation, options))
      // Leaving `signingIn` aborts the signal: the late session must not be saved.
      if (signal.aborted) throw abortedError(signal)
      if (output.session) {
        await store.write(output.session)
        coordinator.publish({ type: 'session', event: output.event, session: output.session })
      }
      return output
    },
    { timeoutMs: input.lockTimeoutMs, signal },
  )
}

const signIn = fromPromise<SignInOutput, SignInInput>(({ input, signal }) => signInAndSave(input, signal))

/** The credential the URL brought back: a code or fragment tokens always trade for a session, or fail. */
const completeLanding = fromPromise<LandingOutput, SignInInput>(async ({ input, signal }) => {
  const { session, event } = await signInAndSave(input, signal)
  if (session === null || event === 'USER_UPDATED') throw new AuthInvalidTokenResponseError()
  return { session, event }
})

const leaveForProvider = fromPromise<RedirectOutput, RedirectInput>(async ({ input, signal }) => {
  const output = await withCallerSignal(signal, input.operation.options, (options) => callRedirect(input.io, input.operation, options))
  if (signal.aborted) throw abortedError(signal)
  return output
})

const verifyMfa = fromPromise<MfaVerifyOutput, MfaVerifyInput>(async ({ input, signal }) => {
  const { transport, store, clock } = input.io
  const { operation } = input
  const response = await withCallerSignal(signal, operation.options, (options) =>
    api.verifyFactor(transport, input.session.access_token, operation, options),
  )
  if (signal.aborted) throw abortedError(signal)
  const session = toSession(response, clock.now())
  await store.write(session)
  return { session, response }
})

/**
 * One refresher per storage key: take the lock, re-read storage, and adopt a session another client
 * already rotated instead of spending the (single-use) refresh token a second time.
 */
const refreshSession = fromPromise<RefreshOutput, RefreshInput>(async ({ input, signal }) => {
  const { transport, store, coordinator, clock } = input.io
  return coordinator.withLock(
    async (lock) => {
      const read = await store.read()
      if (signal.aborted) throw abortedError(signal)
      // Storage that cannot be read (lost to memory, which holds only this client's own writes) or held garbage
      // says nothing about whether other clients signed out: the session in hand stands.
      const stored = read.session ?? (read.problem ? input.session : null)
      if (stored === null) return { outcome: 'signedOutElsewhere' as const }
      let latest = newestOf(stored, coordinator.lastHeard?.session)
      if (coordinator.crossContext && latest.refresh_token === input.session.refresh_token) {
        // Across tabs the previous holder's storage write and announcement travel apart from the lock grant
        // (through other processes) and can trail it. After an uncontended grant one task is enough for an
        // announcement already queued; after a contended one, storage still showing our own token is no proof
        // that the previous holder did not just spend it: give its news time to arrive.
        await pause(lock.contended ? CONTENDED_WAIT_MS : 0)
        latest = newestOf(latest, coordinator.lastHeard?.session)
      }
      const rotatedElsewhere = latest.refresh_token !== input.session.refresh_token
      if (rotatedElsewhere && !input.force && !isExpiringSoon(latest, clock.now(), input.settings.refreshMarginMs)) {
        return { outcome: 'adopted' as const, session: latest }
      }
      const spent = latest.refresh_token
      const answer = api.refreshAccessToken(transport, spent, { signal })
      // Whatever the answer, a sign-in or sign-out another client made meanwhile decides first.
      await answer.catch(() => undefined)
      const changed = await changedMeanwhile(store, stored, spent)
      if (changed) return changed
      const response = await answer
      if (signal.aborted) throw abortedError(signal)
      const session = toSession(response, clock.now())
      await store.write(session)
      // Announced while the lock is still held, so a client queued on it hears of the new tokens even
      // when its copy of storage lags behind.
      coordinator.publish({ type: 'session', event: 'TOKEN_REFRESHED', session })
      return { outcome: 'refreshed' as const, session }
    },
    { timeoutMs: input.settings.lockTimeoutMs, signal },
  )
})

const signOut = fromPromise<SignOutOutput, SignOutInput>(async ({ input, signal }) => {
  if (input.accessToken === null) return { error: null }
  try {
    await api.logout(input.io.transport, input.accessToken, input.scope, { signal })
    return { error: null }
  } catch (error) {
    if (meansAlreadySignedOut(error)) return { error: null }
    return { error: isAuthError(error) ? error : new AuthError('Sign-out request failed', undefined, 'unexpected_failure') }
  }
})

/** The chart's actors, made once and shared by every client. */
export const lifecycleActors = { restoreSession, signIn, completeLanding, leaveForProvider, verifyMfa, refreshSession, signOut }

/** The chart's storage actions: they act on the I/O in the context of the client that runs them. */
export const lifecycleActions = {
  forgetStoredSession: ({ context }: { context: LifecycleContext }) => void context.io.store.remove(),
  persistSession: ({ context }: { context: LifecycleContext }) => {
    void (context.session ? context.io.store.write(context.session) : context.io.store.remove())
  },
  /**
   * After another client's news was taken. Storage is theirs to write, but a write of this client's may have
   * landed after theirs (a user update of the session this client just replaced or ended, the soak found),
   * and news taken only in part means they stored older tokens or user than this client now holds. Storage
   * then gets what this client holds (nothing, after a sign-out); a sign-in another client made since stays.
   */
  reconcileStorage: ({ context: { session, io, replacedToken } }: { context: LifecycleContext }, { heard }: { heard: Session | null }) => {
    void io.store.read().then(({ session: stored }) => {
      if (!stored) return
      if (stored.refresh_token === replacedToken) return session ? io.store.write(session) : io.store.remove()
      const newest = session && session !== heard && sameSignIn(stored, session) && sessionAfterNews(stored, session)
      if (newest && newest !== stored) return io.store.write(newest)
    })
  },
}
