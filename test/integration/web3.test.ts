/**
 * `signInWithWeb3(auth, …)` over HTTP with software wallets in place of a browser's (an EIP-1193 provider,
 * Solana wallets with `signIn()` and with `connect()` + `signMessage()`), and with messages signed
 * elsewhere: the chart signs in (`signedOut → signingIn → authenticated`, `SIGNED_IN`, AMR `web3`); bad
 * arguments are refused before any wallet or server request; a wallet that refuses leaves the client
 * signed out with a typed error.
 *
 * Against a real GoTrue a chain's tests run when that chain is on (its `/settings` does not say, so a
 * body-less grant is sent to ask) and the server accepts `GOTRUE_WEB3_URL` (default
 * `http://localhost:3000/`) as a redirect URL: it is the URL the messages are signed for.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { AuthInvalidCredentialsError } from '../../src/errors.js'
import { redactedInspector } from '../../src/inspect/index.js'
import { signInWithWeb3, siweMessage, siwsMessage, type Web3Credentials } from '../../src/web3/index.js'
import { claimsOf, countingFetch, record, rejection } from '../support/flows.js'
import { openTarget, realGotrue, type Target } from '../support/target.js'
import { ETHEREUM_KEYS, ethereumAddressOf, ethereumTestWallet, personalSign, ProviderRpcError, SOLANA_SEEDS, solanaAddressOf, solanaSign, solanaTestWallet } from '../support/web3-wallets.js'

const URL_SIGNED = process.env['GOTRUE_WEB3_URL'] ?? 'http://localhost:3000/'
const PAGE = new URL(URL_SIGNED)

let target: Target
const on = { ethereum: !realGotrue, solana: !realGotrue }

/** Whether a real GoTrue has `chain` on: off, a body-less grant is `422 web3_provider_disabled`. */
async function chainEnabled(chain: 'ethereum' | 'solana'): Promise<boolean> {
  const res = await fetch(`${target.url}/token?grant_type=web3`, {
    method: 'POST',
    headers: { apikey: target.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ chain }),
  })
  return res.status !== 422
}

beforeAll(async () => {
  target = await openTarget({ web3Ethereum: true, web3Solana: true })
  if (realGotrue) [on.ethereum, on.solana] = await Promise.all([chainEnabled('ethereum'), chainEnabled('solana')])
})
afterAll(async () => {
  await target?.close()
})

function needs(ctx: TestContext, chain: 'ethereum' | 'solana'): void {
  if (!on[chain]) ctx.skip(`the real GoTrue has ${chain} sign-in off (GOTRUE_EXTERNAL_WEB3_${chain.toUpperCase()}_ENABLED)`)
}

/** A client that has finished starting, with what it announces recorded from then on. */
async function freshClient(options: { fetch?: typeof fetch } = {}) {
  const auth = target.client(options)
  await auth.ready
  return { auth, rec: record(auth) }
}

function amrOf(accessToken: string | undefined): string[] {
  return (claimsOf(accessToken ?? '')['amr'] as Array<{ method: string }>).map((entry) => entry.method)
}

describe('Ethereum, through a wallet', () => {
  it('asks the wallet for the account, the chain and the signature, then signs in through the chart', async (ctx) => {
    needs(ctx, 'ethereum')
    const { auth, rec } = await freshClient()
    const wallet = ethereumTestWallet(ETHEREUM_KEYS.alice, 137)
    const { user, session } = await signInWithWeb3(auth, { chain: 'ethereum', wallet, statement: 'Sign in to the test app', options: { url: URL_SIGNED } })
    expect(wallet.calls).toEqual(['eth_requestAccounts', 'eth_chainId', 'personal_sign'])
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect(amrOf(session?.access_token)).toEqual(['web3'])
    const address = ethereumAddressOf(ETHEREUM_KEYS.alice)
    expect(user?.identities?.[0]).toMatchObject({
      provider: 'web3',
      identity_data: { custom_claims: { address, chain: 'ethereum', network: '137', domain: PAGE.host, statement: 'Sign in to the test app' } },
    })
    expect(auth.snapshot.user?.id).toBe(user?.id)
  })

  it('with a chain id given, the wallet is not asked for its chain', async (ctx) => {
    needs(ctx, 'ethereum')
    const { auth } = await freshClient()
    const wallet = ethereumTestWallet(ETHEREUM_KEYS.bob)
    const options = { url: URL_SIGNED, signInWithEthereum: { chainId: 10, nonce: 'n0nce-1234', expirationTime: new Date(Date.now() + 60_000) } }
    const { user } = await signInWithWeb3(auth, { chain: 'ethereum', wallet, options })
    expect(wallet.calls).toEqual(['eth_requestAccounts', 'personal_sign'])
    expect(user?.identities?.[0]?.identity_data?.['custom_claims']).toMatchObject({ network: '10' })
  })

  it('a message signed elsewhere signs in without a wallet', async (ctx) => {
    needs(ctx, 'ethereum')
    const { auth, rec } = await freshClient()
    const address = ethereumAddressOf(ETHEREUM_KEYS.alice)
    const message = siweMessage({ domain: PAGE.host, address, uri: PAGE.href, chainId: 1, issuedAt: new Date(), nonce: 'pre-signed-1' })
    const { session } = await signInWithWeb3(auth, { chain: 'ethereum', message, signature: personalSign(ETHEREUM_KEYS.alice, message) })
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
    expect(session?.user.identities?.[0]?.identity_data?.['sub']).toBe(`web3:ethereum:${address}`)
  })

  it('an inspector sees the web3 sign-in, but not the signature (it can be replayed while the message is valid)', async (ctx) => {
    needs(ctx, 'ethereum')
    const seen: unknown[] = []
    const auth = target.client({ inspect: redactedInspector((event) => seen.push(event)) })
    const message = siweMessage({ domain: PAGE.host, address: ethereumAddressOf(ETHEREUM_KEYS.bob), uri: PAGE.href, chainId: 1, issuedAt: new Date() })
    const signature = personalSign(ETHEREUM_KEYS.bob, message)
    await signInWithWeb3(auth, { chain: 'ethereum', message, signature })
    const text = JSON.stringify(seen, (_, value: unknown) => (typeof value === 'function' ? undefined : value))
    expect(text).toContain('"via":"web3"')
    expect(text).not.toContain(signature.slice(2))
  })

  it('the server’s refusal (another key’s signature) is typed, and the client stays signed out', async (ctx) => {
    needs(ctx, 'ethereum')
    const { auth } = await freshClient()
    const message = siweMessage({ domain: PAGE.host, address: ethereumAddressOf(ETHEREUM_KEYS.alice), uri: PAGE.href, chainId: 1, issuedAt: new Date() })
    const error = await rejection(signInWithWeb3(auth, { chain: 'ethereum', message, signature: personalSign(ETHEREUM_KEYS.bob, message) }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 400, code: 'invalid_grant' })
    expect(auth.snapshot.status).toBe('signedOut')
  })
})

describe('Solana, through a wallet', () => {
  it('a wallet with signIn() and one with connect() + signMessage() sign the same user in', async (ctx) => {
    needs(ctx, 'solana')
    const address = solanaAddressOf(SOLANA_SEEDS.alice)
    const first = await freshClient()
    const withSignIn = solanaTestWallet(SOLANA_SEEDS.alice, 'signIn')
    const signedIn = await signInWithWeb3(first.auth, { chain: 'solana', wallet: withSignIn, statement: 'Sign in', options: { url: URL_SIGNED } })
    expect(withSignIn.calls).toEqual(['signIn'])
    expect(first.rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
    expect(first.rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect(amrOf(signedIn.session?.access_token)).toEqual(['web3'])
    expect(signedIn.user?.identities?.[0]?.identity_data?.['sub']).toBe(`web3:solana:${address}`)

    const second = await freshClient()
    const withSignMessage = solanaTestWallet(SOLANA_SEEDS.alice, 'signMessage')
    const options = { url: URL_SIGNED, signInWithSolana: { chainId: 'solana:devnet', nonce: 'n0nce-5678' } }
    const again = await signInWithWeb3(second.auth, { chain: 'solana', wallet: withSignMessage, options })
    expect(withSignMessage.calls).toEqual(['connect', 'signMessage'])
    expect(again.user?.id).toBe(signedIn.user?.id)
  })

  it('a Phantom-style provider, whose signMessage() answers { signature, publicKey }, signs in too', async (ctx) => {
    needs(ctx, 'solana')
    const { auth } = await freshClient()
    const address = solanaAddressOf(SOLANA_SEEDS.bob)
    const publicKey = { toBase58: () => address }
    const wallet = { publicKey, signMessage: async (bytes: Uint8Array) => ({ signature: solanaSign(SOLANA_SEEDS.bob, new TextDecoder().decode(bytes)), publicKey }) }
    const { user } = await signInWithWeb3(auth, { chain: 'solana', wallet, options: { url: URL_SIGNED } })
    expect(user?.identities?.[0]?.identity_data?.['sub']).toBe(`web3:solana:${address}`)
  })

  it('a message signed elsewhere signs in without a wallet (the signature as bytes)', async (ctx) => {
    needs(ctx, 'solana')
    const { auth, rec } = await freshClient()
    const message = siwsMessage({ domain: PAGE.host, uri: PAGE.href }, solanaAddressOf(SOLANA_SEEDS.bob), undefined)
    await signInWithWeb3(auth, { chain: 'solana', message, signature: solanaSign(SOLANA_SEEDS.bob, message) })
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'authenticated'])
  })
})

describe('refused before any request', () => {
  const eth = () => ethereumTestWallet(ETHEREUM_KEYS.alice)
  const bad: Array<[string, () => Web3Credentials]> = [
    ['no wallet outside a browser', () => ({ chain: 'ethereum', options: { url: URL_SIGNED } })],
    ['no url outside a browser', () => ({ chain: 'solana', wallet: solanaTestWallet(SOLANA_SEEDS.alice, 'signIn') })],
    ['a url that is not one', () => ({ chain: 'ethereum', wallet: eth(), options: { url: 'not a url' } })],
    ['an unknown chain', () => ({ chain: 'bitcoin', message: 'm', signature: '0x00' }) as unknown as Web3Credentials],
    ['a wallet that is none', () => ({ chain: 'ethereum', wallet: {} as never, options: { url: URL_SIGNED } })],
    ['a statement with a line break', () => ({ chain: 'ethereum', wallet: eth(), statement: 'a\nb', options: { url: URL_SIGNED } })],
    ['a nonce under 8 characters', () => ({ chain: 'ethereum', wallet: eth(), options: { url: URL_SIGNED, signInWithEthereum: { nonce: 'short' } } })],
    ['an Ethereum signature that is not hex', () => ({ chain: 'ethereum', message: 'm', signature: '0xnothex' })],
    ['a Solana signature that is not bytes', () => ({ chain: 'solana', message: 'm', signature: 'c2ln' as never })],
    ['an empty message', () => ({ chain: 'ethereum', message: '', signature: '0x00' })],
  ]
  for (const [what, credentials] of bad) {
    it(`${what}: AuthInvalidCredentialsError, no request, still signed out`, async () => {
      const counter = countingFetch()
      const { auth } = await freshClient({ fetch: counter.fetch })
      counter.reset()
      const given = credentials()
      const error = await rejection(signInWithWeb3(auth, given))
      expect(error).toBeInstanceOf(AuthInvalidCredentialsError)
      expect(counter.count).toBe(0)
      if ('wallet' in given && given.wallet && 'calls' in given.wallet) expect(given.wallet.calls).toEqual([])
      expect(auth.snapshot.status).toBe('signedOut')
    })
  }
})

describe('a wallet that refuses or fails', () => {
  it('the user rejects (EIP-1193 4001) at any step: Web3WalletError, no request, still signed out', async () => {
    for (const method of ['eth_requestAccounts', 'eth_chainId', 'personal_sign']) {
      const counter = countingFetch()
      const { auth, rec } = await freshClient({ fetch: counter.fetch })
      counter.reset()
      const wallet = ethereumTestWallet(ETHEREUM_KEYS.alice)
      wallet.refuseNext(undefined, method)
      const error = await rejection(signInWithWeb3(auth, { chain: 'ethereum', wallet, options: { url: URL_SIGNED } }))
      expect(error).toMatchObject({ name: 'Web3WalletError', code: 'web3_wallet_rejected', cause: { code: 4001 } })
      expect(wallet.calls.at(-1)).toBe(method)
      expect(counter.count).toBe(0)
      expect(rec.statuses).toEqual(['signedOut'])
    }
  })

  it('a Solana wallet that rejects, and one that fails otherwise', async () => {
    const { auth } = await freshClient()
    const rejecting = solanaTestWallet(SOLANA_SEEDS.alice, 'signIn')
    rejecting.refuseNext()
    expect(await rejection(signInWithWeb3(auth, { chain: 'solana', wallet: rejecting, options: { url: URL_SIGNED } }))).toMatchObject({
      name: 'Web3WalletError',
      code: 'web3_wallet_rejected',
    })
    const failing = solanaTestWallet(SOLANA_SEEDS.alice, 'signMessage')
    failing.refuseNext(new ProviderRpcError(-32603, 'Internal error'))
    expect(await rejection(signInWithWeb3(auth, { chain: 'solana', wallet: failing, options: { url: URL_SIGNED } }))).toMatchObject({
      name: 'Web3WalletError',
      code: 'web3_wallet_failed',
      message: expect.stringContaining('Internal error'),
    })
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('a wallet without accounts answers unusably: web3_wallet_invalid_response', async () => {
    const { auth } = await freshClient()
    const wallet = { request: async () => [] }
    expect(await rejection(signInWithWeb3(auth, { chain: 'ethereum', wallet, options: { url: URL_SIGNED } }))).toMatchObject({
      name: 'Web3WalletError',
      code: 'web3_wallet_invalid_response',
    })
  })
})
