/**
 * The cookie vocabulary of `supabase-auth-machine/ssr`, shaped as `@supabase/ssr` 0.12 shapes it, so the
 * `getAll`/`setAll` adapters written for it (Next.js, SvelteKit, Remix, Astro, Nuxt) plug in unchanged.
 * @module
 */

/**
 * The attributes of a `Set-Cookie` header, as the `cookie` package (and `@supabase/ssr`) names them.
 *
 * @example
 * const options: CookieOptions = { path: '/', sameSite: 'lax', secure: true }
 */
export interface CookieOptions {
  path?: string
  domain?: string
  /** Seconds; `0` deletes the cookie. */
  maxAge?: number
  expires?: Date
  sameSite?: 'lax' | 'strict' | 'none' | boolean
  secure?: boolean
  httpOnly?: boolean
  priority?: 'low' | 'medium' | 'high'
  partitioned?: boolean
}

/**
 * One cookie to set (or, with an empty value and `maxAge: 0`, to delete).
 *
 * @example
 * const cookie: CookieToSet = { name: 'sb-abcd-auth-token', value: 'base64-eyJ…', options: { path: '/', maxAge: 34560000 } }
 */
export interface CookieToSet {
  name: string
  value: string
  options: CookieOptions
}

/**
 * A cookie as the request carried it, its value URI-decoded.
 *
 * @example
 * const cookies: RequestCookie[] = parseCookieHeader(req.headers.cookie)
 */
export interface RequestCookie {
  name: string
  value: string
}

/**
 * How the client reads the request's cookies and writes the response's.
 *
 * @example
 * ```ts
 * const cookies: CookieMethods = {
 *   getAll: () => parseCookieHeader(req.headers.cookie),
 *   setAll: (list, headers) => {
 *     for (const cookie of list) res.appendHeader('Set-Cookie', serializeCookie(cookie))
 *     for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
 *   },
 * }
 * ```
 */
export interface CookieMethods {
  /** Every cookie of the request (names and values decoded), or null for none. */
  getAll(): Array<RequestCookie> | null | Promise<Array<RequestCookie> | null>
  /**
   * Writes cookies on the response, and sets `headers` on it (no-cache headers, so no shared cache keeps
   * one user's cookies for another). Missing, or throwing (a read-only context such as a server
   * component): nothing is written and no refresh is made.
   */
  setAll?(cookies: CookieToSet[], headers: Record<string, string>): void | Promise<void>
}

/**
 * How the session is encoded in its cookie: `base64url` (the default) as `base64-<base64url of the JSON>`, or
 * `raw` JSON. Both are read whichever is set.
 *
 * @example
 * createServerAuthClient({ url, apiKey, cookies, cookieEncoding: 'raw' })
 */
export type CookieEncoding = 'base64url' | 'raw'

/**
 * Cookie settings shared by the server and browser clients; `name` replaces the storage key
 * `sb-<first host label>-auth-token` (as `@supabase/ssr`'s `cookieOptions.name` does).
 *
 * @example
 * const cookieOptions: NamedCookieOptions = { name: 'my-app-auth', secure: true }
 */
export type NamedCookieOptions = CookieOptions & { name?: string }
