/**
 * The refresh-token format of GoTrue's second algorithm (`GOTRUE_SECURITY_REFRESH_TOKEN_ALGORITHM_VERSION=2`):
 * base64url (no padding) of `0x00 | session id (16 bytes) | uvarint counter | HMAC-SHA-256(session key)[:16] |
 * SHA-256(all before)[:4]`. No row per token: the session keeps the key and the current counter.
 * @module
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const SIGNATURE_BYTES = 16
const CHECKSUM_BYTES = 4
const MIN_BYTES = 1 + 16 + 1 + SIGNATURE_BYTES + CHECKSUM_BYTES

export interface RefreshTokenV2 {
  sessionId: string
  counter: number
  /** The bytes the signature covers. */
  signed: Buffer
  signature: Buffer
}

/** A fresh per-session HMAC key (GoTrue `GenerateRefreshTokenHmacKey`). */
export function newRefreshTokenKey(): Buffer {
  return randomBytes(32)
}

function uvarint(n: number): Buffer {
  const out: number[] = []
  let v = BigInt(n)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

/** Go's `binary.Uvarint`: the value and the bytes it took, or undefined when truncated or over 64 bits. */
function readUvarint(buf: Buffer): { value: bigint; length: number } | undefined {
  let value = 0n
  for (let i = 0; i < buf.length && i < 10; i++) {
    const byte = buf[i]!
    if (i === 9 && byte > 1) return undefined
    value |= BigInt(byte & 0x7f) << BigInt(7 * i)
    if (byte < 0x80) return { value, length: i + 1 }
  }
  return undefined
}

function sign(bytes: Buffer, key: Buffer): Buffer {
  return createHmac('sha256', key).update(bytes).digest().subarray(0, SIGNATURE_BYTES)
}

function checksum(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest().subarray(0, CHECKSUM_BYTES)
}

/** The token for `counter` in the session `sessionId`, signed with the session's key. */
export function encodeRefreshTokenV2(sessionId: string, counter: number, key: Buffer): string {
  const signed = Buffer.concat([Buffer.from([0]), Buffer.from(sessionId.replace(/-/g, ''), 'hex'), uvarint(counter)])
  const body = Buffer.concat([signed, sign(signed, key)])
  return Buffer.concat([body, checksum(body)]).toString('base64url')
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * GoTrue `ParseRefreshToken`: structure and checksum only; whether the session signed it is
 * {@link isSignedBy}'s question. Undefined for anything that is not such a token.
 */
export function parseRefreshTokenV2(token: string): RefreshTokenV2 | undefined {
  // Go's RawURLEncoding refuses padding and characters outside the alphabet, which Node would skip.
  if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length % 4 === 1) return undefined
  const bytes = Buffer.from(token, 'base64url')
  if (bytes.length < MIN_BYTES || bytes[0] !== 0) return undefined
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!timingSafeEqual(checksum(body), bytes.subarray(bytes.length - CHECKSUM_BYTES))) return undefined
  const counter = readUvarint(body.subarray(17))
  if (!counter || counter.value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  const signedLength = 17 + counter.length
  if (body.length - signedLength !== SIGNATURE_BYTES) return undefined
  return {
    sessionId: formatUuid(body.subarray(1, 17).toString('hex')),
    counter: Number(counter.value),
    signed: body.subarray(0, signedLength),
    signature: body.subarray(signedLength),
  }
}

/** True when `key` (a session's HMAC key) produced the token's signature. */
export function isSignedBy(token: RefreshTokenV2, key: Buffer): boolean {
  return timingSafeEqual(sign(token.signed, key), token.signature)
}
