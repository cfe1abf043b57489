/**
 * No refresh where its result cannot be kept. Refresh tokens are single-use: a server component that
 * refreshes but cannot write the cookie leaves the browser with a spent token, which is later replayed
 * and gets the whole session revoked (notes F1, F5). So on a server the refresh request is held at the
 * transport until the cookies are known to be writable, and refused with a typed error otherwise.
 * @module
 */
import { AuthError } from '../errors.js'
import type { CookieStorage } from './cookie-storage.js'

/**
 * The code of the error a server client answers with when its session needs a refresh that a read-only
 * cookie context cannot store. Refresh in middleware or a route handler, where `setAll` works.
 *
 * @example
 * if (auth.snapshot.error?.code === SESSION_REFRESH_NEEDED) console.info('refreshed by the next middleware run')
 */
export const SESSION_REFRESH_NEEDED = 'session_refresh_needed'

/**
 * True for the error a server client answers with when the session must be refreshed but the cookies are
 * read-only here (`setAll` missing or throwing).
 *
 * @example
 * try { await auth.getUser() } catch (e) { if (isSessionRefreshNeeded(e)) return redirectThroughMiddleware() }
 */
export function isSessionRefreshNeeded(error: unknown): error is AuthError {
  return error instanceof AuthError && error.code === SESSION_REFRESH_NEEDED
}

/** `POST …/token?grant_type=refresh_token`: the one request that spends a refresh token. */
export function isRefreshRequest(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
  if (method !== 'POST') return false
  let url: URL
  try {
    url = new URL(input instanceof Request ? input.url : String(input))
  } catch {
    return false
  }
  return url.pathname.endsWith('/token') && url.searchParams.get('grant_type') === 'refresh_token'
}

/**
 * `fetch` (the given one, or the global one at call time) with refresh requests held until `storage` is
 * known to be writable, and refused with an `AuthError` coded `session_refresh_needed` when it is not.
 * The error reaches the caller as is; the session is kept (served while its access token is valid).
 *
 * @example
 * const auth = new AuthClient({ ...options, storage, fetch: gateRefreshes(storage, options.fetch) })
 */
export function gateRefreshes(storage: CookieStorage, base: typeof fetch | undefined): typeof fetch {
  const send: typeof fetch = base ?? ((input, init) => globalThis.fetch(input, init))
  return async (input, init) => {
    if (isRefreshRequest(input, init) && !(await storage.canWrite())) {
      throw new AuthError('The session needs a refresh, but cookies cannot be written here (setAll is missing or threw)', 401, SESSION_REFRESH_NEEDED)
    }
    return send(input, init)
  }
}
