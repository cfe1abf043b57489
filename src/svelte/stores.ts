/**
 * Svelte stores over the client's streams, honouring the store contract to the letter: `subscribe` calls
 * back synchronously with the current value and returns a plain unsubscribe function. The client's RxJS
 * streams return a `Subscription` object instead, which Svelte's `$store` syntax tolerates but
 * `fromStore` (Svelte 5) does not: it calls the returned value on teardown ("stop is not a function").
 * @module
 */
import type { AuthClient } from '../client/auth-client.js'
import type { AuthState, AuthStatus } from '../client/state.js'
import type { Session, User } from '../types.js'
import { getAuthClient } from './context.js'

/**
 * Svelte's `Readable<T>` contract (`svelte/store`), written out so that these declarations compile in apps
 * without Svelte's types; it is assignable to `Readable<T>` and accepted by `get`, `derived` and `fromStore`.
 *
 * @example
 * ```ts
 * const unsubscribe = store.subscribe((value) => console.log(value)) // logs the current value at once
 * unsubscribe()
 * ```
 */
export interface AuthStore<T> {
  subscribe(this: void, run: (value: T) => void, invalidate?: () => void): () => void
}

/**
 * The client as Svelte stores. Read them with `$status`, `$user`, …; the object is cheap to make and holds
 * nothing but the client, so it is safe to create per component.
 *
 * Destructure `state` under another name in Svelte 5 components: `$state` is the rune, so a local `state`
 * store cannot be read as `$state` there.
 *
 * @example
 * ```html
 * <script lang="ts">
 *   const { status, user, state: authState } = authStores(auth)
 * </script>
 * <p>{$status}: {$user?.email ?? 'nobody'} {$authState.error?.message ?? ''}</p>
 * ```
 */
export interface AuthStores {
  /** The whole {@link AuthState}; a new value whenever anything a user could notice changes. */
  readonly state: AuthStore<AuthState>
  /** Only the status (`initializing`, `signedOut`, `authenticated`, …); calls back when it changes. */
  readonly status: AuthStore<AuthStatus>
  /** The session, `null` when there is none. */
  readonly session: AuthStore<Session | null>
  /** The signed-in user, `null` when there is none. */
  readonly user: AuthStore<User | null>
}

/** What the client's streams are to this module: something that calls back and can be unsubscribed. */
interface Stream<S> {
  subscribe(next: (value: S) => void): { unsubscribe(): void }
}

/**
 * A store over `stream`, calling back with `pick(value)` only when that changes (`Object.is`), so
 * `$status` does not re-run for a token refresh that leaves the status as it was.
 */
function storeOf<S, T>(stream: () => Stream<S>, pick: (value: S) => T): AuthStore<T> {
  return {
    subscribe(run) {
      let seen = false
      let last: T | undefined
      const subscription = stream().subscribe((value) => {
        const next = pick(value)
        if (seen && Object.is(last, next)) return
        seen = true
        last = next
        run(next)
      })
      return () => subscription.unsubscribe()
    },
  }
}

const whole = <T>(value: T): T => value
const statusOf = (state: AuthState): AuthStatus => state.status

/**
 * Svelte stores for `auth`: `state`, `status`, `session` and `user`, each calling back synchronously with
 * the current value and returning an unsubscribe function (Svelte's contract, which `fromStore` and `get`
 * rely on). Each subscriber gets its own subscription to the client; nothing is cached here. Without an
 * argument, it uses the client a parent provided with `provideAuth` (then call it during component
 * initialisation).
 *
 * @example
 * ```ts
 * import { fromStore, get } from 'svelte/store'
 * const { status, user } = authStores(auth)
 * get(status)                       // 'initializing', 'signedOut', 'authenticated', …
 * const email = fromStore(user)     // Svelte 5: email.current?.email
 * ```
 */
export function authStores(auth: AuthClient = getAuthClient()): AuthStores {
  return {
    state: storeOf(() => auth.state$, whole),
    status: storeOf(() => auth.state$, statusOf),
    session: storeOf(() => auth.session$, whole),
    user: storeOf(() => auth.user$, whole),
  }
}
