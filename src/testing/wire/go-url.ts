/**
 * Go's URL escaping functions, reproduced so links, redirects and otpauth URIs match GoTrue's byte for byte.
 * `encodeURIComponent` differs from each of them in which characters it leaves bare, hence the fix-ups.
 * @module
 */

/** Escapes what `encodeURIComponent` leaves bare but Go escapes in every mode. */
function escapeMarks(s: string): string {
  return s.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Go's `url.QueryEscape`: space → `+`, only `-_.~` and alphanumerics left bare. */
export function goQueryEscape(s: string): string {
  return escapeMarks(encodeURIComponent(s)).replace(/%20/g, '+')
}

/** Go's `url.PathEscape` (a path segment): space → `%20`; `$&+:=@` left bare, `/;,?` escaped. */
export function goPathEscape(s: string): string {
  return escapeMarks(encodeURIComponent(s)).replace(/%(24|26|2B|3A|3D|40)/g, (m) => decodeURIComponent(m))
}

/** Go's `url.URL.EscapedPath` for a path with no pre-set raw form: like a segment, but `/ ; ,` stay bare too. */
export function goEscapedPath(s: string): string {
  return escapeMarks(encodeURIComponent(s)).replace(/%(24|26|2B|2C|2F|3A|3B|3D|40)/g, (m) => decodeURIComponent(m))
}

/** Go's `url.Values.Encode`: keys sorted, keys and values `QueryEscape`d. */
export function encodeValues(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${goQueryEscape(k)}=${goQueryEscape(values[k] ?? '')}`)
    .join('&')
}

/**
 * GoTrue's `encodeRedirectURL` for the `redirect_to` of emailed and generated links: a value containing
 * `&`, `=` or `#` cannot have been escaped by the caller, so it is query-escaped; anything else goes in raw.
 */
export function linkRedirectParam(redirectTo: string): string {
  return /[&=#]/.test(redirectTo) ? goQueryEscape(redirectTo) : redirectTo
}
