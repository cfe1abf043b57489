/**
 * `Cookie` and `Set-Cookie` headers, for servers without a cookie API of their own (plain Node, Bun,
 * Deno, workers). Same results as the `cookie` package that `@supabase/ssr` uses.
 * @module
 */
import type { CookieToSet, RequestCookie } from './types.js'

const NAME = /^[\u0021-\u003A\u003C\u003E-\u007E]+$/
const VALUE = /^[\u0021-\u003A\u003C-\u007E]*$/
const DOMAIN = /^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i
const PATH = /^[\u0020-\u003A\u003D-\u007E]*$/

/**
 * The cookies of a `Cookie` request header, values URI-decoded (a value that does not decode is kept as
 * sent). The first of two cookies with one name wins, as browsers send the most specific path first.
 *
 * @example
 * parseCookieHeader('a=1; sb-abcd-auth-token=base64-eyJ…')  // [{ name: 'a', value: '1' }, { name: 'sb-abcd-auth-token', value: 'base64-eyJ…' }]
 */
export function parseCookieHeader(header: string | undefined | null): RequestCookie[] {
  const cookies: RequestCookie[] = []
  if (typeof header !== 'string' || header.length < 2) return cookies
  const seen = new Set<string>()
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const name = pair.slice(0, eq).trim()
    if (seen.has(name)) continue
    seen.add(name)
    cookies.push({ name, value: decodeValue(pair.slice(eq + 1).trim()) })
  }
  return cookies
}

function decodeValue(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * A `Set-Cookie` header value: the value URI-encoded, then the attributes in the `cookie` package's order.
 * Throws a TypeError for a name, domain or path a header cannot carry.
 *
 * @example
 * serializeCookie({ name: 'a', value: 'b c', options: { path: '/', maxAge: 60, sameSite: 'lax' } })
 * // 'a=b%20c; Max-Age=60; Path=/; SameSite=Lax'
 */
export function serializeCookie(cookie: CookieToSet): string {
  const { name, value, options } = cookie
  if (!NAME.test(name)) throw new TypeError('Invalid cookie name')
  const encoded = value ? encodeURIComponent(value) : ''
  if (!VALUE.test(encoded)) throw new TypeError('Invalid cookie value')
  let header = `${name}=${encoded}`
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge)) throw new TypeError('Invalid cookie maxAge')
    header += `; Max-Age=${options.maxAge}`
  }
  if (options.domain) {
    if (!DOMAIN.test(options.domain)) throw new TypeError('Invalid cookie domain')
    header += `; Domain=${options.domain}`
  }
  if (options.path) {
    if (!PATH.test(options.path)) throw new TypeError('Invalid cookie path')
    header += `; Path=${options.path}`
  }
  if (options.expires) {
    if (!Number.isFinite(options.expires.valueOf())) throw new TypeError('Invalid cookie expires')
    header += `; Expires=${options.expires.toUTCString()}`
  }
  if (options.httpOnly) header += '; HttpOnly'
  if (options.secure) header += '; Secure'
  if (options.partitioned) header += '; Partitioned'
  if (options.priority) header += `; Priority=${capitalize(options.priority)}`
  if (options.sameSite) header += `; SameSite=${options.sameSite === true ? 'Strict' : capitalize(options.sameSite)}`
  return header
}

function capitalize(word: string): string {
  const lower = word.toLowerCase()
  return lower.charAt(0).toUpperCase() + lower.slice(1)
}
