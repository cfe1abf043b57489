/**
 * The headers and URL of an admin request: exactly what the browser transport (`createHttp` in
 * `src/http/client.ts`) builds inline for the same call: the API key as `apikey` and default bearer, the
 * API version and client info, the caller's headers over those, a per-call `jwt` over everything, a JSON
 * content type with a body, and the query with `redirect_to`. That code stays inline there because the main
 * entry's size is budgeted (a shared helper cost it ~20 B gzipped); `test/unit/admin-transport.test.ts`
 * sends the same calls through both transports and compares what arrives, so the two cannot drift apart.
 * @module
 */
import { API_VERSION, API_VERSION_HEADER, CLIENT_INFO } from '../http/constants.js'

/**
 * The headers of one request.
 *
 * @example
 * requestHeaders(serviceRoleKey, undefined, userJwt, true)
 */
export function requestHeaders(
  apiKey: string,
  extra: Record<string, string> | undefined,
  jwt: string | undefined,
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    apikey: apiKey,
    Authorization: `Bearer ${apiKey}`,
    [API_VERSION_HEADER]: API_VERSION,
    'X-Client-Info': CLIENT_INFO,
    ...extra,
  }
  if (jwt !== undefined) headers['Authorization'] = `Bearer ${jwt}`
  if (hasBody) headers['Content-Type'] = 'application/json;charset=UTF-8'
  return headers
}

/**
 * `base` + `path` with the defined `query` values and `redirectTo` as `redirect_to`.
 *
 * @example
 * requestUrl('http://localhost:9999', 'admin/users', { page: '2', per_page: undefined }, undefined)   // …/admin/users?page=2
 */
export function requestUrl(
  base: string,
  path: string,
  query: Record<string, string | undefined> | undefined,
  redirectTo: string | undefined,
): string {
  let search = ''
  if (query !== undefined || redirectTo !== undefined) {
    const searchParams = new URLSearchParams()
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) searchParams.set(key, value)
    }
    if (redirectTo !== undefined) searchParams.set('redirect_to', redirectTo)
    const encoded = searchParams.toString()
    search = encoded === '' ? '' : `?${encoded}`
  }
  return `${base}/${path.replace(/^\/+/, '')}${search}`
}
