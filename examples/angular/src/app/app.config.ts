/**
 * The providers: the auth client (`provideAuth`), the routes with their guards, and `HttpClient` with the
 * interceptor that adds the access token to requests for the auth server's `/user`.
 */
import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http'
import { type ApplicationConfig, InjectionToken, provideZonelessChangeDetection } from '@angular/core'
import { provideRouter } from '@angular/router'
import { authInterceptor, provideAuth } from 'supabase-auth-machine/angular'
import { routes } from './routes'

/** What `/config.json` holds. */
export interface RuntimeConfig {
  /** The auth server's URL, e.g. `http://127.0.0.1:54321/auth/v1`. */
  url: string
  /** Its anon key. */
  apiKey: string
}

/** The runtime configuration, for components that call the server's API themselves. */
export const RUNTIME_CONFIG = new InjectionToken<RuntimeConfig>('runtime config')

export function appConfig(config: RuntimeConfig): ApplicationConfig {
  return {
    providers: [
      // Zoneless is Angular 21's default; said out loud because the adapter behaves differently under zone.js.
      provideZonelessChangeDetection(),
      { provide: RUNTIME_CONFIG, useValue: config },
      provideAuth({ url: config.url, apiKey: config.apiKey }),
      provideRouter(routes),
      provideHttpClient(withFetch(), withInterceptors([authInterceptor({ urls: [`${config.url}/user`] })])),
    ],
  }
}
