/**
 * `POST /token?grant_type=web3` (contract §4.3): sign-in with a wallet's signature over a Sign-In with
 * Ethereum or Sign-In with Solana message, checked in GoTrue's order with GoTrue's answers: which chains
 * are on (`422 web3_provider_disabled`, `400 web3_unsupported_chain`), the message and signature sizes and
 * the message's form (`400 validation_failed`), then as OAuth-style `invalid_grant` errors the signature,
 * the URI and domain (only URLs the server would redirect to; https unless on `localhost`), and the
 * times. The wallet's user is found or created (identity `web3:<chain>:<address>`, no email) and signed
 * in with AMR `web3`.
 *
 * Like GoTrue, the server keeps no record of nonces or used messages: a signed message can be used again
 * while it is valid, and a message without a nonce is accepted.
 * @module
 */
import { signInExternal, type ExternalIdentity } from '../external-accounts.js'
import { goString, type Ctx } from '../server/context.js'
import { badRequest, json, OAuthError, unexpectedFailure, unhandled, unprocessable, type Reply } from '../server/respond.js'
import { issueSession } from '../tokens.js'
import { isRedirectValid } from '../validate.js'
import { loadNoble, type Noble } from '../web3/library.js'
import { OptionalPackageMissing } from '../server/optional-package.js'
import { GO_ZERO_TIME, MessageParseError, parseSignInMessage, type Dialect, type SignInMessage } from '../web3/message.js'
import { SignaturePanic, verifyEthereum, verifySolana } from '../web3/signatures.js'

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description)

/** What differs between the chains: names, the message dialect, the signature's encoding and check. */
interface Chain<S> {
  id: 'ethereum' | 'solana'
  name: 'Ethereum' | 'Solana'
  dialect: Dialect
  /** The signature decoded for `verify`, or a `validation_failed` error. */
  decode(signature: string): S
  verify(noble: Noble, parsed: SignInMessage, signature: S): boolean
}

const ETHEREUM: Chain<string> = {
  id: 'ethereum',
  name: 'Ethereum',
  dialect: 'siwe',
  decode(signature) {
    const hex = signature.startsWith('0x') ? signature.slice(2) : signature
    if (hex.length !== 130) throw badRequest('signature must be 65 bytes long, encoded as a 130 character-long hexadecimal string')
    return signature
  },
  verify: (noble, parsed, signature) => verifyEthereum(noble, parsed.raw, signature, parsed.address),
}

const SOLANA: Chain<Uint8Array> = {
  id: 'solana',
  name: 'Solana',
  dialect: 'siws',
  decode(signature) {
    if (signature.length !== 86 && signature.length !== 88) throw badRequest('signature must be 64 bytes encoded as base64 with or without padding')
    // Standard or URL alphabet, padded or not, as GoTrue normalises it.
    const url = signature.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')
    if (!/^[A-Za-z0-9_-]*$/.test(url)) throw badRequest('signature does not contain valid base64 characters')
    return Uint8Array.from(Buffer.from(url, 'base64url'))
  },
  verify: (noble, parsed, signature) => verifySolana(noble, parsed.raw, signature, parsed.address),
}

async function checkSignature<S>(chain: Chain<S>, parsed: SignInMessage, signature: S): Promise<void> {
  let valid: boolean
  try {
    valid = chain.verify(await loadNoble(), parsed, signature)
  } catch (err) {
    if (err instanceof OptionalPackageMissing) throw unexpectedFailure(err.message)
    // GoTrue panics on these (see signatures.ts); its recoverer answers a bare 500.
    if (err instanceof SignaturePanic) throw unhandled()
    throw err
  }
  if (!valid) throw invalidGrant('Signature does not match address in message')
}

/** The message must be for this app: a URI the server would redirect to, and a domain that matches it. */
function checkOrigin(ctx: Ctx, parsed: SignInMessage, name: string): void {
  const { uri, domain } = parsed
  if (uri.scheme !== 'https' && uri.hostname !== 'localhost') throw invalidGrant(`Signed ${name} message is using URI which does not use HTTPS`)
  if (!isRedirectValid(ctx.cfg, uri.text)) {
    throw invalidGrant(`Signed ${name} message is using URI which is not allowed on this server, message was signed for another app`)
  }
  if (uri.hostname !== 'localhost' && (uri.host !== domain || !isRedirectValid(ctx.cfg, `https://${domain}/`))) {
    throw invalidGrant(`Signed ${name} message is using a Domain that does not match the one in URI which is not allowed on this server`)
  }
}

function checkTimes(ctx: Ctx, parsed: SignInMessage, chain: Chain<unknown>): void {
  const now = ctx.now()
  const { name } = chain
  const given = (t: number | null): t is number => t !== null && t !== GO_ZERO_TIME
  if (given(parsed.notBefore) && now < parsed.notBefore) throw invalidGrant(`Signed ${name} message becomes valid in the future`)
  // GoTrue's Ethereum handler looks at the expiration time only when the message also has a Not Before.
  const expiryChecked = chain.id === 'solana' || parsed.notBefore !== null
  if (expiryChecked && given(parsed.expirationTime) && now > parsed.expirationTime) throw invalidGrant(`Signed ${name} message is expired`)
  const validity = ctx.cfg.web3MaximumValidity * 1000
  if (now > parsed.issuedAt + validity) throw invalidGrant(`${name} message was issued too long ago`)
  if (now < parsed.issuedAt - validity) throw invalidGrant(`${name} message was issued too far in the future`)
}

/** GoTrue's claims for a wallet: `structs.Map` of its provider claims (keys sorted, as Go's JSON has them). */
function walletIdentity(chain: Chain<unknown>, parsed: SignInMessage): ExternalIdentity {
  const sub = `web3:${chain.id}:${parsed.address}`
  const customClaims = { address: parsed.address, chain: chain.id, domain: parsed.domain, network: parsed.chainId, statement: parsed.statement }
  const identityData = { custom_claims: customClaims, email_verified: false, phone_verified: false, sub }
  return { provider: 'web3', sub, email: '', emailVerified: false, identityData }
}

async function grant<S>(ctx: Ctx, chain: Chain<S>, message: string, signature: string): Promise<Reply> {
  const length = Buffer.byteLength(message)
  if (length < 64) throw badRequest('message is too short')
  if (length > 20 * 1024) throw badRequest('message must not exceed 20KB')
  const decoded = chain.decode(signature)
  let parsed: SignInMessage
  try {
    parsed = parseSignInMessage(message, chain.dialect)
  } catch (err) {
    if (err instanceof MessageParseError) throw badRequest(err.message)
    throw err
  }
  await checkSignature(chain, parsed, decoded)
  checkOrigin(ctx, parsed, chain.name)
  checkTimes(ctx, parsed, chain)
  const user = signInExternal(ctx, walletIdentity(chain, parsed), ctx.cfg.siteUrl)
  return json(await issueSession(ctx, user, 'web3'))
}

const disabled = (what: string) => unprocessable(`${what} provider is disabled`, 'web3_provider_disabled')

/**
 * The web3 grant. With both chains off (the default) every request answers `422 web3_provider_disabled`
 * before the body is read, as GoTrue does.
 */
export async function web3Grant(ctx: Ctx): Promise<Reply> {
  const { cfg } = ctx
  if (!cfg.web3Ethereum && !cfg.web3Solana) throw disabled('Web3')
  const body = ctx.body()
  const message = goString(body, 'message', 'Web3GrantParams')
  const signature = goString(body, 'signature', 'Web3GrantParams')
  switch (goString(body, 'chain', 'Web3GrantParams')) {
    case 'ethereum':
      if (!cfg.web3Ethereum) throw disabled('Ethereum Web3')
      return grant(ctx, ETHEREUM, message, signature)
    case 'solana':
      if (!cfg.web3Solana) throw disabled('Solana Web3')
      return grant(ctx, SOLANA, message, signature)
    // Newer GoTrue also knows Kaspa; this server never has it on.
    case 'kaspa':
      throw disabled('Kaspa Web3')
    default:
      throw badRequest('Unsupported chain', 'web3_unsupported_chain')
  }
}
