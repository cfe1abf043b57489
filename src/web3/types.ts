/**
 * The shapes `signInWithWeb3` takes: auth-js's credentials, and the two wallet interfaces it talks to
 * (an EIP-1193 provider for Ethereum, a Solana wallet with `signIn` or `signMessage`). Only the members
 * the sign-in uses are required, so a real wallet, a wallet adapter or a test double all fit.
 * @module
 */

/** A `0x`-prefixed hex string. */
export type Hex = `0x${string}`

/** The EIP-1193 request a wallet answers. */
export interface EIP1193RequestArguments {
  method: string
  params?: readonly unknown[] | object
}

/**
 * An Ethereum wallet: an EIP-1193 provider (`window.ethereum`, a WalletConnect provider, …). The sign-in
 * asks it for `eth_requestAccounts`, `eth_chainId` (unless a chain id is given) and `personal_sign`.
 *
 * @example
 * ```ts
 * const wallet: EthereumWallet = { request: (args) => provider.request(args) }
 * ```
 */
export interface EthereumWallet {
  request(args: EIP1193RequestArguments): Promise<unknown>
}

/** What a Solana wallet's `signIn()` is asked to sign (the Sign-In With Solana input, as strings). */
export interface SolanaSignInInput {
  readonly domain?: string
  readonly address?: string
  readonly statement?: string
  readonly uri?: string
  readonly version?: string
  readonly chainId?: string
  readonly nonce?: string
  readonly issuedAt?: string
  readonly expirationTime?: string
  readonly notBefore?: string
  readonly requestId?: string
  readonly resources?: readonly string[]
}

/** What a Solana wallet's `signIn()` answers: the exact bytes it signed, and the ed25519 signature. */
export interface SolanaSignInOutput {
  readonly account?: { readonly address: string }
  readonly signedMessage: Uint8Array | string
  readonly signature: Uint8Array
  readonly signatureType?: 'ed25519'
}

/**
 * A Solana wallet (`window.solana`, a wallet adapter's `useWallet()`): `signIn()` when it has it, else
 * `signMessage()` over a message built here for `publicKey` (after `connect()` when not yet connected).
 *
 * @example
 * ```ts
 * await signInWithWeb3(auth, { chain: 'solana', wallet: window.braveSolana })
 * ```
 */
export interface SolanaWallet {
  signIn?: (...inputs: SolanaSignInInput[]) => Promise<SolanaSignInOutput | readonly SolanaSignInOutput[]>
  publicKey?: { toBase58(): string } | null
  /** Answers the signature, or (Phantom's injected provider) `{ signature }`. */
  signMessage?: (message: Uint8Array, encoding?: 'utf8' | (string & {})) => Promise<Uint8Array | { signature: Uint8Array }> | undefined
  connect?: () => Promise<unknown>
}

/** Fields of the Sign-In with Ethereum message (EIP-4361) besides those taken from the page. */
export interface SignInWithEthereumOptions {
  /** EIP-155 chain id; default the wallet's (`eth_chainId`). */
  chainId?: number
  /** At least 8 characters when given. GoTrue does not require one, and keeps no record of used ones. */
  nonce?: string
  /** Default now. GoTrue refuses a message issued longer ago than its maximum validity (10 minutes). */
  issuedAt?: Date
  expirationTime?: Date
  notBefore?: Date
  requestId?: string
  resources?: string[]
}

/** Fields of the Sign-In with Solana message besides those taken from the page. */
export type SignInWithSolanaOptions = Partial<Omit<SolanaSignInInput, 'version' | 'domain' | 'uri' | 'statement'>>

/** Options of both chains' wallet sign-in. */
export interface WalletSignInOptions {
  /**
   * The page the message is signed for: its host becomes the message's domain, the whole URL its URI.
   * Default the browser page's URL; required elsewhere. GoTrue accepts only URLs it would redirect to.
   */
  url?: string
  captchaToken?: string
}

/** Signing in with an Ethereum wallet (`window.ethereum` unless `wallet`). */
export interface EthereumWalletCredentials {
  chain: 'ethereum'
  wallet?: EthereumWallet
  /** A line of text the user signs (no line breaks). */
  statement?: string
  options?: WalletSignInOptions & { signInWithEthereum?: SignInWithEthereumOptions }
}

/** A Sign-In with Ethereum message signed elsewhere, with its `personal_sign` signature. */
export interface EthereumSignedCredentials {
  chain: 'ethereum'
  message: string
  signature: Hex
  options?: { captchaToken?: string }
}

/** Signing in with a Solana wallet (`window.solana` unless `wallet`). */
export interface SolanaWalletCredentials {
  chain: 'solana'
  wallet?: SolanaWallet
  /** A line of text the user signs (no line breaks); most wallets need one. */
  statement?: string
  options?: WalletSignInOptions & { signInWithSolana?: SignInWithSolanaOptions }
}

/** A Sign-In with Solana message signed elsewhere, with its ed25519 signature. */
export interface SolanaSignedCredentials {
  chain: 'solana'
  message: string
  signature: Uint8Array
  options?: { captchaToken?: string }
}

export type EthereumWeb3Credentials = EthereumWalletCredentials | EthereumSignedCredentials
export type SolanaWeb3Credentials = SolanaWalletCredentials | SolanaSignedCredentials

/** auth-js's `Web3Credentials`: a wallet to ask, or a message signed already. */
export type Web3Credentials = EthereumWeb3Credentials | SolanaWeb3Credentials

/** A message and the wallet's signature over it, as the wallet returned it. */
export type SignedMessage<S> = { message: string; signature: S }
