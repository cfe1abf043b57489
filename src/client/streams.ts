/**
 * The reactive face of the client. Every stream gives a new subscriber the current value synchronously
 * (Svelte stores and Angular's `toSignal({ requireSync: true })` depend on it; `from(actor)` does not do
 * it), then each change once.
 * @module
 */
import { Observable, Subject, distinctUntilChanged, map } from 'rxjs'
import type { Actor } from 'xstate'
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

export function createStreams(actor: Actor<LifecycleMachine>, ready: Promise<void>): AuthStreams {
  const live = new Subject<AuthEventItem>()

  const state$ = new Observable<AuthState>((subscriber) => {
    subscriber.next(toAuthState(actor.getSnapshot()))
    const subscription = actor.subscribe({
      next: (snapshot) => subscriber.next(toAuthState(snapshot)),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    })
    return () => subscription.unsubscribe()
  }).pipe(distinctUntilChanged(sameState))

  const session$ = state$.pipe(
    map((state) => state.session),
    distinctUntilChanged(),
  )
  const user$ = state$.pipe(
    map((state) => state.user),
    distinctUntilChanged(),
  )

  const events$ = new Observable<AuthEventItem>((subscriber) => {
    let initialSent = false
    const pending: AuthEventItem[] = []
    const subscription = live.subscribe({
      next: (item) => (initialSent ? subscriber.next(item) : pending.push(item)),
      complete: () => subscriber.complete(),
    })
    // Events committed before this subscriber's INITIAL_SESSION are already reflected in it.
    void ready.then(() => {
      if (subscriber.closed) return
      const snapshot = actor.getSnapshot()
      const session = SETTLED_STATUSES.has(statusOf(snapshot)) ? snapshot.context.session : toAuthState(snapshot).session
      initialSent = true
      pending.length = 0
      subscriber.next({ event: 'INITIAL_SESSION', session })
    })
    return () => subscription.unsubscribe()
  })

  return {
    state$,
    session$,
    user$,
    events$,
    publish: (item) => live.next(item),
    complete: () => live.complete(),
  }
}
