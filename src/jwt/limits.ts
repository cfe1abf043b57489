/**
 * Size bounds for what `getClaims` reads from outside: the token it is given and the key set it fetches.
 * Both are far above anything GoTrue produces and far below what would cost noticeable memory or CPU.
 * @module
 */

/**
 * The longest token (in characters) `getClaims` will look at; longer ones are refused before any decoding.
 * 16 KiB: a GoTrue access token is ~1 KB (a few KB with large `app_metadata`), and a longer one could not be
 * sent anyway: it travels in an `Authorization` header, and Node's HTTP server refuses requests whose headers
 * pass 16 KiB (nginx's default header buffer is 8 KiB).
 *
 * @example
 * if (token.length > MAX_JWT_LENGTH) throw new AuthInvalidJwtError(`JWT is longer than ${MAX_JWT_LENGTH} characters`)
 */
export const MAX_JWT_LENGTH = 16 * 1024

/**
 * The largest key set (bytes of the JWKS response) read; a longer body is cut off and refused. 2 MiB holds
 * ~10,000 EC or ~4,000 RSA keys, where GoTrue publishes a handful.
 *
 * @example
 * const text = await readAtMost(response, MAX_JWKS_BYTES)   // undefined past 2 MiB
 */
export const MAX_JWKS_BYTES = 2 * 1024 * 1024

/**
 * The body of `response` as UTF-8 text, or `undefined` as soon as it is known to pass `maxBytes` (then the
 * rest is not downloaded: the stream is cancelled). A declared `Content-Length` over the limit is refused
 * without reading at all; a body without one (chunked) is counted as it arrives. (A `Response` without a
 * stream, from a fetch polyfill, is read whole: it is in memory already.)
 *
 * @example
 * const text = await readAtMost(response, MAX_JWKS_BYTES)
 * if (text === undefined) throw new AuthInvalidTokenResponseError('JWKS response is too large')
 */
export async function readAtMost(response: Response, maxBytes: number): Promise<string | undefined> {
  const body = response.body
  // A fetch polyfill without streams holds the whole body in memory already: nothing left to bound.
  if (body === null) return response.text()
  const reader = body.getReader()
  // Like `response.text()`: invalid UTF-8 becomes U+FFFD (the JSON check downstream decides), and a
  // character split across chunks is joined (`stream: true`).
  const utf8 = new TextDecoder()
  let text = ''
  // A declared length over the limit is refused before reading; an undeclared one (chunked) is counted.
  let length = Number(response.headers.get('content-length')) > maxBytes ? maxBytes + 1 : 0
  while (length <= maxBytes) {
    const { done, value } = await reader.read()
    if (done) return text + utf8.decode()
    length += value.byteLength
    text += utf8.decode(value, { stream: true })
  }
  await reader.cancel().catch(() => undefined)
  return undefined
}
