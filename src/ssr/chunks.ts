/**
 * Splitting a cookie value into `<key>.0`, `<key>.1`, … and joining it back, exactly as `@supabase/ssr` 0.12
 * does, so either library reads what the other wrote. Browsers drop cookies over 4,096 bytes silently; a
 * chunk is at most 3,180 characters once URI-encoded, leaving room for the name and attributes.
 * @module
 */

/**
 * The longest URI-encoded chunk value.
 *
 * @example
 * encodeURIComponent(chunk.value).length <= MAX_CHUNK_SIZE   // true for every chunk
 */
export const MAX_CHUNK_SIZE = 3180

const CHUNK_NAME = /^(.*)[.](0|[1-9][0-9]*)$/

/**
 * True for the cookie `key` itself and for its chunks `<key>.<n>`: the cookies a write of `key` replaces.
 *
 * @example
 * isChunkOf('sb-abcd-auth-token.1', 'sb-abcd-auth-token')   // true
 * isChunkOf('sb-abcd-auth-token-code-verifier', 'sb-abcd-auth-token')  // false
 */
export function isChunkOf(cookieName: string, key: string): boolean {
  if (cookieName === key) return true
  return CHUNK_NAME.exec(cookieName)?.[1] === key
}

/**
 * The cookies that hold `value` under `key`: one cookie named `key` when its URI-encoded form fits
 * {@link MAX_CHUNK_SIZE}, else chunks `<key>.0`, `<key>.1`, … Chunks are cut on the encoded form, never inside
 * a `%XX` escape nor inside a UTF-8 sequence, so each chunk is valid text on its own.
 *
 * @example
 * splitIntoChunks('sb-abcd-auth-token', 'base64-' + 'x'.repeat(5000))
 * // [{ name: 'sb-abcd-auth-token.0', value: 'base64-xxx…' }, { name: 'sb-abcd-auth-token.1', value: 'xxx…' }]
 */
export function splitIntoChunks(key: string, value: string, chunkSize = MAX_CHUNK_SIZE): Array<{ name: string; value: string }> {
  let encoded = encodeURIComponent(value)
  if (encoded.length <= chunkSize) return [{ name: key, value }]
  const chunks: string[] = []
  while (encoded.length > 0) {
    let head = encoded.slice(0, chunkSize)
    // An escape cut short (`%`, `%4`) at the end goes whole into the next chunk.
    const lastEscape = head.lastIndexOf('%')
    if (lastEscape > chunkSize - 3) head = head.slice(0, lastEscape)
    const [text, used] = decodeWholeSequences(head)
    chunks.push(text)
    encoded = encoded.slice(used)
  }
  return chunks.map((chunk, i) => ({ name: `${key}.${i}`, value: chunk }))
}

/**
 * Decodes an encoded head, dropping whole trailing escapes until what is left ends on a UTF-8 sequence
 * boundary (a multi-byte character split across chunks would not decode on either side). Returns the text
 * and how many encoded characters it used.
 */
function decodeWholeSequences(head: string): [text: string, used: number] {
  let kept = head
  for (;;) {
    try {
      return [decodeURIComponent(kept), kept.length]
    } catch (error) {
      if (!(error instanceof URIError) || kept.length <= 3 || kept.at(-3) !== '%') throw error
      kept = kept.slice(0, -3)
    }
  }
}

/**
 * Joins the value stored under `key`: the cookie `key` itself when present and non-empty, else
 * `<key>.0` + `<key>.1` + … up to the first missing or empty chunk; `null` when there is neither.
 *
 * @example
 * joinChunks('sb-abcd-auth-token', (name) => jar.get(name) ?? null)
 */
export function joinChunks(key: string, lookup: (name: string) => string | null | undefined): string | null {
  const whole = lookup(key)
  if (whole) return whole
  let joined = ''
  for (let i = 0; ; i += 1) {
    const chunk = lookup(`${key}.${i}`)
    if (!chunk) break
    joined += chunk
  }
  return joined === '' ? null : joined
}
