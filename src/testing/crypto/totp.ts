/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the only variant GoTrue enrolls.
 * @module
 */
import { createHmac } from 'node:crypto'
import { goEscapedPath, goPathEscape } from '../wire/go-url.js'
import { base32Decode } from './hash.js'

const STEP_SECONDS = 30
const DIGITS = 6

function hotp(secret: Buffer, counter: number): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', secret).update(msg).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS
  return String(bin).padStart(DIGITS, '0')
}

/**
 * The TOTP code of a base32 secret at a given time.
 *
 * @example
 * const code = totpCode(enroll.totp.secret)            // now
 * const next = totpCode(enroll.totp.secret, Date.now() + 30_000)
 */
export function totpCode(secretBase32: string, atMs: number = Date.now()): string {
  return hotp(base32Decode(secretBase32), Math.floor(atMs / 1000 / STEP_SECONDS))
}

/** Accepts the previous, current and next step (GoTrue skew 1). */
export function verifyTotp(secretBase32: string, code: string, atMs: number): boolean {
  const secret = base32Decode(secretBase32)
  const counter = Math.floor(atMs / 1000 / STEP_SECONDS)
  for (const c of [counter - 1, counter, counter + 1]) {
    if (c >= 0 && hotp(secret, c) === code) return true
  }
  return false
}

/**
 * The `otpauth://` URI GoTrue returns and encodes in the QR code. Its TOTP library escapes query values
 * with Go's `PathEscape` (space → `%20`, which some authenticator apps need) rather than `QueryEscape`.
 */
export function otpauthUri(issuer: string, accountName: string, secretBase32: string): string {
  const params: Array<[string, string]> = [
    ['algorithm', 'SHA1'],
    ['digits', String(DIGITS)],
    ['issuer', issuer],
    ['period', String(STEP_SECONDS)],
    ['secret', secretBase32],
  ]
  const query = params.map(([k, v]) => `${k}=${goPathEscape(v)}`).join('&')
  return `otpauth://totp/${goEscapedPath(`${issuer}:${accountName}`)}?${query}`
}
