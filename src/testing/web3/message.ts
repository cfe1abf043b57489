/**
 * Parsing Sign-In with Ethereum (EIP-4361) and Sign-In with Solana messages the way GoTrue's `siwe` and
 * `siws` packages do: line by line, the same required fields, the same error texts (GoTrue returns them
 * as `400 validation_failed`). The two dialects differ in the header, the address format, what a valid
 * chain id is, and whether absent optional fields are "nil" or "zero".
 * @module
 */
import { parseRequestUri, type RequestUri } from '../wire/request-uri.js'

export type Dialect = 'siwe' | 'siws'

/** A parsed message; times are epoch milliseconds, `null` when the line is absent. */
export interface SignInMessage {
  raw: string
  domain: string
  /** Ethereum: lower-cased (GoTrue's identity key); Solana: base58 as written. */
  address: string
  /** Ethereum: `null` without a statement (a Go nil pointer); Solana: `''`. */
  statement: string | null
  uri: RequestUri
  /** Ethereum: the EIP-155 id as written; Solana: `solana:<net>net` or `''`. */
  chainId: string
  nonce: string
  issuedAt: number
  expirationTime: number | null
  notBefore: number | null
}

/** A message GoTrue's parser refuses; `message` is GoTrue's error text. */
export class MessageParseError extends Error {
  override readonly name = 'MessageParseError'
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which GoTrue reads as "not given". */
export const GO_ZERO_TIME = -62135596800000

const DOMAIN = /^(localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,})(?::\d{1,5})?$/
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/

const DIALECTS = {
  siwe: { chain: 'Ethereum', address: /^0x[a-fA-F0-9]{40}$/, addressError: 'wallet address is not a valid Ethereum address' },
  siws: { chain: 'Solana', address: /^[a-zA-Z0-9]{32,44}$/, addressError: 'wallet address is not in base58 format' },
} as const

/**
 * Go's `time.Parse(time.RFC3339, value)` as epoch milliseconds, or `null` when it fails (a malformed
 * value, or a day the month does not have).
 *
 * @example
 * parseRfc3339('2025-01-01T00:00:00.000Z')   // 1735689600000
 */
export function parseRfc3339(value: string): number | null {
  const m = RFC3339.exec(value)
  if (m === null) return null
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second))
  date.setUTCFullYear(year)
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  const millis = Math.floor(Number(`0${m[7] ?? ''}`) * 1000)
  const offset = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null
  return date.getTime() + millis - offset
}

/** Go `strconv.Atoi` (64-bit) then `> 0`: GoTrue's test of an EIP-155 chain id. */
function isEthereumChainId(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false
  const id = BigInt(value)
  return id > 0n && id <= 9223372036854775807n
}

const isSolanaChainId = (value: string): boolean => /^solana:(main|dev|test|local)net$/.test(value)

/**
 * The parsed message, or a {@link MessageParseError} with GoTrue's text.
 *
 * @example
 * const parsed = parseSignInMessage(body.message, 'siwe')
 */
export function parseSignInMessage(raw: string, dialect: Dialect): SignInMessage {
  const spec = DIALECTS[dialect]
  const fail = (text: string): never => {
    throw new MessageParseError(`${dialect}: ${text}`)
  }
  const time = (value: string, error: string): number => parseRfc3339(value) ?? fail(error)
  const lines = raw.split('\n')
  if (lines.length < 6) fail('message needs at least 6 lines')
  const suffix = ` wants you to sign in with your ${spec.chain} account:`
  if (!lines[0]!.endsWith(suffix)) fail(`message first line does not end in "${suffix}"`)
  const domain = lines[0]!.slice(0, -suffix.length).trim()
  if (!DOMAIN.test(domain)) fail('domain in first line of message is not valid')
  let address = lines[1]!.trim()
  if (!spec.address.test(address)) fail(spec.addressError)
  // GoTrue lower-cases Ethereum addresses so one wallet is one identity, whatever the case it signed with.
  if (dialect === 'siwe') address = address.toLowerCase()
  if (lines[2] !== '') fail('third line must be empty')

  let statement: string | null = dialect === 'siwe' ? null : ''
  let start = 3
  if (lines[3] !== '' && lines[4] === '') {
    statement = lines[3]!
    start = 5
  }
  let uri: RequestUri | null = null
  let version = ''
  let chainId = ''
  let nonce = ''
  let issuedAt = GO_ZERO_TIME
  let expirationTime: number | null = null
  let notBefore: number | null = null
  let resources = 0
  let inResources = false
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i]!.trim()
    if (inResources) {
      if (line.startsWith('- ')) {
        if (parseRequestUri(line.slice(2).trim()) === null) fail(`Resource at position ${resources} has invalid URI`)
        resources += 1
        continue
      }
      inResources = false
    }
    if (line === 'Resources:') {
      inResources = true
      continue
    }
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon < 0) fail(`encountered unparsable line at index ${i}`)
    const key = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    switch (key) {
      case 'URI':
        uri = parseRequestUri(value) ?? fail('URI is not valid')
        break
      case 'Version':
        version = value
        break
      case 'Chain ID':
        if (dialect === 'siwe' ? !isEthereumChainId(value) : value !== '' && !isSolanaChainId(value)) fail('Chain ID is not valid')
        chainId = value
        break
      case 'Nonce':
        nonce = value
        break
      case 'Issued At':
        issuedAt = time(value, 'Issued At is not a valid ISO8601 timestamp')
        if (dialect === 'siwe' && issuedAt === GO_ZERO_TIME) fail('Issued At is not specified')
        break
      case 'Expiration Time':
        expirationTime = time(value, 'Expiration Time is not a valid ISO8601 timestamp')
        break
      case 'Not Before':
        notBefore = time(value, 'Not Before is not a valid ISO8601 timestamp')
        break
    }
  }
  if (version !== '1') fail(`Version value is not supported, expected 1 got ${JSON.stringify(version)}`)
  if (issuedAt === GO_ZERO_TIME) fail('Issued At is not specified')
  if (uri === null) return fail('URI is not specified')
  // Solana's optional times are Go zero values when absent, Ethereum's nil pointers: a zero Solana time is "absent".
  const given = (t: number | null): t is number => t !== null && (dialect === 'siwe' || t !== GO_ZERO_TIME)
  if (given(expirationTime) && issuedAt > expirationTime) fail('Issued At is after Expiration Time')
  if (given(notBefore) && given(expirationTime) && notBefore > expirationTime) fail('Not Before is after Expiration Time')
  return { raw, domain, address, statement, uri, chainId, nonce, issuedAt, expirationTime, notBefore }
}
