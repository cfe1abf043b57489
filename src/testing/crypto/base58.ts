/**
 * Base58 (Bitcoin alphabet), the encoding of Solana addresses. GoTrue decodes a Sign-In with Solana
 * address with btcutil's `base58.Decode`, which answers an empty byte string for any character outside
 * the alphabet; {@link base58Decode} does the same, so a bad address fails where GoTrue's fails.
 * @module
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const INDEX = new Map([...ALPHABET].map((char, i) => [char, BigInt(i)]))

/**
 * The base58 text of `bytes` (each leading zero byte is a leading `1`).
 *
 * @example
 * base58Encode(publicKey)   // a Solana address
 */
export function base58Encode(bytes: Uint8Array): string {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  let text = ''
  while (value > 0n) {
    text = ALPHABET[Number(value % 58n)]! + text
    value /= 58n
  }
  for (const byte of bytes) {
    if (byte !== 0) break
    text = `1${text}`
  }
  return text
}

/**
 * The bytes of base58 `text`; empty when a character is outside the alphabet (as btcutil answers).
 *
 * @example
 * base58Decode(address).length   // 32 for a Solana public key
 */
export function base58Decode(text: string): Uint8Array {
  let value = 0n
  for (const char of text) {
    const digit = INDEX.get(char)
    if (digit === undefined) return new Uint8Array(0)
    value = value * 58n + digit
  }
  const bytes: number[] = []
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn))
    value >>= 8n
  }
  for (const char of text) {
    if (char !== '1') break
    bytes.unshift(0)
  }
  return Uint8Array.from(bytes)
}
