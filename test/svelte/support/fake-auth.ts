/**
 * A stand-in for `AuthClient` with exactly what the Svelte adapter reads (`state$`, `session$`, `user$`,
 * `snapshot`, `dispose`), driven by hand and counting live subscriptions, so tests can see that every
 * subscription the adapter opens is closed again. The real client is covered in `stores.test.ts`.
 */
import { BehaviorSubject, distinctUntilChanged, finalize, map, type Observable } from 'rxjs'
import type { AuthClient, AuthState, BusyState, Session, SignedInState, SignedOutState, User } from '../../../src/index.js'

export interface FakeAuth {
  /** Typed as the client, for the adapter's signatures. */
  client: AuthClient
  /** Moves the fake to a new state, as the chart would. */
  set(state: AuthState): void
  /** Subscriptions open right now, over all three streams. */
  live(): number
  disposed(): boolean
}

export function signedOut(): SignedOutState {
  return { status: 'signedOut', session: null, user: null, aal: null, reason: 'initial', stale: false, retryAt: null, error: null, storage: 'ok' }
}

export function busy(status: 'initializing' | 'signingIn' | 'refreshing' | 'signingOut', session: Session | null = null): BusyState {
  return { status, session, user: session?.user ?? null, aal: null, reason: null, stale: false, retryAt: null, error: null, storage: 'ok' }
}

export function signedIn(email: string, status: 'authenticated' | 'mfaChallenge' = 'authenticated'): SignedInState {
  const user = { id: `id-${email}`, email } as unknown as User
  const session = { access_token: 'not-a-real-token', refresh_token: 'not-real', user } as unknown as Session
  return { status, session, user, aal: 'aal1', reason: null, stale: false, retryAt: null, error: null, storage: 'ok' }
}

export function fakeAuth(initial: AuthState = busy('initializing')): FakeAuth {
  const subject = new BehaviorSubject<AuthState>(initial)
  let open = 0
  let disposed = false
  const counted = <T>(stream: Observable<T>): Observable<T> =>
    new Proxy(stream, {
      get(target, key, receiver) {
        if (key !== 'subscribe') return Reflect.get(target, key, receiver)
        return (...args: Parameters<Observable<T>['subscribe']>) => {
          open += 1
          return target.pipe(finalize(() => (open -= 1))).subscribe(...args)
        }
      },
    })
  const state$ = counted(subject.asObservable())
  const session$ = counted(subject.pipe(map((s) => s.session), distinctUntilChanged()))
  const user$ = counted(subject.pipe(map((s) => s.user), distinctUntilChanged()))
  const client = {
    state$,
    session$,
    user$,
    get snapshot() {
      return subject.value
    },
    dispose() {
      disposed = true
    },
  }
  return {
    client: client as unknown as AuthClient,
    set: (state) => subject.next(state),
    live: () => open,
    disposed: () => disposed,
  }
}
