/**
 * The reactive face of the client. Every stream gives a new subscriber the current value synchronously
 * (Svelte stores and Angular's `toSignal({ requireSync: true })` depend on it; `from(actor)` does not do
 * it), then each change once.
 * @module
 */
import { Observable } from 'rxjs'
import type { Actor, SnapshotFrom } from 'xstate'
import type { LifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthChangeEvent, Session, User } from '../types.js'
import { type AuthState, sameState, toAuthState } from './state.js'

export interface AuthEventItem {
  event: AuthChangeEvent
  session: Session | null
}

export interface AuthStreams {
  readonly state$: Observable<AuthState>
  readonly session$: Observable<Session | null>
  readonly user$: Observable<User | null>
  /** `INITIAL_SESSION` once the client is initialized, then every auth event, each after its state is committed. */
  readonly events$: Observable<AuthEventItem>
  /** Feeds `events$`; called by the client after the chart commits the state an event describes. */
  publish(item: AuthEventItem): void
  complete(): void
}

/**
 * A value picked from every snapshot, current one first, then only when `same` says it changed. Written
 * out rather than `pipe(map, distinctUntilChanged)`: the operators cost ~1 KB minified in every app bundle.
 */
function watch<T>(actor: Actor<LifecycleMachine>, pick: (snapshot: SnapshotFrom<LifecycleMachine>) => T, same: (a: T, b: T) => boolean): Observable<T> {
  return new Observable<T>((subscriber) => {
    let last = pick(actor.getSnapshot())
    subscriber.next(last)
    const subscription = actor.subscribe({
      next: (snapshot) => {
        const value = pick(snapshot)
        if (same(last, value)) return
        last = value
        subscriber.next(value)
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    })
    return () => subscription.unsubscribe()
  })
}

interface EventListener {
  next(item: AuthEventItem): void
  complete(): void
}

/**
 * The client's streams. Each is made on first access and then kept (so `client.state$ === client.state$`):
 * a client created per request on a server may never be observed.
 */
export function createStreams(actor: Actor<LifecycleMachine>, ready: Promise<void>): AuthStreams {
  return new LazyStreams(actor, ready)
}

/** A class, not an object literal with getters: V8 keeps such literals in dictionary mode (~400 bytes each). */
class LazyStreams implements AuthStreams {
  readonly #actor: Actor<LifecycleMachine>
  readonly #ready: Promise<void>
  // A plain listener set rather than an rxjs `Subject`: nothing else of Subject is used, and it is ~2.6 KB
  // minified in every app bundle.
  #live: Set<EventListener> | undefined
  #completed = false
  #state$: Observable<AuthState> | undefined
  #session$: Observable<Session | null> | undefined
  #user$: Observable<User | null> | undefined
  #events$: Observable<AuthEventItem> | undefined

  constructor(actor: Actor<LifecycleMachine>, ready: Promise<void>) {
    this.#actor = actor
    this.#ready = ready
  }

  get state$(): Observable<AuthState> {
    return (this.#state$ ??= watch(this.#actor, toAuthState, sameState))
  }

  get session$(): Observable<Session | null> {
    return (this.#session$ ??= watch(this.#actor, (snapshot) => toAuthState(snapshot).session, Object.is))
  }

  get user$(): Observable<User | null> {
    return (this.#user$ ??= watch(this.#actor, (snapshot) => toAuthState(snapshot).user, Object.is))
  }

  get events$(): Observable<AuthEventItem> {
    return (this.#events$ ??= this.#eventStream())
  }

  publish(item: AuthEventItem): void {
    if (this.#live === undefined) return
    for (const listener of [...this.#live]) listener.next(item)
  }

  complete(): void {
    this.#completed = true
    for (const listener of [...(this.#live ?? [])]) listener.complete()
    this.#live = undefined
  }

  #eventStream(): Observable<AuthEventItem> {
    return new Observable<AuthEventItem>((subscriber) => {
      if (this.#completed) {
        subscriber.complete()
        return
      }
      let initialSent = false
      const listener: EventListener = {
        // Events committed before this subscriber's INITIAL_SESSION are already reflected in it.
        next: (item) => {
          if (initialSent) subscriber.next(item)
        },
        complete: () => subscriber.complete(),
      }
      ;(this.#live ??= new Set()).add(listener)
      void this.#ready.then(() => {
        if (subscriber.closed) return
        const snapshot = this.#actor.getSnapshot()
        const session = snapshot.hasTag('settled') ? snapshot.context.session : toAuthState(snapshot).session
        initialSent = true
        subscriber.next({ event: 'INITIAL_SESSION', session })
      })
      return () => {
        this.#live?.delete(listener)
      }
    })
  }
}
