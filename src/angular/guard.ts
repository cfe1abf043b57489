/**
 * `authGuard`: a functional route guard that waits for the client to be at rest, then allows the route or
 * redirects.
 * @module
 */
import { inject, NgZone } from '@angular/core'
import { type UrlTree, UrlSerializer } from '@angular/router'
import { Observable } from 'rxjs'
import type { AuthenticatorAssuranceLevel, AuthState, AuthStatus } from '../index.js'
import { AUTH_CLIENT } from './tokens.js'
import { deliverInside, zoneBridge } from './zone.js'

/**
 * The statuses the client rests in; a guard decides on one of these.
 *
 * @example
 * ```ts
 * const members: RestingStatus[] = ['authenticated', 'anonymous']
 * authGuard({ status: members, redirectTo: '/sign-in' })
 * ```
 */
export type RestingStatus = Extract<AuthStatus, 'signedOut' | 'anonymous' | 'mfaChallenge' | 'authenticated'>

/**
 * Who may enter, and where the others go.
 *
 * @example
 * ```ts
 * const options: AuthGuardOptions = { aal: 'aal2', redirectTo: (s) => (s.status === 'mfaChallenge' ? '/mfa' : '/sign-in') }
 * ```
 */
export interface AuthGuardOptions {
  /** The statuses that may enter; default `'authenticated'` (so `mfaChallenge` is sent to `redirectTo`). */
  status?: RestingStatus | readonly RestingStatus[]
  /** The least assurance level that may enter (`'aal2'`: only after a second factor). */
  aal?: AuthenticatorAssuranceLevel
  /** Where everyone else goes: a URL, or one chosen from the state (e.g. `mfaChallenge` → the challenge page). */
  redirectTo: string | UrlTree | ((state: AuthState) => string | UrlTree)
}

/**
 * What `authGuard` returns: usable as `canActivate`, `canActivateChild` and `canMatch`.
 *
 * @example
 * ```ts
 * const signedIn: AuthGuard = authGuard({ redirectTo: '/sign-in' })
 * const routes: Routes = [{ path: 'admin', canMatch: [signedIn], loadChildren: () => import('./admin') }]
 * ```
 */
export type AuthGuard = () => Observable<true | UrlTree>

const RANK: Record<AuthenticatorAssuranceLevel, number> = { aal1: 1, aal2: 2 }

/** A client busy with these decides nothing yet: restoring, signing in, refreshing a session, signing out. */
function isBusy(status: AuthStatus): boolean {
  return status === 'initializing' || status === 'signingIn' || status === 'refreshing' || status === 'signingOut'
}

function admits(options: AuthGuardOptions, state: AuthState): boolean {
  const statuses: readonly AuthStatus[] = typeof options.status === 'string' ? [options.status] : (options.status ?? ['authenticated'])
  if (!statuses.includes(state.status)) return false
  if (options.aal === undefined) return true
  return state.aal !== null && RANK[state.aal] >= RANK[options.aal]
}

/**
 * A functional guard. It waits while the client is busy (`initializing` on a cold start, a refresh or
 * sign-in in flight), then emits `true` when the status (and assurance level) is allowed, else a `UrlTree`
 * to `redirectTo`. A client disposed while waiting redirects.
 *
 * @example
 * ```ts
 * const routes: Routes = [
 *   { path: 'sign-in', component: SignIn, canActivate: [authGuard({ status: 'signedOut', redirectTo: '/account' })] },
 *   {
 *     path: 'account',
 *     component: Account,
 *     canActivate: [authGuard({ aal: 'aal2', redirectTo: (s) => (s.status === 'mfaChallenge' ? '/mfa' : '/sign-in') })],
 *   },
 * ]
 * ```
 */
export function authGuard(options: AuthGuardOptions): AuthGuard {
  return () => {
    const auth = inject(AUTH_CLIENT)
    const serializer = inject(UrlSerializer)
    const bridge = zoneBridge(inject(NgZone, { optional: true }))
    const redirect = (state: AuthState): UrlTree => {
      const target = typeof options.redirectTo === 'function' ? options.redirectTo(state) : options.redirectTo
      return typeof target === 'string' ? serializer.parse(target) : target
    }
    const decision = new Observable<true | UrlTree>((subscriber) => {
      let last: AuthState | undefined
      const subscription = auth.state$.subscribe({
        next(state) {
          last = state
          if (isBusy(state.status) || subscriber.closed) return
          subscriber.next(admits(options, state) ? true : redirect(state))
          subscriber.complete()
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          if (subscriber.closed || last === undefined) return subscriber.complete()
          subscriber.next(redirect(last))
          subscriber.complete()
        },
      })
      return () => subscription.unsubscribe()
    })
    return deliverInside(decision, bridge)
  }
}
