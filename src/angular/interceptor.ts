/**
 * `authInterceptor`: the access token on `HttpClient` requests to the app's own APIs.
 * @module
 */
import type { HttpEvent, HttpHandlerFn, HttpInterceptorFn, HttpRequest } from '@angular/common/http'
import { inject, NgZone } from '@angular/core'
import { Observable } from 'rxjs'
import { AUTH_CLIENT } from './tokens.js'
import { type UrlRule, urlMatcher } from './url-match.js'
import { zoneBridge } from './zone.js'

/**
 * Which requests get the access token.
 *
 * @example
 * ```ts
 * const options: AuthInterceptorOptions = { urls: ['https://<ref>.supabase.co/rest/v1/', /^https:\/\/api\.example\.com\//] }
 * ```
 */
export interface AuthInterceptorOptions {
  /** The requests that get the token; every other request goes out untouched. */
  urls: readonly UrlRule[]
}

/**
 * An `HttpInterceptorFn` that adds `Authorization: Bearer <access token>` to requests whose URL matches
 * `urls`. The token comes from `getSession()`: a session about to expire is refreshed first, once,
 * however many requests wait on it. Signed out, the request goes without the header; a request that
 * already has an `Authorization` header keeps it. A session that cannot be served (expired, refresh
 * failing) fails the request with the client's typed error instead of sending it unauthenticated.
 *
 * @example
 * ```ts
 * provideHttpClient(withInterceptors([authInterceptor({ urls: ['https://api.example.com/', '/api/'] })]))
 * ```
 */
export function authInterceptor(options: AuthInterceptorOptions): HttpInterceptorFn {
  const matches = urlMatcher(options.urls)
  return (request: HttpRequest<unknown>, next: HttpHandlerFn): Observable<HttpEvent<unknown>> => {
    if (request.headers.has('Authorization') || !matches(request.urlWithParams)) return next(request)
    const auth = inject(AUTH_CLIENT)
    const bridge = zoneBridge(inject(NgZone, { optional: true }))
    return new Observable<HttpEvent<unknown>>((subscriber) => {
      let sent: { unsubscribe(): void } | undefined
      // The refresh (and the timer it arms) runs outside the zone; the request itself goes from inside,
      // so zone apps see `HttpClient`'s response as they would without the interceptor.
      bridge
        .outside(() => auth.getSession())
        .then(
          ({ session }) => {
            if (subscriber.closed) return
            const authorized = session === null ? request : request.clone({ setHeaders: { Authorization: `Bearer ${session.access_token}` } })
            sent = bridge.inside(() => next(authorized).subscribe(subscriber))
          },
          (error: unknown) => bridge.inside(() => subscriber.error(error)),
        )
      return () => sent?.unsubscribe()
    })
  }
}
