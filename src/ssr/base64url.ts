/**
 * UTF-8 text ⇄ unpadded base64url, the encoding `@supabase/ssr` uses for cookie values. Decoding is strict
 * where it matters (an invalid character or invalid UTF-8 is `null`, never a crash: any visitor can edit a
 * cookie) and lenient where `@supabase/ssr` is (spaces, tabs, newlines and `=` are skipped).
 * @module
 */
import { bytesToBase64Url } from '../encoding/base64url.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const SKIPPED = /[ \t\n\r=]/g
const VALID = /^[A-Za-z0-9_-]*$/

/** Character code → its 6-bit value: a cookie is decoded on every request, and `indexOf` per character showed in profiles. */
const VALUES = new Uint8Array(128)
for (let i = 0; i < ALPHABET.length; i += 1) VALUES[ALPHABET.charCodeAt(i)] = i

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Encodes text as UTF-8, then as unpadded base64url. Lone surrogates become U+FFFD (as `TextEncoder` does);
 * a session JSON never holds one.
 *
 * @example
 * textToBase64Url('{"a":1}')  // 'eyJhIjoxfQ'
 */
export function textToBase64Url(text: string): string {
  return bytesToBase64Url(encoder.encode(text))
}

/**
 * Decodes base64url to text, or `null` when it is not base64url of valid UTF-8. Leftover bits that make no
 * whole byte are dropped, as `@supabase/ssr` drops them.
 *
 * @example
 * base64UrlToText('eyJhIjoxfQ')  // '{"a":1}'
 * base64UrlToText('%%%')         // null
 */
export function base64UrlToText(input: string): string | null {
  const clean = input.replace(SKIPPED, '')
  if (!VALID.test(clean)) return null
  const bytes = new Uint8Array(Math.floor((clean.length * 6) / 8))
  let queue = 0
  let bits = 0
  let at = 0
  for (let i = 0; i < clean.length; i += 1) {
    // `VALID` admitted only alphabet characters, so every code is below 128 and has its value in the table.
    queue = ((queue << 6) | VALUES[clean.charCodeAt(i)]!) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[at++] = (queue >> bits) & 0xff
    }
  }
  try {
    return decoder.decode(bytes)
  } catch {
    return null
  }
}
