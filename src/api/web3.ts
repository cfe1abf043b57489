/**
 * The body of `POST /token?grant_type=web3` (wire contract §4.3): a Sign-In with Ethereum / Solana message,
 * the wallet's signature over it, and the chain. Kept out of the main entry; it serves
 * `supabase-auth-machine/web3`, and the client's sign-in call only forwards the checked body.
 * @module
 */
import { bytesToBase64Url } from '../encoding/base64url.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import { captchaMeta, requireOneOf, requireString } from './validate.js'

/** The chains GoTrue signs in with (`GOTRUE_EXTERNAL_WEB3_<CHAIN>_ENABLED`). */
export type Web3Chain = 'ethereum' | 'solana'

/** The chains, for checks and messages. */
export const WEB3_CHAINS: readonly Web3Chain[] = ['ethereum', 'solana']

/** The checked body of `POST /token?grant_type=web3`. */
export interface Web3GrantBody {
  chain: Web3Chain
  /** The signed message, byte for byte as the wallet signed it. */
  message: string
  /** Ethereum: the `personal_sign` result as `0x` hex; Solana: the ed25519 signature as unpadded base64url. */
  signature: string
  /** Only sent with a captcha token, as auth-js does. */
  gotrue_meta_security?: { captcha_token?: string }
}

/** What a signed message looks like before encoding: the signature as each chain's wallet returns it. */
export type Web3GrantParams =
  | { chain: 'ethereum'; message: string; signature: string; captchaToken?: string }
  | { chain: 'solana'; message: string; signature: Uint8Array; captchaToken?: string }

const HEX = /^0x[0-9a-fA-F]+$/

/** The signature in the encoding GoTrue reads for `chain` (auth-js's: hex as given, base64url for bytes). */
function encodedSignature(chain: Web3Chain, signature: unknown): string {
  if (chain === 'ethereum') {
    if (typeof signature !== 'string' || !HEX.test(signature)) throw new AuthInvalidCredentialsError('signature must be a 0x-prefixed hex string')
    return signature
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new AuthInvalidCredentialsError('signature must be a Uint8Array')
  return bytesToBase64Url(signature)
}

/**
 * The checked grant body; anything malformed is an {@link AuthInvalidCredentialsError} before any request.
 * Lengths and the message's fields are the server's to judge (it answers `validation_failed`).
 *
 * @example
 * ```ts
 * const body = web3GrantBody({ chain: 'ethereum', message, signature: '0x…' })
 * ```
 */
export function web3GrantBody(params: Web3GrantParams): Web3GrantBody {
  const chain = requireOneOf(params.chain, WEB3_CHAINS, 'chain')
  const body: Web3GrantBody = { chain, message: requireString(params.message, 'message'), signature: encodedSignature(chain, params.signature) }
  if (params.captchaToken !== undefined) body.gotrue_meta_security = captchaMeta(params.captchaToken)
  return body
}
