/**
 * Hashes and random values with the exact formats GoTrue puts on the wire.
 * @module
 */
import { createHash, randomBytes, randomInt, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** `hex(SHA-224(address + otp))`: the token hash GoTrue stores and puts in email links. */
export function tokenHash(address: string, otp: string): string {
  return createHash('sha224').update(address + otp).digest('hex')
}

/** Zero-padded random digits, like `crypto.GenerateOtp`. */
export function generateOtp(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += String(randomInt(10))
  return out
}

/** Legacy refresh token: 12 characters of lower-case base32. */
export function generateRefreshToken(): string {
  const bytes = randomBytes(12)
  let out = ''
  for (const b of bytes) out += BASE32[b & 31]!.toLowerCase()
  return out
}

/** A random (v4) UUID for row ids. */
export function uuid(): string {
  return randomUUID()
}

/** The all-zero UUID, which GoTrue treats as "no id". */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True for a UUID in canonical form, any case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value)
}

/** RFC 4648 base32 without padding (TOTP secrets). */
export function base32Encode(buf: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

/** Decodes RFC 4648 base32 (padding and spaces tolerated); throws on any other character. */
export function base32Decode(input: string): Buffer {
  const clean = input.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '')
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch)
    if (idx < 0) throw new Error('invalid base32 character')
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** Constant-time comparison, so a PKCE verifier check does not leak how much matched. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

/** PKCE S256 transform: `base64url_nopad(SHA-256(verifier))`. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

// A cheap scrypt cost: this is a test server, and tests create many users.
const SCRYPT = { N: 1024, r: 8, p: 1 } as const

/** `salt:key` in hex, scrypt; see {@link checkPassword}. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 32, SCRYPT)
  return `${salt.toString('hex')}:${key.toString('hex')}`
}

/** True when `password` matches a {@link hashPassword} value; `null` (no password) never matches. */
export function checkPassword(password: string, stored: string | null): boolean {
  if (!stored) return false
  const [saltHex, keyHex] = stored.split(':')
  if (!saltHex || !keyHex) return false
  const expected = Buffer.from(keyHex, 'hex')
  if (expected.length !== 32) return false
  const key = scryptSync(password, Buffer.from(saltHex, 'hex'), 32, SCRYPT)
  return timingSafeEqual(key, expected)
}

/** An unguessable password for users created without one (OTP and invite sign-ups). */
export function randomPassword(): string {
  return randomBytes(24).toString('base64url')
}
