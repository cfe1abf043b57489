/**
 * One auth client for one request: it reads the session from the request's cookies and writes any change
 * (sign-in, refresh, sign-out) back as `Set-Cookie` headers on the response. Never shared between requests:
 * a module-level client would hand one visitor's session to the next.
 */
import { createServerAuthClient, parseCookieHeader, serializeCookie } from '../../dist/ssr.js'

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ authUrl: string, apiKey: string, shareRefreshes?: boolean }} config
 */
export function createRequestAuth(req, res, { authUrl, apiKey, shareRefreshes }) {
  /**
   * Last write per cookie wins, so a refresh followed by a sign-out sends only the clearing cookie. A cookie is
   * its name, domain and path: with a `domain` the entry also clears the host-only copy, which must go too.
   */
  const pending = new Map()
  return createServerAuthClient({
    url: authUrl,
    apiKey,
    shareRefreshes,
    cookies: {
      getAll: () => parseCookieHeader(req.headers.cookie),
      setAll(cookies, headers) {
        if (res.headersSent) {
          // Too late to reach this browser. Throwing tells the client this context cannot write cookies, so it
          // does not spend the refresh token on a session the browser would never receive.
          throw new Error(`auth cookies changed after ${req.method} ${req.url} had answered: read the session before responding`)
        }
        for (const cookie of cookies) pending.set(`${cookie.name};${cookie.options.domain ?? ''};${cookie.options.path ?? ''}`, cookie)
        res.setHeader('set-cookie', [...pending.values()].map(serializeCookie))
        // No-cache headers from the entry: a response that sets session cookies must never be cached and replayed.
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
      },
    },
  })
}
