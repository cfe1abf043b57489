/**
 * `supabase-auth-machine/web3`: signing in with an Ethereum or Solana wallet (auth-js's `signInWithWeb3`),
 * in an entry of its own so the apps that do not use it do not carry it. The wallet signs a Sign-In with
 * Ethereum (EIP-4361) or Sign-In with Solana message for the page; GoTrue checks the signature, the
 * domain and URI, and the times, then signs the wallet's user in (identity provider `web3`, AMR `web3`).
 * GoTrue needs `GOTRUE_EXTERNAL_WEB3_ETHEREUM_ENABLED` / `…_SOLANA_ENABLED`.
 *
 * The wallet prompt comes first, outside the client's chart (it can stay open as long as the user
 * leaves it, and the client stays `signedOut` meanwhile); only the signed message goes through the
 * chart's sign-in, so the status passes `signingIn` for the request alone.
 *
 * @example
 * ```ts
 * import { signInWithWeb3 } from 'supabase-auth-machine/web3'
 * await signInWithWeb3(auth, { chain: 'ethereum', statement: 'Sign in to Acme' })   // window.ethereum
 * await signInWithWeb3(auth, { chain: 'solana', wallet: phantom, options: { url: 'https://acme.com/' } })
 * ```
 * @module
 */
import { grantRequest } from '../api/token.js'
import { web3GrantBody, type Web3GrantParams } from '../api/web3.js'
import { requireObject, requireOneOf } from '../api/validate.js'
import type { AuthClient } from '../client/auth-client.js'
import { coreOf } from '../client/core-key.js'
import { authResponse } from '../client/responses.js'
import type { AuthResponse } from '../client/types.js'
import type { CallOptions } from '../types.js'
import { signWithEthereum } from './ethereum.js'
import { signWithSolana } from './solana.js'
import type { Web3Credentials } from './types.js'

export { isWeb3WalletError, Web3WalletError } from './errors.js'
export { siweMessage, type SiweFields } from './siwe.js'
export { siwsMessage, type SiwsPage } from './siws.js'
export type { Web3Chain, Web3GrantBody } from '../api/web3.js'
export type { Web3WalletErrorCode } from '../errors.js'
export type {
  EIP1193RequestArguments,
  EthereumSignedCredentials,
  EthereumWallet,
  EthereumWalletCredentials,
  EthereumWeb3Credentials,
  Hex,
  SignInWithEthereumOptions,
  SignInWithSolanaOptions,
  SolanaSignedCredentials,
  SolanaSignInInput,
  SolanaSignInOutput,
  SolanaWallet,
  SolanaWalletCredentials,
  SolanaWeb3Credentials,
  WalletSignInOptions,
  Web3Credentials,
} from './types.js'

/** The message and signature to send: as given, or from the wallet. */
async function signed(credentials: Web3Credentials): Promise<Web3GrantParams> {
  const captchaToken = credentials.options?.captchaToken
  if ('message' in credentials) {
    // One branch per chain: the signature's type goes with the chain.
    const { message } = credentials
    return credentials.chain === 'ethereum'
      ? { chain: 'ethereum', message, signature: credentials.signature, captchaToken }
      : { chain: 'solana', message, signature: credentials.signature, captchaToken }
  }
  if (credentials.chain === 'ethereum') return { chain: 'ethereum', ...(await signWithEthereum(credentials)), captchaToken }
  return { chain: 'solana', ...(await signWithSolana(credentials)), captchaToken }
}

/**
 * Signs in with a wallet: the wallet signs a message for the page, then the client trades it for a
 * session (`SIGNED_IN`). A message signed elsewhere (`{ chain, message, signature }`) skips the wallet.
 * Bad arguments (no wallet or URL outside a browser, a statement with a line break, …) are an
 * `AuthInvalidCredentialsError` before any wallet or server request; a wallet that refuses or fails is a
 * {@link Web3WalletError}; the client stays signed out in both cases.
 *
 * @example
 * ```ts
 * const { session } = await signInWithWeb3(auth, { chain: 'ethereum', statement: 'I accept the Terms of Service' })
 * await signInWithWeb3(auth, { chain: 'solana', message, signature })            // signed elsewhere
 * ```
 */
export async function signInWithWeb3(auth: AuthClient, credentials: Web3Credentials, options?: CallOptions): Promise<AuthResponse> {
  const core = coreOf(auth)
  requireObject(credentials, 'credentials')
  requireOneOf(credentials.chain, ['ethereum', 'solana'], 'chain')
  const request = grantRequest('web3', web3GrantBody(await signed(credentials)))
  return authResponse(await core.signIn({ kind: 'grant', via: 'web3', request, options }, 'sign in with a wallet'))
}
