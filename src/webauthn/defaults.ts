/**
 * auth-js's defaults for a WebAuthn *factor* (a second factor, usually a security key): the server's options
 * are laid over these, and the caller's overrides over both. Passkeys use the server's options as they are.
 * @module
 */
import type { CreationOptionsJSON, RequestOptionsJSON } from '../api/webauthn-wire.js'

/** Registration of a factor: a roaming key (`cross-platform`), no resident key, a PIN if the key has one. */
export const FACTOR_CREATION_DEFAULTS = {
  hints: ['security-key'],
  authenticatorSelection: {
    authenticatorAttachment: 'cross-platform',
    requireResidentKey: false,
    // Older security keys have no PIN or biometric, so verification is preferred, not required.
    userVerification: 'preferred',
    residentKey: 'discouraged',
  },
  attestation: 'direct',
} satisfies Partial<CreationOptionsJSON>

/** Assertion with a factor. */
export const FACTOR_REQUEST_DEFAULTS = {
  userVerification: 'preferred',
  hints: ['security-key'],
} satisfies Partial<RequestOptionsJSON>

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

/**
 * Plain objects merged key by key, later sources winning; anything else (arrays, buffers) replaced whole;
 * `undefined` skipped, so an override can leave a server value in place.
 *
 * @example
 * layered({ a: { b: 1, c: 2 } }, { a: { c: 3 } })   // { a: { b: 1, c: 3 } }
 */
export function layered<T extends object>(...sources: (object | undefined)[]): T {
  const result: Record<string, unknown> = {}
  for (const source of sources) {
    if (source === undefined) continue
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue
      const existing = result[key]
      result[key] = isPlainObject(value) ? layered(isPlainObject(existing) ? existing : {}, value) : value
    }
  }
  return result as T
}
