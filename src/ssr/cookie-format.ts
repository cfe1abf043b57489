/**
 * The cookie format of `@supabase/ssr` 0.12: attribute defaults, the `base64-` value encoding, and the
 * headers sent with every cookie write.
 * @module
 */
import { base64UrlToText, textToBase64Url } from './base64url.js'
import type { CookieEncoding, CookieOptions, NamedCookieOptions } from './types.js'

/** Marks a value encoded as base64url (the default); a value without it is raw text. */
export const BASE64_PREFIX = 'base64-'

/**
 * 400 days in seconds, the longest lifetime browsers keep a cookie (RFC 6265bis): every auth cookie's `maxAge`.
 *
 * @example
 * DEFAULT_COOKIE_OPTIONS.maxAge === MAX_COOKIE_AGE_SECONDS   // true
 */
export const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 60 * 60

/**
 * The attributes every auth cookie gets unless `cookieOptions` says otherwise. `httpOnly: false` because
 * the browser client reads the same cookies.
 *
 * @example
 * { ...DEFAULT_COOKIE_OPTIONS, secure: true }
 */
export const DEFAULT_COOKIE_OPTIONS: Readonly<CookieOptions> = Object.freeze({
  path: '/',
  sameSite: 'lax',
  httpOnly: false,
  maxAge: MAX_COOKIE_AGE_SECONDS,
})

/**
 * Sent to `setAll` with every write: a response that sets a user's session cookies must never be stored by
 * a shared cache and served to someone else.
 *
 * @example
 * for (const [name, value] of Object.entries(NO_CACHE_HEADERS)) res.setHeader(name, value)
 */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0',
  Expires: '0',
  Pragma: 'no-cache',
})

/**
 * The attributes of a cookie being set and of one being deleted. As in `@supabase/ssr`, `maxAge` is always
 * the 400-day default when setting (whatever `cookieOptions` says) and `0` when deleting, and `name` never
 * leaks into the attributes (Next.js's cookie store would take it as the cookie's name).
 *
 * @example
 * const { set, remove } = cookieAttributes({ name: 'my-auth', secure: true })
 */
export function cookieAttributes(options: NamedCookieOptions | undefined): { set: CookieOptions; remove: CookieOptions } {
  const { name: _name, ...rest } = options ?? {}
  return {
    set: { ...DEFAULT_COOKIE_OPTIONS, ...rest, maxAge: MAX_COOKIE_AGE_SECONDS },
    remove: { ...DEFAULT_COOKIE_OPTIONS, ...rest, maxAge: 0 },
  }
}

/**
 * A stored value as its cookie holds it: `base64-` + unpadded base64url of its UTF-8 bytes, or the raw text.
 *
 * @example
 * encodeCookieValue('{"a":1}', 'base64url')  // 'base64-eyJhIjoxfQ'
 */
export function encodeCookieValue(value: string, encoding: CookieEncoding): string {
  return encoding === 'base64url' ? BASE64_PREFIX + textToBase64Url(value) : value
}

/**
 * The stored value a cookie holds: base64url-decoded when it carries the `base64-` prefix (whatever this
 * client writes, since the other library may have written it), as is otherwise. `null` when the prefix
 * is there but the rest is not base64url of valid UTF-8: an edited or half-rewritten cookie is absent,
 * never a crash.
 *
 * @example
 * decodeCookieValue('base64-eyJhIjoxfQ')  // '{"a":1}'
 * decodeCookieValue('base64-%%')          // null
 */
export function decodeCookieValue(value: string): string | null {
  return value.startsWith(BASE64_PREFIX) ? base64UrlToText(value.slice(BASE64_PREFIX.length)) : value
}
