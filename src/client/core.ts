/**
 * The running parts of one client: the chart's actor with its I/O handed in, the callers waiting on it,
 * the event fan-out and cross-client messages. Public methods (`auth-client.ts`, `mfa.ts`) are thin
 * layers over this.
 * @module
 */
import { type Actor, createActor } from 'xstate'
import { lifecycleMachine, type LifecycleMachine } from '../../machines/lifecycle.js'
import type {
  AuthStatus,
  LifecycleEmitted,
  LifecycleEvent,
  LifecycleIo,
  MfaVerifyOutput,
  OperationResult,
  RedirectLanding,
  RedirectOutput,
  SignInOutput,
  SignOutOutput,
} from '../../machines/lifecycle-types.js'
import type { MfaVerifyOperation, RedirectOperation, SignInOperation } from '../../machines/operations.js'
import { DEFAULT_REFRESH_MARGIN_MS, isExpired, isExpiringSoon, USABLE_DURING_REFRESH_MS } from '../../machines/refresh-policy.js'
import { statusOf } from '../../machines/status.js'
import { createCoordinator } from '../coordination/index.js'
import { AuthError, AuthInvalidCredentialsError, AuthSessionMissingError } from '../errors.js'
import { createHttp } from '../http/index.js'
import { systemClock } from '../runtime/timers.js'
import { createSessionStore, defaultStorage, defaultStorageKey, memoryStorage } from '../storage/index.js'
import type { Session } from '../types.js'
import { lifecycleActions, lifecycleActors } from './actors.js'
import type { AuthClientOptions } from './options.js'
import { cleanPageUrl, currentPageUrl, type ImplicitFlow, readLanding } from './page-url.js'
import { inspectorFor } from './inspection.js'
import { untilSettled } from './settled.js'
import { type AuthStreams, createStreams } from './streams.js'
import { Waiters } from './waiters.js'

/** The events a caller sends and waits on; each begins (or joins) one operation of the chart. */
type Command = Extract<LifecycleEvent, { type: OperationResult['kind'] }>

/** The value an operation begun by a command of type `K` hands back. */
type ResultOf<K extends Command['type']> = Extract<OperationResult, { kind: K }>['value']

/**
 * The callback the app was opened with, if any: the given `pageUrl`, or the browser page's URL, which is
 * then cleaned at once so the callback is used once whatever becomes of it.
 */
function landingOf(options: AuthClientOptions, implicit: ImplicitFlow | undefined): RedirectLanding | null {
  const detect = options.detectSessionInUrl ?? true
  if (options.pageUrl !== undefined) return readLanding(options.pageUrl, implicit, detect)
  const href = currentPageUrl()
  const landing = href === undefined ? null : readLanding(href, implicit, detect)
  if (landing !== null) cleanPageUrl()
  return landing
}

function noop(): void {}

/** How many times a command waits for the chart to settle before giving up as `busy`. */
const MAX_WAITS_FOR_TURN = 3

let providedMachine: LifecycleMachine | undefined

/**
 * The chart with its actors provided, built once on first use and shared: `provide` copies every state
 * node, which per client would cost more heap than the rest of an idle client. Each client's I/O reaches
 * the actors through the chart's input instead.
 */
function providedLifecycle(): LifecycleMachine {
  providedMachine ??= lifecycleMachine.provide({ actors: lifecycleActors, actions: lifecycleActions })
  return providedMachine
}

export class ClientCore {
  readonly io: LifecycleIo
  readonly actor: Actor<LifecycleMachine>
  readonly streams: AuthStreams
  readonly ready: Promise<void>
  readonly refreshMarginMs: number
  readonly flowType: 'pkce' | 'implicit'
  readonly #waiters = new Waiters()
  readonly #cleanups: Array<() => void> = []
  #disposed = false

  constructor(options: AuthClientOptions) {
    if (typeof options?.url !== 'string' || options.url === '') throw new AuthInvalidCredentialsError('createAuthClient needs a `url`')
    const clock = options.clock ?? systemClock
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS
    // Anything but the implicit flow's object (auth-js's string 'implicit' too) is the default PKCE flow, which works
    // end to end as well: the redirect comes back with a code.
    const flow = options.flowType
    const implicit = typeof flow === 'object' && typeof flow?.tokensLanding === 'function' ? flow : undefined
    this.flowType = implicit ? 'implicit' : 'pkce'
    const storage = options.persistSession === false ? memoryStorage() : (options.storage ?? defaultStorage())
    const key = options.storageKey ?? defaultStorageKey(options.url)
    this.io = {
      transport: createHttp({ url: options.url, apiKey: options.apiKey ?? '', headers: options.headers, fetch: options.fetch, timeout: options.timeout }),
      store: createSessionStore(storage, key, { timeoutMs: options.storageTimeoutMs }),
      coordinator: createCoordinator(storage, key),
      clock,
    }

    const inspect = inspectorFor(options.inspect, options.redactInspection)
    this.actor = createActor(providedLifecycle(), {
      input: {
        io: this.io,
        settings: { autoRefreshToken: options.autoRefreshToken ?? true, refreshMarginMs: this.refreshMarginMs, lockTimeoutMs: options.lockTimeoutMs },
        landing: landingOf(options, implicit),
      },
      clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (handle) => clock.clearTimeout(handle) },
      ...(inspect ? { inspect } : {}),
    })
    this.ready = untilSettled(this.actor).then(() => undefined)
    this.streams = createStreams(this.actor, this.ready)
    this.#wire()
    this.actor.start()
  }

  #wire(): void {
    // One wildcard listener for everything the chart says: one listener set per client, not several.
    const emittedSub = this.actor.on('*', (emitted: LifecycleEmitted) => {
      // Whatever the chart says is delivered after its transition commits, so listeners see the committed
      // state and can call back into the client without re-entering the chart mid-step. The callers an
      // operation's end concerns are the ones waiting now, so they are picked now.
      const deliver = emitted.type === 'authEvent' ? () => this.#announce(emitted) : this.#waiters.take(emitted)
      queueMicrotask(deliver)
    })
    const unsubscribeMessages = this.io.coordinator.subscribe((message) => {
      if (message.session === null) return this.actor.send({ type: 'SIGNED_OUT_ELSEWHERE', ended: message.ended })
      const news = { type: 'SESSION_CHANGED_ELSEWHERE', event: message.event, session: message.session } as const
      // A session announced while the chart is busy with something that does not take news (signing out) is
      // delivered again once it settles, where the chart weighs it as any news (the soak found a tab that
      // signed out while another signed in staying signed out, with the new session in storage).
      if (!this.actor.getSnapshot().can(news)) void this.settled().then(() => this.actor.send(news), noop)
      this.actor.send(news)
    })
    const unsubscribeDegraded = this.io.store.onDegraded(() => this.actor.send({ type: 'STORAGE_DEGRADED' }))
    if (this.io.store.degraded) this.actor.send({ type: 'STORAGE_DEGRADED' })
    this.#cleanups.push(() => emittedSub.unsubscribe(), unsubscribeMessages, unsubscribeDegraded)
  }

  #announce(emitted: Extract<LifecycleEmitted, { type: 'authEvent' }>): void {
    if (emitted.origin === 'local') {
      this.io.coordinator.publish({ type: 'session', event: emitted.event, session: emitted.session, ended: emitted.ended })
    }
    const item = { event: emitted.event, session: emitted.session }
    // After the INITIAL_SESSION of everyone subscribed so far, which is sent once `ready` resolves.
    if (emitted.landing) void this.ready.then(() => this.streams.publish(item))
    else this.streams.publish(item)
  }

  get status(): AuthStatus {
    return statusOf(this.actor.getSnapshot().value)
  }

  /**
   * Sends a command and waits for the operation it begins or joins. Whether the command can go now is the
   * chart's answer (`can`): a sign-out goes at once (once the stored session is known), a refresh joins
   * one in flight (even the one restoring started), a sign-in replaces one in flight. When the chart is
   * busy with something it does not interrupt for this command, the command waits for it to settle and
   * asks again.
   */
  async #run(command: Command, what: string): Promise<OperationResult> {
    this.assertLive()
    for (let waits = 0; !this.actor.getSnapshot().can(command); waits += 1) {
      const snapshot = this.actor.getSnapshot()
      if (snapshot.hasTag('settled')) {
        // At rest and still refused: only a status without a session refuses what a session would allow.
        throw new AuthSessionMissingError(`Cannot ${what}: no session`)
      }
      if (waits === MAX_WAITS_FOR_TURN) throw new AuthError(`Cannot ${what} while ${this.status}`, undefined, 'busy')
      await this.settled()
      this.assertLive()
    }
    this.actor.send(command)
    return this.#waiters.join()
  }

  /**
   * Runs a command to the end of its operation and hands back that operation's value. A result of another
   * kind would be a bug in the chart: it is reported, not cast away.
   */
  async #operate<C extends Command>(command: C, what: string): Promise<ResultOf<C['type']>> {
    const result = await this.#run(command, what)
    if (result.kind !== command.type) throw new AuthError(`Expected the result of ${command.type}, got ${result.kind}`, undefined, 'unexpected_failure')
    return result.value as ResultOf<C['type']>
  }

  /** Trades a credential for a session; a sign-in in flight is replaced. */
  async signIn(operation: SignInOperation, what: string): Promise<SignInOutput> {
    return this.#operate({ type: 'SIGN_IN', operation }, what)
  }

  /** Sends the user to an identity provider (or only makes the URL); a sign-in in flight is replaced. */
  async redirect(operation: RedirectOperation, what: string): Promise<RedirectOutput> {
    return this.#operate({ type: 'REDIRECT', operation }, what)
  }

  /** Upgrades the session with a second factor. */
  async verifyMfa(operation: MfaVerifyOperation): Promise<MfaVerifyOutput> {
    return this.#operate({ type: 'VERIFY_MFA', operation }, 'verify the factor')
  }

  /** Rotates the tokens (`force`: even when another client just did); a refresh in flight is joined. */
  async refresh(force: boolean): Promise<Session> {
    return this.#operate({ type: 'REFRESH', force }, 'refresh the session')
  }

  /** Ends the session here (and at the server for `global`); a sign-out in flight is joined. */
  async signOut(scope: 'global' | 'local'): Promise<SignOutOutput> {
    return this.#operate({ type: 'SIGN_OUT', scope }, 'sign out')
  }

  /** Waits until no operation is in flight (bounded), then returns. */
  async settled(timeoutMs = 60_000): Promise<void> {
    await this.ready
    if (!(await untilSettled(this.actor, timeoutMs))) {
      throw new AuthError(`Gave up waiting for ${this.status} to finish after ${timeoutMs} ms`, undefined, 'timeout')
    }
  }

  /**
   * The session, fresh: expiry is judged now, against this device's clock, and a session inside the
   * refresh margin is refreshed before it is handed out (one refresh, however many callers ask at once).
   * While a refresh is already in flight, a token valid for {@link USABLE_DURING_REFRESH_MS} more is handed
   * out at once instead of waiting for it.
   */
  async getSession(): Promise<Session | null> {
    this.assertLive()
    // A refresh in flight does not hold up a token that is still good (it may hang for the whole timeout).
    const current = this.actor.getSnapshot().context.session
    if (this.status === 'refreshing' && current && !isExpired(current, this.io.clock.now() + USABLE_DURING_REFRESH_MS)) return current
    await this.settled()
    this.assertLive()
    const { context } = this.actor.getSnapshot()
    const session = context.session
    if (!session) return null
    const now = this.io.clock.now()
    if (!isExpiringSoon(session, now, this.refreshMarginMs)) return session
    // A refresh that keeps failing transiently is retried on its own schedule, not on every read.
    const waitingForRetry = context.stale && context.retryAt !== null && now < context.retryAt
    if (!waitingForRetry) {
      try {
        return await this.refresh(false)
      } catch (error) {
        const current = this.actor.getSnapshot().context.session
        if (current && !isExpired(current, this.io.clock.now())) return current
        throw error
      }
    }
    if (!isExpired(session, now)) return session
    throw context.error ?? new AuthSessionMissingError('Session expired and could not be refreshed yet')
  }

  /** A session whose access token can be used right now, or a typed error. */
  async requireSession(): Promise<Session> {
    const session = await this.getSession()
    if (!session) throw new AuthSessionMissingError()
    return session
  }

  /** Rejects calls on a disposed client, before any request goes out. */
  assertLive(): void {
    if (this.#disposed) throw new AuthError('This auth client was disposed', undefined, 'disposed')
  }

  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    for (const cleanup of this.#cleanups.splice(0)) cleanup()
    this.actor.stop()
    this.io.coordinator.close()
    this.streams.complete()
    this.#waiters.rejectAll(new AuthError('This auth client was disposed', undefined, 'disposed'))
  }
}
