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
import { type AuthState, SETTLED_STATUSES, sameState, statusOf, toAuthState } from './state.js'

export interface AuthEventItem {
  event: AuthChangeEvent
  session: Session | null
}

export interface AuthStreams {
  state$: Observable<AuthState>
  session$: Observable<Session | null>
  user$: Observable<User | null>
  /** `INITIAL_SESSION` once the client is initialized, then every auth event, each after its state is committed. */
  events$: Observable<AuthEventItem>
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

export function createStreams(actor: Actor<LifecycleMachine>, ready: Promise<void>): AuthStreams {
  // A plain listener set rather than an rxjs `Subject`: nothing else of Subject is used, and it is ~2.6 KB
  // minified in every app bundle.
  const live = new Set<EventListener>()
  let completed = false

  const state$ = watch(actor, toAuthState, sameState)
  const session$ = watch(actor, (snapshot) => toAuthState(snapshot).session, Object.is)
  const user$ = watch(actor, (snapshot) => toAuthState(snapshot).user, Object.is)

  const events$ = new Observable<AuthEventItem>((subscriber) => {
    let initialSent = false
    if (completed) {
      subscriber.complete()
      return
    }
    const listener: EventListener = {
      // Events committed before this subscriber's INITIAL_SESSION are already reflected in it.
      next: (item) => {
        if (initialSent) subscriber.next(item)
      },
      complete: () => subscriber.complete(),
    }
    live.add(listener)
    void ready.then(() => {
      if (subscriber.closed) return
      const snapshot = actor.getSnapshot()
      const session = SETTLED_STATUSES.has(statusOf(snapshot)) ? snapshot.context.session : toAuthState(snapshot).session
      initialSent = true
      subscriber.next({ event: 'INITIAL_SESSION', session })
    })
    return () => live.delete(listener)
  })

  return {
    state$,
    session$,
    user$,
    events$,
    publish: (item) => {
      for (const listener of [...live]) listener.next(item)
    },
    complete: () => {
      completed = true
      for (const listener of [...live]) listener.complete()
      live.clear()
    },
  }
}
