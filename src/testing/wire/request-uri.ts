/**
 * Go's `url.ParseRequestURI`, as far as GoTrue's Sign-In with Ethereum / Solana checks read it: whether a
 * value parses at all, and its scheme, `Host` (with the port, as written) and `Hostname()`. WHATWG `URL`
 * differs where those checks look (it lower-cases hosts, drops default ports, accepts relative forms), so
 * the parse is done by hand on the raw text.
 * @module
 */

export interface RequestUri {
  /** Lower-cased, as Go stores it; `''` for an absolute path. */
  scheme: string
  /** `host[:port]` as written; `''` without an authority. */
  host: string
  /** `host` without its port and IPv6 brackets. */
  hostname: string
  /** The value as given (what GoTrue re-serializes it to, for every ordinary URL). */
  text: string
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/
// What Go accepts in a host: RFC 3986 reg-name and sub-delims, `%` escapes, `:` and IPv6 brackets.
const HOST = /^[A-Za-z0-9\-._~!$&'()*+,;=%:[\]]*$/
const PORT = /^:\d*$/

/** Go `splitHostPort`'s host half. */
function hostnameOf(host: string): string {
  const colon = host.lastIndexOf(':')
  let name = colon >= 0 && PORT.test(host.slice(colon)) ? host.slice(0, colon) : host
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1)
  return name
}

/** Go's host checks: the characters, and a port of digits only after a non-IPv6 host. */
function validHost(host: string): boolean {
  if (!HOST.test(host)) return false
  if (host.startsWith('[')) {
    const close = host.indexOf(']')
    return close > 0 && (close === host.length - 1 || PORT.test(host.slice(close + 1)))
  }
  const colon = host.lastIndexOf(':')
  return colon < 0 || PORT.test(host.slice(colon))
}

/**
 * The parsed value, or `null` where Go's `ParseRequestURI` fails: empty, control characters, no scheme and
 * not an absolute path, a malformed host or port, a bad `%` escape.
 *
 * @example
 * parseRequestUri('https://app.example.com:8443/in')   // { scheme: 'https', host: 'app.example.com:8443', hostname: 'app.example.com', … }
 */
export function parseRequestUri(value: string): RequestUri | null {
  // Go refuses ASCII control characters anywhere; `%` must start a two-digit hex escape.
  if (value === '' || /[\x00-\x1f\x7f]/.test(value) || /%(?![0-9a-fA-F]{2})/.test(value)) return null
  const match = SCHEME.exec(value)
  if (match === null && value.startsWith(':')) return null
  const scheme = match === null ? '' : match[1]!.toLowerCase()
  const rest = match === null ? value : value.slice(match[0].length)
  if (!rest.startsWith('/')) return scheme === '' ? null : { scheme, host: '', hostname: '', text: value }
  const beforeQuery = rest.split('?')[0]!
  if (scheme === '' || !beforeQuery.startsWith('//')) return { scheme, host: '', hostname: '', text: value }
  const authority = beforeQuery.slice(2).split('/')[0]!
  const host = authority.slice(authority.lastIndexOf('@') + 1)
  if (!validHost(host)) return null
  return { scheme, host, hostname: hostnameOf(host), text: value }
}
