/**
 * PKCE (RFC 7636) values: a random verifier and its S256 challenge, made as auth-js makes them (112 hex
 * characters; `plain` only where WebCrypto is missing, as on an insecure-origin page).
 * @module
 */
import { bytesToBase64Url } from './base64url.js'

export interface PkcePair {
  verifier: string
  challenge: string
  method: 's256' | 'plain'
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Random hex of `byteCount` bytes from the platform's CSPRNG. */
export function randomHex(byteCount: number): string {
  return hex(globalThis.crypto.getRandomValues(new Uint8Array(byteCount)))
}

/**
 * A fresh verifier and the challenge the server is given for it.
 *
 * @example
 * const { verifier, challenge, method } = await newPkcePair()
 */
export async function newPkcePair(): Promise<PkcePair> {
  const verifier = randomHex(56)
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined) return { verifier, challenge: verifier, method: 'plain' }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: bytesToBase64Url(new Uint8Array(digest)), method: 's256' }
}
