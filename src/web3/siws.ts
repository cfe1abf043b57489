/**
 * Sign-In with Solana, as auth-js does it: the input handed to a wallet's `signIn()`, and, for wallets
 * with only `signMessage()`, the message built here, line for line as auth-js builds it (including its
 * `Resources` line without a colon).
 * @module
 */
import type { SignInWithSolanaOptions, SolanaSignInInput } from './types.js'

/** The page-derived fields of a Solana sign-in. */
export interface SiwsPage {
  /** `url.host`: the message's domain. */
  domain: string
  /** `url.href`: the message's URI. */
  uri: string
  statement?: string
}

/**
 * What a wallet's `signIn()` is asked for: issued now unless the options say otherwise; the version, domain,
 * URI and statement are not the options' to change.
 *
 * @example
 * await wallet.signIn(siwsInput({ domain: url.host, uri: url.href }, options?.signInWithSolana))
 */
export function siwsInput(page: SiwsPage, options: SignInWithSolanaOptions | undefined): SolanaSignInInput {
  return {
    issuedAt: new Date().toISOString(),
    ...options,
    version: '1',
    domain: page.domain,
    uri: page.uri,
    ...(page.statement ? { statement: page.statement } : null),
  }
}

/**
 * The message a `signMessage()` wallet signs for `address` (its base58 public key).
 *
 * @example
 * const message = siwsMessage({ domain: url.host, uri: url.href }, wallet.publicKey.toBase58(), undefined)
 */
export function siwsMessage(page: SiwsPage, address: string, options: SignInWithSolanaOptions | undefined): string {
  const o = options ?? {}
  return [
    `${page.domain} wants you to sign in with your Solana account:`,
    address,
    ...(page.statement ? ['', page.statement, ''] : ['']),
    'Version: 1',
    `URI: ${page.uri}`,
    `Issued At: ${o.issuedAt ?? new Date().toISOString()}`,
    ...(o.notBefore ? [`Not Before: ${o.notBefore}`] : []),
    ...(o.expirationTime ? [`Expiration Time: ${o.expirationTime}`] : []),
    ...(o.chainId ? [`Chain ID: ${o.chainId}`] : []),
    ...(o.nonce ? [`Nonce: ${o.nonce}`] : []),
    ...(o.requestId ? [`Request ID: ${o.requestId}`] : []),
    ...(o.resources?.length ? ['Resources', ...o.resources.map((resource) => `- ${resource}`)] : []),
  ].join('\n')
}
