/**
 * `supabase-auth-machine/ssr`: the client on a server and in the browser with the session in cookies, in
 * the exact cookie format of `@supabase/ssr` 0.12 (either library reads the other's cookies).
 *
 * @example
 * ```ts
 * import { createServerAuthClient, parseCookieHeader, serializeCookie } from 'supabase-auth-machine/ssr'
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
 * ```
 * @module
 */
export { createServerAuthClient, type ServerAuthClientOptions } from './server-client.js'
export { createBrowserAuthClient, type BrowserAuthClientOptions } from './browser-client.js'
export { parseCookieHeader, serializeCookie } from './cookie-header.js'
export { isSessionRefreshNeeded, SESSION_REFRESH_NEEDED } from './refresh-gate.js'
export { DEFAULT_COOKIE_OPTIONS, NO_CACHE_HEADERS, MAX_COOKIE_AGE_SECONDS } from './cookie-format.js'
export { MAX_CHUNK_SIZE } from './chunks.js'
export type { CookieEncoding, CookieMethods, CookieOptions, CookieToSet, NamedCookieOptions, RequestCookie } from './types.js'
