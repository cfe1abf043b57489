/**
 * `supabase-auth-machine/angular`: the client as an Angular environment provider, its state as signals, a
 * functional route guard and an `HttpClient` interceptor. Plain ES modules (no decorators, nothing for
 * ng-packagr), loaded only by apps that import this entry; zoneless and zone.js apps alike.
 *
 * @example
 * ```ts
 * import { authGuard, authInterceptor, injectAuth, provideAuth } from 'supabase-auth-machine/angular'
 *
 * bootstrapApplication(App, {
 *   providers: [
 *     provideAuth({ url: 'https://<ref>.supabase.co/auth/v1', apiKey: '<anon key>' }),
 *     provideRouter([{ path: 'account', component: Account, canActivate: [authGuard({ redirectTo: '/sign-in' })] }]),
 *     provideHttpClient(withInterceptors([authInterceptor({ urls: ['https://api.example.com/'] })])),
 *   ],
 * })
 * // in a component:
 * readonly auth = injectAuth() // auth.status(), auth.user(), auth.client.signOut()
 * ```
 * @module
 */
export { AUTH_CLIENT } from './tokens.js'
export { provideAuth, type ProvideAuthOptions } from './provide.js'
export { injectAuth, type AuthSignals } from './signals.js'
export { authGuard, type AuthGuard, type AuthGuardOptions, type RestingStatus } from './guard.js'
export { authInterceptor, type AuthInterceptorOptions } from './interceptor.js'
export type { UrlRule } from './url-match.js'
