/**
 * Building blocks for hostile-token tests of `getClaims`: tokens with any header signed by any key (jose's
 * `SignJWT` refuses `crit` and friends, so signatures are made with WebCrypto directly), and the check every
 * refusal must pass: an `AuthError` with a code, never a plain `Error`/`TypeError`, never quoting the token.
 */
import { webcrypto } from 'node:crypto'
import { expect } from 'vitest'
import { isAuthError } from '../../src/errors.js'

export type SigningAlg = 'ES256' | 'RS256' | 'HS256'

export const b64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url')
export const segment = (value: unknown): string => b64url(JSON.stringify(value))

const PARAMS: Record<SigningAlg, AlgorithmIdentifier | EcdsaParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  HS256: { name: 'HMAC' },
}

/** A compact JWS of exactly `header` and `payload`, signed with `key` (a private CryptoKey, or HMAC secret bytes). */
export async function signRaw(alg: SigningAlg, key: CryptoKey | Uint8Array, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`
  const cryptoKey =
    key instanceof Uint8Array
      ? await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      : key
  const signature = new Uint8Array(await webcrypto.subtle.sign(PARAMS[alg], cryptoKey as webcrypto.CryptoKey, Buffer.from(input)))
  return `${input}.${b64url(signature)}`
}

/** `token` with its header or payload replaced (signature kept), as an attacker edits a captured token. */
export function edited(token: string, change: { header?: (h: Record<string, unknown>) => unknown; payload?: (p: Record<string, unknown>) => unknown }): string {
  const [h = '', p = '', s = ''] = token.split('.')
  const read = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
  const header = change.header ? segment(change.header(read(h))) : h
  const payload = change.payload ? segment(change.payload(read(p))) : p
  return `${header}.${payload}.${s}`
}

/** Resolves with what `promise` rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection, but the token was accepted')
}

export interface Refusal {
  name: string
  code: string | undefined
  message: string
  status: number | undefined
}

/**
 * Awaits the refusal of `promise` and checks it is typed: an `AuthError` subclass with a string code, not a
 * bare `Error` or `TypeError`, whose message and JSON form hold neither the token nor its signature.
 */
export async function typedRefusal(promise: Promise<unknown>, token: string): Promise<Refusal> {
  const error = await rejection(promise)
  expect(isAuthError(error), `not an AuthError: ${String(error)}`).toBe(true)
  const typed = error as Error & { code?: unknown; status?: number }
  expect(typed.name).toMatch(/^Auth\w+Error$/)
  expect(typed.name).not.toBe('AuthError') // a subclass says what kind of failure it is
  expect(typeof typed.code).toBe('string')
  const [, payload = '', signature = ''] = token.split('.')
  const text = `${typed.message} ${JSON.stringify(typed)}`
  if (token.length >= 8) expect(text).not.toContain(token)
  if (signature.length >= 16) expect(text).not.toContain(signature)
  if (payload.length >= 16) expect(text).not.toContain(payload.slice(0, 64))
  return { name: typed.name, code: typed.code as string, message: typed.message, status: typed.status }
}

/** CPU time of `run` in ms (user + system), for a reported figure; never asserted on. */
export async function cpuMs<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.cpuUsage()
  const value = await run()
  const used = process.cpuUsage(start)
  return { value, ms: (used.user + used.system) / 1000 }
}
