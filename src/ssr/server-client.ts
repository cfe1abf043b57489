/**
 * `createServerAuthClient`: an `AuthClient` for one server request, its session in the request's cookies.
 * @module
 */
import { AuthClient } from '../client/auth-client.js'
import type { AuthClientOptions } from '../client/options.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import { type Clock, systemClock } from '../runtime/timers.js'
import { defaultStorageKey } from '../storage/index.js'
import { cookieStorageFor } from './cookie-storage.js'
import { gateRefreshes } from './refresh-gate.js'
import { sharingRefreshes } from './refresh-sharing.js'
import type { CookieEncoding, CookieMethods, NamedCookieOptions } from './types.js'

/**
 * Options of {@link createServerAuthClient}: those of `createAuthClient`, except what a request-scoped
 * client decides itself (storage, key, persistence, timers, reading a page URL), plus the cookies.
 *
 * @example
 * const options: ServerAuthClientOptions = { url, apiKey, cookies: { getAll: () => parseCookieHeader(req.headers.cookie) } }
 */
export interface ServerAuthClientOptions
  extends Omit<AuthClientOptions, 'storage' | 'storageKey' | 'persistSession' | 'autoRefreshToken' | 'detectSessionInUrl' | 'pageUrl'> {
  /** The request's cookies (`getAll`) and the response's (`setAll`; missing where it cannot write). Make it per request. */
  cookies: CookieMethods
  /** Attributes of the auth cookies (defaults: `path: '/'`, `sameSite: 'lax'`, `httpOnly: false`, 400 days); `name` replaces the key. */
  cookieOptions?: NamedCookieOptions
  /** `base64url` (default): `base64-` + base64url of the JSON, as `@supabase/ssr`; `raw`: the JSON itself. */
  cookieEncoding?: CookieEncoding
  /**
   * Default true: requests of this process that refresh the same refresh token at the same time (a browser's
   * parallel requests with the same due cookies) make one refresh and share its answer.
   */
  shareRefreshes?: boolean
}

/**
 * A clock whose timers never start: a request-scoped client schedules nothing (its refresh-check timer
 * would only find auto refresh off), so no request leaves a timer behind.
 */
function withoutTimers(clock: Clock): Clock {
  return { now: () => clock.now(), setTimeout: () => undefined, clearTimeout: () => undefined }
}

/**
 * An `AuthClient` for one request: its session is read from `cookies.getAll()` and every committed change
 * is written back in one `cookies.setAll(…)` batch (PKCE verifiers at once), in `@supabase/ssr`'s cookie
 * format, so either library reads the other's cookies. Per request, and stateless by construction: no
 * timers, no auto refresh, no BroadcastChannel; a due session is refreshed when asked for (`getSession`,
 * `getUser`, `getClaims`), once however many calls and clients of this request ask at once — clients built
 * from the same `cookies` object share one refresh lock and one session bus, and nothing with other requests
 * but the answer to a refresh of the same refresh token in flight (see `shareRefreshes`).
 *
 * Trust: `getSession()` serves the session as the cookie holds it; its `user` is what the browser sent and
 * is NOT verified. To authorize, use `getClaims(auth)` from `supabase-auth-machine/jwt` (the access token's
 * signature checked against the project's JWKS, without a request once the keys are cached) or
 * `getUser()` (always asks the server).
 *
 * Read-only contexts (`setAll` missing, or throwing, as in a server component): nothing is written and no
 * refresh is made; a session past its refresh margin is still served while its access token is valid
 * (with `auth.snapshot.error.code === 'session_refresh_needed'`), and once it has expired calls reject
 * with an `AuthError` coded `session_refresh_needed`. Before its first refresh the client calls `setAll`
 * once with the session cookies unchanged and the no-cache headers, to learn whether it may.
 *
 * @example
 * ```ts
 * import { createServerAuthClient, parseCookieHeader, serializeCookie } from 'supabase-auth-machine/ssr'
 * import { getClaims } from 'supabase-auth-machine/jwt'
 *
 * const auth = createServerAuthClient({
 *   url, apiKey,
 *   cookies: {
 *     getAll: () => parseCookieHeader(req.headers.cookie),
 *     setAll: (list, headers) => {
 *       for (const cookie of list) res.appendHeader('Set-Cookie', serializeCookie(cookie))
 *       for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
 *     },
 *   },
 * })
 * const { claims } = await getClaims(auth)   // verified; refreshed first (and cookies written) if due
 * ```
 */
export function createServerAuthClient(options: ServerAuthClientOptions): AuthClient {
  const { cookies, cookieOptions, cookieEncoding, shareRefreshes, ...clientOptions } = options ?? ({} as ServerAuthClientOptions)
  if (typeof cookies?.getAll !== 'function') {
    throw new AuthInvalidCredentialsError('createServerAuthClient needs `cookies` with a `getAll` method')
  }
  const key = cookieOptions?.name || defaultStorageKey(clientOptions.url)
  const storage = cookieStorageFor(cookies, {
    key,
    encoding: cookieEncoding === 'raw' ? 'raw' : 'base64url',
    mode: 'server',
    ...(cookieOptions ? { cookieOptions } : {}),
  })
  const auth = new AuthClient({
    ...clientOptions,
    storage,
    storageKey: key,
    persistSession: true,
    autoRefreshToken: false,
    detectSessionInUrl: false,
    clock: withoutTimers(clientOptions.clock ?? systemClock),
    fetch: gateRefreshes(storage, shareRefreshes === false ? clientOptions.fetch : sharingRefreshes(clientOptions.fetch)),
  })
  // Every auth event is announced after the chart committed the change: the moment to write cookies.
  auth.events$.subscribe(() => void storage.flush())
  return auth
}
