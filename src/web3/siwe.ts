/**
 * Sign-In with Ethereum (EIP-4361) messages, built exactly as auth-js builds them (its copy of viem's
 * `createSiweMessage`): the same lines in the same order, the address lower-cased (GoTrue compares
 * addresses without regard to case), no scheme before the domain.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'
import type { Hex } from './types.js'

/** The fields of one message. */
export interface SiweFields {
  domain: string
  address: string
  statement?: string
  uri: string
  chainId: number
  nonce?: string
  issuedAt: Date
  expirationTime?: Date
  notBefore?: Date
  requestId?: string
  resources?: readonly string[]
}

const ADDRESS = /^0x[a-fA-F0-9]{40}$/

/**
 * True for a 20-byte hex address (any case; EIP-55 checksums are not checked, as in auth-js).
 *
 * @example
 * isEthereumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')  // true
 */
export function isEthereumAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(value)
}

/**
 * The UTF-8 bytes of `text` as `0x` hex: `personal_sign` takes the message so.
 *
 * @example
 * utf8ToHex('hi')  // '0x6869'
 */
export function utf8ToHex(text: string): Hex {
  let hex = '0x'
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0')
  return hex as Hex
}

const TIME_FIELDS = ['issuedAt', 'expirationTime', 'notBefore'] as const
type TimeField = (typeof TIME_FIELDS)[number]

/**
 * Refuses what auth-js refuses in the caller's own fields (and times that are not `Date`s, on which auth-js
 * throws a `TypeError`), so bad input fails before the wallet opens.
 *
 * @example
 * checkSiweInput({ statement: 'Sign in to Acme', nonce: 'abcdefgh' })
 */
export function checkSiweInput(fields: { statement?: string; nonce?: string; chainId?: number; resources?: readonly unknown[] } & Partial<Record<TimeField, unknown>>): void {
  if (fields.statement?.includes('\n')) throw new AuthInvalidCredentialsError('statement must not contain a line break')
  for (const name of TIME_FIELDS) {
    const value = fields[name]
    if (value !== undefined && !(value instanceof Date && Number.isFinite(value.getTime()))) throw new AuthInvalidCredentialsError(`signInWithEthereum.${name} must be a valid Date`)
  }
  if (fields.nonce !== undefined && (typeof fields.nonce !== 'string' || fields.nonce.length < 8)) {
    throw new AuthInvalidCredentialsError('signInWithEthereum.nonce must be at least 8 characters')
  }
  if (fields.chainId !== undefined && !Number.isInteger(fields.chainId)) throw new AuthInvalidCredentialsError('signInWithEthereum.chainId must be an EIP-155 chain id')
  for (const resource of fields.resources ?? []) {
    if (typeof resource !== 'string' || resource === '') throw new AuthInvalidCredentialsError('signInWithEthereum.resources must be non-empty strings')
  }
}

/**
 * The EIP-4361 message for `fields`.
 *
 * @example
 * const message = siweMessage({ domain: 'app.example.com', address, uri: 'https://app.example.com/', chainId: 1, issuedAt: new Date() })
 */
export function siweMessage(fields: SiweFields): string {
  const statement = fields.statement ? `${fields.statement}\n` : ''
  const lines = [
    `${fields.domain} wants you to sign in with your Ethereum account:\n${fields.address.toLowerCase()}\n\n${statement}`,
    `URI: ${fields.uri}`,
    'Version: 1',
    `Chain ID: ${fields.chainId}`,
  ]
  if (fields.nonce) lines.push(`Nonce: ${fields.nonce}`)
  lines.push(`Issued At: ${fields.issuedAt.toISOString()}`)
  if (fields.expirationTime) lines.push(`Expiration Time: ${fields.expirationTime.toISOString()}`)
  if (fields.notBefore) lines.push(`Not Before: ${fields.notBefore.toISOString()}`)
  if (fields.requestId) lines.push(`Request ID: ${fields.requestId}`)
  if (fields.resources) lines.push('Resources:', ...fields.resources.map((resource) => `- ${resource}`))
  return lines.join('\n')
}
