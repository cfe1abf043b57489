/**
 * Each page's guard says who may see it and where everyone else goes. The guards run again whenever the
 * auth status settles (see `App`), so a sign-out in another tab moves this tab too.
 */
import type { Routes } from '@angular/router'
import { authGuard } from 'supabase-auth-machine/angular'
import type { AuthState } from 'supabase-auth-machine'
import { AccountPage } from './pages/account'
import { MfaPage } from './pages/mfa'
import { SignInPage } from './pages/sign-in'

/** Where a user in `state` belongs. */
export function homeOf(state: AuthState): string {
  if (state.status === 'mfaChallenge') return '/mfa'
  return state.status === 'authenticated' ? '/account' : '/sign-in'
}

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'account' },
  { path: 'sign-in', component: SignInPage, canActivate: [authGuard({ status: 'signedOut', redirectTo: homeOf })], runGuardsAndResolvers: 'always' },
  { path: 'mfa', component: MfaPage, canActivate: [authGuard({ status: 'mfaChallenge', redirectTo: homeOf })], runGuardsAndResolvers: 'always' },
  { path: 'account', component: AccountPage, canActivate: [authGuard({ redirectTo: homeOf })], runGuardsAndResolvers: 'always' },
  { path: '**', redirectTo: 'account' },
]
