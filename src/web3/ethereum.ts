/**
 * The Ethereum wallet's part of a sign-in, in auth-js's order: the account (`eth_requestAccounts`), the
 * chain (`eth_chainId`, unless given), the EIP-4361 message, and its `personal_sign` signature. Nothing
 * here talks to the auth server.
 * @module
 */
import { askWallet, unusableAnswer } from './errors.js'
import { resolveWallet, signingUrl } from './page.js'
import { checkSiweInput, isEthereumAddress, siweMessage, utf8ToHex } from './siwe.js'
import type { EthereumWallet, EthereumWalletCredentials, SignedMessage } from './types.js'

function isEthereumWallet(candidate: unknown): candidate is EthereumWallet {
  return typeof candidate === 'object' && candidate !== null && typeof (candidate as { request?: unknown }).request === 'function'
}

const SIGNATURE = /^0x[0-9a-fA-F]+$/

/** The first account the wallet offers, lower-cased as auth-js sends it. */
async function accountOf(wallet: EthereumWallet): Promise<string> {
  const accounts = await askWallet('eth_requestAccounts', () => wallet.request({ method: 'eth_requestAccounts' }))
  if (!Array.isArray(accounts) || accounts.length === 0) throw unusableAnswer('No accounts available: the wallet must be connected')
  const [first] = accounts as unknown[]
  if (!isEthereumAddress(first)) throw unusableAnswer('The wallet offered an account that is not an Ethereum address')
  return first.toLowerCase()
}

/** The chain the wallet is on (`eth_chainId` answers hex, e.g. `0x1`). */
async function chainIdOf(wallet: EthereumWallet): Promise<number> {
  const answer = await askWallet('eth_chainId', () => wallet.request({ method: 'eth_chainId' }))
  const chainId = typeof answer === 'string' ? parseInt(answer, 16) : Number.NaN
  if (!Number.isInteger(chainId) || chainId <= 0) throw unusableAnswer('The wallet answered eth_chainId with something that is not a chain id')
  return chainId
}

/**
 * Has the wallet sign a Sign-In with Ethereum message for the page.
 *
 * @example
 * const { message, signature } = await signWithEthereum({ chain: 'ethereum', statement: 'Sign in to Acme' })
 */
export async function signWithEthereum(credentials: EthereumWalletCredentials): Promise<SignedMessage<string>> {
  const { statement, options } = credentials
  const fields = options?.signInWithEthereum ?? {}
  checkSiweInput({ statement, ...fields })
  const wallet = resolveWallet(credentials.wallet, 'ethereum', isEthereumWallet)
  const url = signingUrl(options?.url)
  const address = await accountOf(wallet)
  const chainId = fields.chainId || (await chainIdOf(wallet))
  const message = siweMessage({
    domain: url.host,
    address,
    statement,
    uri: url.href,
    chainId,
    nonce: fields.nonce,
    issuedAt: fields.issuedAt ?? new Date(),
    expirationTime: fields.expirationTime,
    notBefore: fields.notBefore,
    requestId: fields.requestId,
    resources: fields.resources,
  })
  const signature = await askWallet('personal_sign', () => wallet.request({ method: 'personal_sign', params: [utf8ToHex(message), address] }))
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) throw unusableAnswer('The wallet answered personal_sign with something that is not a hex signature')
  return { message, signature }
}
