/**
 * What a failed wallet request means. Wallets report refusals as EIP-1193 errors (`{ code: 4001 }` for
 * "the user rejected the request", which Solana wallets such as Phantom use too); everything else a
 * wallet throws is passed on as `cause`. auth-js rethrows some of these as plain `Error`s and others
 * as they come; here each is one typed error.
 * @module
 */
import { AuthError, type Web3WalletErrorCode } from '../errors.js'

/**
 * A wallet refused, failed, or answered with something unusable. `code` says which; `cause` holds what
 * the wallet threw.
 *
 * @example
 * ```ts
 * try { await signInWithWeb3(auth, { chain: 'ethereum' }) } catch (error) {
 *   if (isWeb3WalletError(error) && error.code === 'web3_wallet_rejected') return   // the user said no
 * }
 * ```
 */
export class Web3WalletError extends AuthError {
  override readonly name = 'Web3WalletError'
  declare readonly code: Web3WalletErrorCode
  constructor(message: string, code: Web3WalletErrorCode, cause?: unknown) {
    super(message, undefined, code, { cause })
  }
}

/**
 * True for a {@link Web3WalletError} (realm-safe: checks the name, not the class).
 *
 * @example
 * if (isWeb3WalletError(error)) showWalletHelp(error.code)
 */
export function isWeb3WalletError(error: unknown): error is Web3WalletError {
  return error instanceof Error && error.name === 'Web3WalletError' && 'code' in error
}

/** EIP-1193's "User Rejected Request". */
const USER_REJECTED = 4001

function isRejection(cause: unknown): boolean {
  return typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === USER_REJECTED
}

/**
 * Runs one wallet request; whatever it throws becomes a {@link Web3WalletError} naming `what`.
 *
 * @example
 * const accounts = await askWallet('eth_requestAccounts', () => wallet.request({ method: 'eth_requestAccounts' }))
 */
export async function askWallet<T>(what: string, request: () => Promise<T> | T): Promise<T> {
  try {
    return await request()
  } catch (cause) {
    if (isRejection(cause)) throw new Web3WalletError(`The user rejected the wallet request (${what})`, 'web3_wallet_rejected', cause)
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new Web3WalletError(`The wallet failed ${what}: ${reason}`, 'web3_wallet_failed', cause)
  }
}

/**
 * The error for a wallet answer that cannot be used.
 *
 * @example
 * if (accounts.length === 0) throw unusableAnswer('No accounts available; is the wallet connected?')
 */
export function unusableAnswer(message: string): Web3WalletError {
  return new Web3WalletError(message, 'web3_wallet_invalid_response')
}
