/**
 * `provideAuth`: the client as an environment provider, created with the injector and disposed with it.
 * @module
 */
import { DestroyRef, type EnvironmentProviders, inject, makeEnvironmentProviders, NgZone, PLATFORM_ID, provideEnvironmentInitializer } from '@angular/core'
import { type AuthClient, createAuthClient } from '../client/auth-client.js'
import type { AuthClientOptions } from '../client/options.js'
import { systemClock } from '../runtime/timers.js'
import { AUTH_SIGNALS, createAuthSignals } from './signals.js'
import { AUTH_CLIENT } from './tokens.js'
import { clockOutside, zoneBridge } from './zone.js'

/**
 * What `provideAuth` takes: the client's options, or a function returning them that runs in the
 * injector's context (so it may `inject()` a configuration token).
 *
 * @example
 * ```ts
 * provideAuth(() => ({ url: inject(APP_CONFIG).authUrl, apiKey: inject(APP_CONFIG).anonKey }))
 * ```
 */
export type ProvideAuthOptions = AuthClientOptions | (() => AuthClientOptions)

/** `@angular/common`'s `isPlatformServer` is this comparison; spelled out so the adapter needs only `@angular/core` to load. */
const SERVER_PLATFORM = 'server'

function createClientInContext(source: ProvideAuthOptions): AuthClient {
  const options = typeof source === 'function' ? source() : source
  const bridge = zoneBridge(inject(NgZone, { optional: true }))
  // Server rendering answers one request and ends: no refresh timer may outlive it (or hold it unstable).
  const onServer = inject(PLATFORM_ID, { optional: true }) === SERVER_PLATFORM
  const client = bridge.outside(() =>
    createAuthClient({
      ...options,
      ...(onServer ? { autoRefreshToken: false } : {}),
      ...(bridge.real ? { clock: clockOutside(options.clock ?? systemClock, bridge) } : {}),
    }),
  )
  inject(DestroyRef).onDestroy(() => client.dispose())
  return client
}

/**
 * Provides a client for this environment injector (the application's, or a lazy route's): created when the
 * injector is, so a sign-in the page's URL brings back (`?code=`) is read before the router's first
 * navigation can rewrite the URL, and disposed when the injector is destroyed. With zone.js, the client's
 * work and timers run outside Angular's zone; on the server it never starts a refresh timer.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [
 *     provideAuth({ url: 'https://<ref>.supabase.co/auth/v1', apiKey: '<anon key>' }),
 *     provideRouter(routes),
 *     provideHttpClient(withInterceptors([authInterceptor({ urls: ['https://api.example.com/'] })])),
 *   ],
 * })
 * ```
 */
export function provideAuth(options: ProvideAuthOptions): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: AUTH_CLIENT, useFactory: () => createClientInContext(options) },
    { provide: AUTH_SIGNALS, useFactory: createAuthSignals },
    provideEnvironmentInitializer(() => {
      inject(AUTH_CLIENT)
    }),
  ])
}
