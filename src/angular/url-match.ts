/**
 * Which request URLs the interceptor gives the access token to. A token is a credential: a prefix is
 * compared as a parsed URL (same origin, then whole path segments), never as a bare string, so
 * `https://api.example.com` does not match `https://api.example.com.evil.test/`.
 * @module
 */

/**
 * One rule: a URL prefix (absolute, or relative to the page, e.g. `/api/`), a regular expression tested
 * against the absolute URL, or a predicate on the parsed URL.
 *
 * @example
 * ```ts
 * const rules: UrlRule[] = ['/api/', /^https:\/\/files\.example\.com\//, (url) => url.hostname.endsWith('.internal.example')]
 * ```
 */
export type UrlRule = string | RegExp | ((url: URL) => boolean)

/** The page's address, against which relative request URLs and prefixes are read (none outside a browser). */
function pageBase(): string | undefined {
  const doc = (globalThis as { document?: { baseURI?: string } }).document
  return doc?.baseURI ?? (globalThis as { location?: { href?: string } }).location?.href
}

function parse(url: string, base: string | undefined): URL | null {
  try {
    return new URL(url, base)
  } catch {
    return null
  }
}

function underPrefix(url: URL, prefix: URL): boolean {
  if (url.origin !== prefix.origin) return false
  const path = prefix.pathname
  if (path === '/' || url.pathname === path) return true
  return url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`)
}

/**
 * A matcher for `rules`: true when any rule admits `url`. Unparseable URLs never match.
 *
 * @example
 * ```ts
 * const matches = urlMatcher(['https://api.example.com/v1', /^https:\/\/files\./])
 * matches('https://api.example.com/v1/items') // true
 * matches('https://api.example.com/v10')      // false
 * ```
 */
export function urlMatcher(rules: readonly UrlRule[]): (url: string) => boolean {
  return (raw) => {
    const base = pageBase()
    const url = parse(raw, base)
    if (url === null) return false
    return rules.some((rule) => {
      if (typeof rule === 'function') return rule(url)
      if (rule instanceof RegExp) return rule.test(url.href)
      const prefix = parse(rule, base)
      return prefix !== null && underPrefix(url, prefix)
    })
  }
}
