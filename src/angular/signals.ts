/**
 * `injectAuth()`: the client and its state as signals, one set per environment injector.
 * @module
 */
import { assertInInjectionContext, computed, inject, InjectionToken, NgZone, type Signal, untracked } from '@angular/core'
import { toSignal } from '@angular/core/rxjs-interop'
import type { AuthClient, AuthState, AuthStatus, AuthenticatorAssuranceLevel, Session, User } from '../index.js'
import { AUTH_CLIENT } from './tokens.js'
import { deliverInside, zoneBridge } from './zone.js'

/**
 * What `injectAuth()` returns: the client, and its state as signals that follow the chart.
 *
 * @example
 * ```ts
 * const auth: AuthSignals = injectAuth()
 * const greeting = computed(() => (auth.user() ? `Hello ${auth.user()!.email}` : 'Signed out'))
 * ```
 */
export interface AuthSignals {
  /** The client (promise methods; pass it to `mfa(auth)`, `getClaims(auth)`, …). */
  readonly client: AuthClient
  /** The whole state (`state$`): status, session, user, `aal`, `error`, `stale`, … */
  readonly state: Signal<AuthState>
  /** `state.status`; notifies only when the status changes. */
  readonly status: Signal<AuthStatus>
  /** The session (`session$`), `null` when signed out. */
  readonly session: Signal<Session | null>
  /** The signed-in user (`user$`), `null` when signed out. */
  readonly user: Signal<User | null>
  /** The session's assurance level, `null` without a session. */
  readonly aal: Signal<AuthenticatorAssuranceLevel | null>
}

/** One `AuthSignals` per `provideAuth`, shared by every component below it. */
export const AUTH_SIGNALS = new InjectionToken<AuthSignals>('supabase-auth-machine: AuthSignals')

/**
 * Builds the signals in the injector's context: their subscriptions end when the injector is destroyed.
 * The streams emit their current value during `subscribe`, so `requireSync` holds and no signal is ever
 * `undefined`.
 */
export function createAuthSignals(): AuthSignals {
  const client = inject(AUTH_CLIENT)
  const bridge = zoneBridge(inject(NgZone, { optional: true }))
  // A first `injectAuth()` may happen while a template or `computed` is being evaluated; the
  // subscriptions made here belong to the injector, not to that reactive context.
  return untracked(() => {
    const state = toSignal(deliverInside(client.state$, bridge), { requireSync: true })
    const session = toSignal(deliverInside(client.session$, bridge), { requireSync: true })
    const user = toSignal(deliverInside(client.user$, bridge), { requireSync: true })
    return {
      client,
      state,
      session,
      user,
      status: computed(() => state().status),
      aal: computed(() => state().aal),
    }
  })
}

/**
 * The client of the nearest `provideAuth`, with its state as signals. Call it in an injection context
 * (a constructor, a field initializer, a factory, a guard).
 *
 * @example
 * ```ts
 * @Component({ template: `@if (auth.user(); as user) { Signed in as {{ user.email }} } ({{ auth.status() }})` })
 * export class Header {
 *   readonly auth = injectAuth()
 *   signOut = () => this.auth.client.signOut()
 * }
 * ```
 */
export function injectAuth(): AuthSignals {
  assertInInjectionContext(injectAuth)
  return inject(AUTH_SIGNALS)
}
