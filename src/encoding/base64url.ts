const ALPHABET = /^[A-Za-z0-9_-]*$/

/**
 * True when `input` is unpadded base64url of some byte string: only the URL-safe alphabet, and not a
 * length that no byte count encodes to (4n + 1).
 *
 * @example
 * isBase64Url('aGk')   // true
 * isBase64Url('aGk=')  // false (padding)
 */
export function isBase64Url(input: string): boolean {
  return ALPHABET.test(input) && input.length % 4 !== 1
}

/**
 * Decodes unpadded base64url (RFC 4648 §5) with `atob`, which every runtime has, so the main entry
 * needs no Buffer and no JOSE library. Throws a TypeError on anything else (including padding).
 *
 * @example
 * base64UrlToBytes('aGk')  // Uint8Array [104, 105]
 */
export function base64UrlToBytes(input: string): Uint8Array {
  if (!isBase64Url(input)) throw new TypeError('Invalid base64url')
  const base64 = input.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (input.length % 4)) % 4)
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return bytes
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes base64url to a UTF-8 string; invalid UTF-8 throws rather than turning into U+FFFD.
 *
 * @example
 * base64UrlToString('eyJhIjoxfQ')  // '{"a":1}'
 */
export function base64UrlToString(input: string): string {
  return utf8.decode(base64UrlToBytes(input))
}

/**
 * Encodes bytes as unpadded base64url with `btoa`.
 *
 * @example
 * bytesToBase64Url(new Uint8Array([104, 105]))  // 'aGk'
 */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
