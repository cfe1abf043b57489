/**
 * The running parts of one client: the chart's actor with its I/O provided, the reply registry, the event
 * fan-out and cross-client messages. Public methods (`auth-client.ts`, `mfa.ts`) are thin layers over this.
 * @module
 */
import { type Actor, createActor } from 'xstate'
import { lifecycleMachine, type LifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthStatus, LifecycleEmitted, LifecycleEvent } from '../../machines/lifecycle-types.js'
import { type Coordinator, createCoordinator } from '../coordination/index.js'
import { AuthError, AuthInvalidCredentialsError, AuthSessionMissingError } from '../errors.js'
import { createHttp, type Http } from '../http/index.js'
import { createSessionStore, defaultStorage, defaultStorageKey, memoryStorage, type SessionStore } from '../storage/index.js'
import type { Session } from '../types.js'
import { type ActorDeps, createLifecycleActors } from './actors.js'
import { type Clock, systemClock } from './clock.js'
import { type AuthClientOptions, DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_REFRESH_MARGIN_MS } from './options.js'
import { redactingInspector } from './redact.js'
import { ReplyRegistry } from './replies.js'
import { isExpired, isExpiringSoon } from './session.js'
import { untilSettled } from './settled.js'
import { SETTLED_STATUSES, statusOf } from './state.js'
import { type AuthStreams, createStreams } from './streams.js'

const BLOCKS_SIGN_IN: ReadonlySet<AuthStatus> = new Set(['initializing', 'refreshing', 'signingOut'])

type Command = Extract<LifecycleEvent, { requestId?: string }>
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** Each running client's I/O, found by the actor system its chart runs in. */
const depsBySystem = new WeakMap<object, ActorDeps>()

function depsOf(system: object): ActorDeps {
  const deps = depsBySystem.get(system)
  if (deps === undefined) throw new Error('auth client dependencies missing for this actor system')
  return deps
}

let providedMachine: LifecycleMachine | undefined

/**
 * The chart with its I/O provided, built once on first use and shared: `provide` copies every state node,
 * which per client cost ~35 KB of heap (two thirds of an idle client).
 */
function machineWithIo(): LifecycleMachine {
  providedMachine ??= lifecycleMachine.provide({
    actors: createLifecycleActors(depsOf),
    actions: {
      forgetStoredSession: ({ system }) => void depsOf(system).store.remove(),
      persistSession: ({ context, system }) => {
        const { store } = depsOf(system)
        void (context.session ? store.write(context.session) : store.remove())
      },
    },
  })
  return providedMachine
}

export class ClientCore {
  readonly http: Http
  readonly clock: Clock
  readonly store: SessionStore
  readonly coordinator: Coordinator
  readonly actor: Actor<LifecycleMachine>
  readonly streams: AuthStreams
  readonly ready: Promise<void>
  readonly refreshMarginMs: number
  readonly #replies = new ReplyRegistry()
  readonly #cleanups: Array<() => void> = []
  #disposed = false

  constructor(options: AuthClientOptions) {
    if (typeof options?.url !== 'string' || options.url === '') throw new AuthInvalidCredentialsError('createAuthClient needs a `url`')
    this.clock = options.clock ?? systemClock
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS
    this.http = createHttp({ url: options.url, apiKey: options.apiKey ?? '', headers: options.headers, fetch: options.fetch, timeout: options.timeout })
    const storage = options.persistSession === false ? memoryStorage() : (options.storage ?? defaultStorage())
    const key = options.storageKey ?? defaultStorageKey(options.url)
    this.store = createSessionStore(storage, key, { timeoutMs: options.storageTimeoutMs })
    this.coordinator = createCoordinator(storage, key)

    const inspect = options.inspect
      ? options.redactInspection === false
        ? options.inspect
        : redactingInspector(options.inspect)
      : undefined
    this.actor = createActor(machineWithIo(), {
      input: { autoRefreshToken: options.autoRefreshToken ?? true, refreshMarginMs: this.refreshMarginMs, clock: this.clock },
      clock: { setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms), clearTimeout: (handle) => this.clock.clearTimeout(handle) },
      ...(inspect ? { inspect } : {}),
    })

    depsBySystem.set(this.actor.system, {
      http: this.http,
      store: this.store,
      coordinator: this.coordinator,
      clock: this.clock,
      refreshMarginMs: this.refreshMarginMs,
      lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    })
    this.ready = untilSettled(this.actor).then(() => undefined)
    this.streams = createStreams(this.actor, this.ready)
    this.#wire()
    this.actor.start()
  }

  #wire(): void {
    const onEmitted = (emitted: LifecycleEmitted) => {
      // Emitted during the transition; delivered after it, so listeners see the committed state and can
      // call back into the client without re-entering the chart mid-step.
      queueMicrotask(() => this.#deliver(emitted))
    }
    // One wildcard listener for both kinds (`reply`, `authEvent`): one listener set per client, not two.
    const emittedSub = this.actor.on('*', onEmitted)
    const unsubscribeMessages = this.coordinator.subscribe((message) => {
      this.actor.send({ type: 'SESSION_CHANGED_ELSEWHERE', event: message.event, session: message.session })
    })
    const unsubscribeDegraded = this.store.onDegraded(() => this.actor.send({ type: 'STORAGE_DEGRADED' }))
    if (this.store.degraded) this.actor.send({ type: 'STORAGE_DEGRADED' })
    this.#cleanups.push(() => emittedSub.unsubscribe(), unsubscribeMessages, unsubscribeDegraded)
  }

  #deliver(emitted: LifecycleEmitted): void {
    if (emitted.type === 'reply') {
      if (emitted.ok) this.#replies.resolve(emitted.requestIds, emitted.value)
      else this.#replies.reject(emitted.requestIds, emitted.error)
      return
    }
    if (emitted.origin === 'local') {
      this.coordinator.publish({ type: 'session', event: emitted.event, session: emitted.session })
    }
    this.streams.publish({ event: emitted.event, session: emitted.session })
  }

  get status(): AuthStatus {
    return statusOf(this.actor.getSnapshot())
  }

  /** Sends a command and waits for the chart's reply; rejects at once when the current status does not take it. */
  async command<T>(event: DistributiveOmit<Command, 'requestId'>, what: string): Promise<T> {
    this.assertLive()
    // A refresh already in flight (even the one restoring the session) is joined, not waited out and repeated.
    const joinsRefresh = event.type === 'REFRESH' && this.status === 'refreshing'
    if (!joinsRefresh) {
      await this.ready
      this.assertLive()
      if (this.#mustWaitBefore(event.type)) await this.settled()
    }
    const requestId = this.#replies.newId()
    const reply = this.#replies.wait<T>(requestId)
    this.actor.send({ ...event, requestId } as LifecycleEvent)
    if (!this.actor.getSnapshot().context.waiting.includes(requestId)) {
      const refused =
        event.type === 'VERIFY_MFA' || event.type === 'REFRESH'
          ? new AuthSessionMissingError(`Cannot ${what}: no session (status ${this.status})`)
          : new AuthError(`Cannot ${what} while ${this.status}`, undefined, 'busy')
      this.#replies.reject([requestId], refused)
    }
    return reply
  }

  /**
   * A sign-out goes at once (it wins over anything in flight); a sign-in may replace a sign-in in flight but
   * waits for a refresh or sign-out; a refresh joins one in flight; the rest wait for a settled status.
   */
  #mustWaitBefore(type: Command['type']): boolean {
    const status = this.status
    if (type === 'SIGN_OUT') return false
    if (type === 'SIGN_IN') return BLOCKS_SIGN_IN.has(status)
    if (type === 'REFRESH') return status !== 'refreshing' && !SETTLED_STATUSES.has(status)
    return !SETTLED_STATUSES.has(status)
  }

  /** Waits until no operation is in flight (bounded), then returns the session it settled on. */
  async settled(timeoutMs = 60_000): Promise<void> {
    await this.ready
    if (SETTLED_STATUSES.has(this.status)) return
    if (!(await untilSettled(this.actor, timeoutMs))) {
      throw new AuthError(`Gave up waiting for ${this.status} to finish after ${timeoutMs} ms`, undefined, 'timeout')
    }
  }

  /**
   * The session, fresh: expiry is judged now, against this device's clock, and a session inside the
   * refresh margin is refreshed before it is handed out (one refresh, however many callers ask at once).
   */
  async getSession(): Promise<Session | null> {
    this.assertLive()
    await this.settled()
    this.assertLive()
    const { context } = this.actor.getSnapshot()
    const session = context.session
    if (!session) return null
    const now = this.clock.now()
    if (!isExpiringSoon(session, now, this.refreshMarginMs)) return session
    // A refresh that keeps failing transiently is retried on its own schedule, not on every read.
    const waitingForRetry = context.stale && context.retryAt !== null && now < context.retryAt
    if (!waitingForRetry) {
      try {
        return await this.command<Session>({ type: 'REFRESH' }, 'refresh the session')
      } catch (error) {
        const current = this.actor.getSnapshot().context.session
        if (current && !isExpired(current, this.clock.now())) return current
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
    this.coordinator.close()
    this.streams.complete()
    this.#replies.rejectAll('This auth client was disposed')
  }
}
