/**
 * The Solana wallet's part of a sign-in, as auth-js does it: the wallet's own `signIn()` when it has one
 * (the wallet builds and signs the message), else a message built here and `signMessage()`. A wallet
 * that is not connected yet (no `publicKey`) is asked to `connect()` first. Nothing here talks to the
 * auth server.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'
import { askWallet, unusableAnswer } from './errors.js'
import { resolveWallet, signingUrl } from './page.js'
import { siwsInput, siwsMessage, type SiwsPage } from './siws.js'
import type { SignedMessage, SignInWithSolanaOptions, SolanaSignInOutput, SolanaWallet, SolanaWalletCredentials } from './types.js'

function isSolanaWallet(candidate: unknown): candidate is SolanaWallet {
  if (typeof candidate !== 'object' || candidate === null) return false
  const { signIn, signMessage } = candidate as SolanaWallet
  return typeof signIn === 'function' || typeof signMessage === 'function'
}

/** The one output of `signIn()` (some wallets answer a list). */
function outputOf(answer: unknown): SolanaSignInOutput {
  const output: unknown = Array.isArray(answer) ? answer[0] : answer
  const { signedMessage, signature } = (output ?? {}) as Partial<SolanaSignInOutput>
  if (!(signature instanceof Uint8Array) || !(typeof signedMessage === 'string' || signedMessage instanceof Uint8Array)) {
    throw unusableAnswer('The wallet answered signIn() without a signedMessage and a signature')
  }
  return { signedMessage, signature }
}

type SignIn = NonNullable<SolanaWallet['signIn']>

async function withSignIn(signIn: SignIn, page: SiwsPage, options: SignInWithSolanaOptions | undefined): Promise<SignedMessage<Uint8Array>> {
  const { signedMessage, signature } = outputOf(await askWallet('signIn', () => signIn(siwsInput(page, options))))
  const message = typeof signedMessage === 'string' ? signedMessage : new TextDecoder().decode(signedMessage)
  return { message, signature }
}

/** The wallet's base58 address, connecting it first when it has none yet. */
async function addressOf(wallet: SolanaWallet): Promise<string> {
  if (!wallet.publicKey && typeof wallet.connect === 'function') await askWallet('connect', () => wallet.connect?.())
  const key = wallet.publicKey
  if (typeof key?.toBase58 !== 'function') throw new AuthInvalidCredentialsError('wallet has neither signIn() nor a connected publicKey with signMessage()')
  const address = await askWallet('publicKey.toBase58', () => key.toBase58())
  if (typeof address !== 'string' || address === '') throw unusableAnswer('The wallet has no usable public key')
  return address
}

/** The signature in a `signMessage()` answer: the bytes (wallet adapters), or `{ signature }` (Phantom's provider). */
function signatureOf(answer: unknown): Uint8Array {
  if (answer instanceof Uint8Array) return answer
  const inner = (answer as { signature?: unknown } | null | undefined)?.signature
  if (inner instanceof Uint8Array) return inner
  throw unusableAnswer('The wallet answered signMessage() with something that is not a signature')
}

async function withSignMessage(wallet: SolanaWallet, page: SiwsPage, options: SignInWithSolanaOptions | undefined): Promise<SignedMessage<Uint8Array>> {
  const message = siwsMessage(page, await addressOf(wallet), options)
  const answer: unknown = await askWallet('signMessage', () => wallet.signMessage?.(new TextEncoder().encode(message), 'utf8'))
  return { message, signature: signatureOf(answer) }
}

/**
 * Has the wallet sign a Sign-In with Solana message for the page.
 *
 * @example
 * const { message, signature } = await signWithSolana({ chain: 'solana', statement: 'Sign in to Acme' })
 */
export async function signWithSolana(credentials: SolanaWalletCredentials): Promise<SignedMessage<Uint8Array>> {
  const { statement, options } = credentials
  if (statement?.includes('\n')) throw new AuthInvalidCredentialsError('statement must not contain a line break')
  const wallet = resolveWallet(credentials.wallet, 'solana', isSolanaWallet)
  const url = signingUrl(options?.url)
  const page: SiwsPage = { domain: url.host, uri: url.href, statement }
  const signIn = wallet.signIn
  if (typeof signIn === 'function') return withSignIn(signIn.bind(wallet), page, options?.signInWithSolana)
  return withSignMessage(wallet, page, options?.signInWithSolana)
}
