/**
 * Software wallets for the Web3 tests: an EIP-1193 Ethereum provider and a Solana wallet (with `signIn()`
 * or with `connect()` + `signMessage()`), each holding a fixed test key and signing with @noble exactly as
 * a real wallet does (`personal_sign`: EIP-191 over the UTF-8 message, `r‖s‖v` with v 27/28; Solana: plain
 * ed25519 over the message bytes). They run in Node and, bundled into a test page, in the browser, so
 * nothing here uses Node's Buffer.
 *
 * The keys are test constants, printed nowhere; the addresses they give are what tests compare.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { base58Encode } from '../../src/testing/crypto/base58.js'
import type { EIP1193RequestArguments, EthereumWallet, SolanaSignInInput, SolanaSignInOutput, SolanaWallet } from '../../src/web3/index.js'

/** Fixed secp256k1 secret keys (any 32 bytes below the curve order). */
export const ETHEREUM_KEYS = {
  alice: hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'),
  bob: hexToBytes('8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f'),
}

/** Fixed ed25519 seeds. */
export const SOLANA_SEEDS = {
  alice: hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
  bob: hexToBytes('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'),
}

/** An EIP-1193 error as wallets throw it. */
export class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export const userRejected = (): ProviderRpcError => new ProviderRpcError(4001, 'User rejected the request.')

/** The lower-case `0x` address of a secp256k1 secret key. */
export function ethereumAddressOf(secretKey: Uint8Array): string {
  return `0x${bytesToHex(keccak_256(secp256k1.getPublicKey(secretKey, false).subarray(1)).subarray(12))}`
}

/** The base58 address (public key) of an ed25519 seed. */
export function solanaAddressOf(seed: Uint8Array): string {
  return base58Encode(ed25519.getPublicKey(seed))
}

/** What `personal_sign` answers for `message`: `0x` + r‖s‖v, v = 27 + recovery id. */
export function personalSign(secretKey: Uint8Array, message: string): `0x${string}` {
  const bytes = new TextEncoder().encode(message)
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${bytes.length}`)
  const data = new Uint8Array(prefix.length + bytes.length)
  data.set(prefix)
  data.set(bytes, prefix.length)
  const recovered = secp256k1.sign(keccak_256(data), secretKey, { prehash: false, format: 'recovered' })
  return `0x${bytesToHex(recovered.subarray(1))}${(27 + recovered[0]!).toString(16)}`
}

/** The ed25519 signature over a message's UTF-8 bytes. */
export function solanaSign(seed: Uint8Array, message: string): Uint8Array {
  return ed25519.sign(new TextEncoder().encode(message), seed)
}

/** A wallet the test can make refuse its next request, and ask what it was asked. */
interface Scripted {
  /** Methods asked, in order. */
  readonly calls: string[]
  /**
   * The next request (of `method`, when given) rejects with `error` (default: the user rejected it,
   * EIP-1193 4001).
   */
  refuseNext(error?: unknown, method?: string): void
}

function scripted(): Scripted & { take(method: string): void } {
  const calls: string[] = []
  let refusal: { error: unknown; method: string | undefined } | undefined
  return {
    calls,
    refuseNext(error: unknown = userRejected(), method?: string) {
      refusal = { error, method }
    },
    take(method) {
      calls.push(method)
      if (refusal === undefined || (refusal.method !== undefined && refusal.method !== method)) return
      const { error } = refusal
      refusal = undefined
      throw error
    },
  }
}

/** An EIP-1193 provider over one account on `chainId` (hex `0x…` answered by `eth_chainId`). */
export function ethereumTestWallet(secretKey: Uint8Array, chainId = 1): EthereumWallet & Scripted {
  const script = scripted()
  const address = ethereumAddressOf(secretKey)
  return {
    calls: script.calls,
    refuseNext: script.refuseNext,
    async request({ method, params }: EIP1193RequestArguments) {
      script.take(method)
      switch (method) {
        case 'eth_requestAccounts':
          return [address]
        case 'eth_chainId':
          return `0x${chainId.toString(16)}`
        case 'personal_sign': {
          const [hex, account] = params as [string, string]
          if (account.toLowerCase() !== address) throw new ProviderRpcError(4100, 'Unauthorized account')
          return personalSign(secretKey, new TextDecoder().decode(hexToBytes(hex.slice(2))))
        }
        default:
          throw new ProviderRpcError(4200, `Unsupported method ${method}`)
      }
    },
  }
}

/**
 * A Solana wallet. `signIn` mode builds the SIWS message itself (as Phantom does, from the input);
 * `signMessage` mode signs what it is given, and is connected only once `connect()` is called.
 */
export function solanaTestWallet(seed: Uint8Array, mode: 'signIn' | 'signMessage'): SolanaWallet & Scripted {
  const script = scripted()
  const address = solanaAddressOf(seed)
  const publicKey = { toBase58: () => address }
  if (mode === 'signIn') {
    return {
      calls: script.calls,
      refuseNext: script.refuseNext,
      async signIn(input: SolanaSignInInput): Promise<SolanaSignInOutput> {
        script.take('signIn')
        const message = walletSiwsMessage({ ...input, address })
        return { account: { address }, signedMessage: new TextEncoder().encode(message), signature: solanaSign(seed, message) }
      },
    }
  }
  const wallet: SolanaWallet & Scripted = {
    calls: script.calls,
    refuseNext: script.refuseNext,
    publicKey: null,
    async connect() {
      script.take('connect')
      wallet.publicKey = publicKey
    },
    async signMessage(message: Uint8Array) {
      script.take('signMessage')
      return ed25519.sign(message, seed)
    },
  }
  return wallet
}

/** The SIWS message a wallet makes from a `signIn()` input (the Solana Wallet Standard's format). */
function walletSiwsMessage(input: SolanaSignInInput & { address: string }): string {
  const lines = [`${input.domain} wants you to sign in with your Solana account:`, input.address]
  if (input.statement) lines.push('', input.statement)
  lines.push('')
  const fields: Array<[string, string | undefined]> = [
    ['URI', input.uri],
    ['Version', input.version],
    ['Chain ID', input.chainId],
    ['Nonce', input.nonce],
    ['Issued At', input.issuedAt],
    ['Expiration Time', input.expirationTime],
    ['Not Before', input.notBefore],
    ['Request ID', input.requestId],
  ]
  for (const [key, value] of fields) if (value) lines.push(`${key}: ${value}`)
  if (input.resources?.length) lines.push('Resources:', ...input.resources.map((resource) => `- ${resource}`))
  return lines.join('\n')
}
