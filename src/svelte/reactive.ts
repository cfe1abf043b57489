/**
 * The client's state as a Svelte 5 reactive object: read `.current` (or `.status`, `.user`, `.session`)
 * in markup, `$derived` or `$effect`, and it updates them; no store syntax, no name clash with `$state`.
 * @module
 */
import { createSubscriber } from 'svelte/reactivity'
import type { AuthClient } from '../client/auth-client.js'
import type { AuthState, AuthStatus } from '../client/state.js'
import type { Session, User } from '../types.js'
import { getAuthClient } from './context.js'

/** What the client's streams are to this module: something that calls back and can be unsubscribed. */
interface Stream<S> {
  subscribe(next: (value: S) => void): { unsubscribe(): void }
}

/**
 * One value picked from a stream, reactive through `createSubscriber`: subscribed while an effect reads
 * it, and signalling a change only when the picked value changes (`Object.is`), so markup that reads
 * `.user` does not re-run for a token refresh.
 */
class Tracked<S, T> {
  readonly #subscribe: () => void
  readonly #now: () => T
  /** The latest picked value while subscribed; `undefined` while no effect reads it. */
  #latest: { value: T } | undefined

  constructor(stream: () => Stream<S>, pick: (value: S) => T, now: () => T) {
    this.#now = now
    this.#subscribe = createSubscriber((update) => {
      // The streams call back during subscribe with the current value: that one is a read, not a change.
      let started = false
      const subscription = stream().subscribe((value) => {
        const next = pick(value)
        if (started && this.#latest !== undefined && Object.is(this.#latest.value, next)) return
        this.#latest = { value: next }
        if (started) update()
      })
      started = true
      // A function: createSubscriber calls whatever start returned (an RxJS Subscription is not callable).
      return () => {
        subscription.unsubscribe()
        this.#latest = undefined
      }
    })
  }

  read(): T {
    this.#subscribe()
    return this.#latest === undefined ? this.#now() : this.#latest.value
  }
}

const whole = <T>(value: T): T => value

/**
 * A reactive view of one client, built on `createSubscriber` from `svelte/reactivity`: the client's
 * streams are subscribed while at least one effect (markup included) reads a getter, and unsubscribed a
 * microtask after the last such effect is destroyed. Outside effects, the getters read the client's
 * current snapshot. Each getter re-runs its readers only when its own value changes.
 *
 * @example
 * ```ts
 * const auth = new ReactiveAuth(client)
 * $effect(() => console.log(auth.status))   // re-runs on every status change, not on a token refresh
 * ```
 */
export class ReactiveAuth {
  /** The client itself, for its methods: `auth.client.signOut()`. */
  readonly client: AuthClient
  readonly #current: Tracked<AuthState, AuthState>
  readonly #status: Tracked<AuthState, AuthStatus>
  readonly #session: Tracked<Session | null, Session | null>
  readonly #user: Tracked<User | null, User | null>

  constructor(client: AuthClient) {
    this.client = client
    this.#current = new Tracked(() => client.state$, whole, () => client.snapshot)
    this.#status = new Tracked(() => client.state$, (state) => state.status, () => client.snapshot.status)
    this.#session = new Tracked(() => client.session$, whole, () => client.snapshot.session)
    this.#user = new Tracked(() => client.user$, whole, () => client.snapshot.user)
  }

  /** The whole state: status, session, user, `aal`, `error`, …; a new value whenever any of it changes. */
  get current(): AuthState {
    return this.#current.read()
  }

  /** The status: `initializing`, `signedOut`, `signingIn`, `authenticated`, `mfaChallenge`, … */
  get status(): AuthStatus {
    return this.#status.read()
  }

  /** The session, `null` when there is none. */
  get session(): Session | null {
    return this.#session.read()
  }

  /** The signed-in user, `null` when there is none. */
  get user(): User | null {
    return this.#user.read()
  }
}

/**
 * The auth state as a reactive object, for Svelte 5 components. Without an argument, it uses the client a
 * parent provided with `provideAuth` (then call it during component initialisation).
 *
 * @example
 * ```html
 * <script lang="ts">
 *   import { useAuth } from 'supabase-auth-machine/svelte'
 *   const auth = useAuth()
 *   const greeting = $derived(auth.user ? `Hello ${auth.user.email}` : 'Signed out')
 * </script>
 * <p>{auth.status}: {greeting}</p>
 * <button onclick={() => auth.client.signOut()}>Sign out</button>
 * ```
 */
export function useAuth(client: AuthClient = getAuthClient()): ReactiveAuth {
  return new ReactiveAuth(client)
}
