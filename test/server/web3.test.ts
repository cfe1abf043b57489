/**
 * `POST /token?grant_type=web3` (contract §4.3) over raw HTTP, with messages built by the client's own
 * builders (auth-js's formats) and signed by fixed @noble test keys: both chains sign in; every refusal
 * answers as GoTrue's source does (which chains are on, sizes and message form as `validation_failed`,
 * signature, URI, domain and times as OAuth `invalid_grant`); GoTrue's policies on nonces and replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { loadNoble } from '../../src/testing/web3/library.js'
import { siweMessage, siwsMessage, type SiweFields } from '../../src/web3/index.js'
import type { SignInWithSolanaOptions } from '../../src/web3/index.js'
import { call, claims, start } from '../support/server-helpers.js'
import { ETHEREUM_KEYS, ethereumAddressOf, personalSign, SOLANA_SEEDS, solanaAddressOf, solanaSign } from '../support/web3-wallets.js'

let server: AuthServer
beforeAll(async () => {
  server = await start({ web3Ethereum: true, web3Solana: true })
})
afterAll(() => server.close())

const ALICE_ETH = ethereumAddressOf(ETHEREUM_KEYS.alice)
const ALICE_SOL = solanaAddressOf(SOLANA_SEEDS.alice)
const LOCAL = { domain: 'localhost:3000', uri: 'http://localhost:3000/sign-in' }
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000)

const grant = (body: Record<string, unknown>, srv = server) => call(srv, 'POST', '/token?grant_type=web3', { body })
const invalidGrant = (description: string) => ({ status: 400, body: { error: 'invalid_grant', error_description: description } })
const failed = (status: number, code: string, msg: string) => ({ status, body: { error_code: code, msg } })

function ethMessage(fields: Partial<SiweFields> = {}): string {
  return siweMessage({ ...LOCAL, address: ALICE_ETH, chainId: 1, nonce: 'nonce-0123', issuedAt: new Date(), ...fields })
}

function ethGrant(message: string, key = ETHEREUM_KEYS.alice, srv = server) {
  return grant({ chain: 'ethereum', message, signature: personalSign(key, message) }, srv)
}

function solMessage(options: SignInWithSolanaOptions = {}, page: { domain?: string; uri?: string; statement?: string } = {}, address = ALICE_SOL): string {
  return siwsMessage({ ...LOCAL, ...page }, address, { nonce: 'nonce-0123', ...options })
}

function solGrant(message: string, seed = SOLANA_SEEDS.alice, srv = server) {
  return grant({ chain: 'solana', message, signature: Buffer.from(solanaSign(seed, message)).toString('base64url') }, srv)
}

describe('which chains are on', () => {
  it('with both off (the default) every web3 grant is 422 web3_provider_disabled, before the body is read', async () => {
    const off = await start()
    try {
      for (const body of [{ chain: 'ethereum' }, { chain: 'bitcoin' }, { chain: 7 }]) {
        expect(await grant(body, off)).toMatchObject(failed(422, 'web3_provider_disabled', 'Web3 provider is disabled'))
      }
    } finally {
      await off.close()
    }
  })

  it('a chain that is off is 422 with its name; an unknown chain is 400 web3_unsupported_chain', async () => {
    const ethereumOnly = await start({ web3Ethereum: true })
    try {
      expect(await grant({ chain: 'solana', message: solMessage() }, ethereumOnly)).toMatchObject(failed(422, 'web3_provider_disabled', 'Solana Web3 provider is disabled'))
      expect(await grant({ chain: 'kaspa' }, ethereumOnly)).toMatchObject(failed(422, 'web3_provider_disabled', 'Kaspa Web3 provider is disabled'))
      expect(await grant({ chain: 'bitcoin' }, ethereumOnly)).toMatchObject(failed(400, 'web3_unsupported_chain', 'Unsupported chain'))
      expect(await grant({ chain: '' }, ethereumOnly)).toMatchObject(failed(400, 'web3_unsupported_chain', 'Unsupported chain'))
      expect((await ethGrant(ethMessage(), ETHEREUM_KEYS.alice, ethereumOnly)).status).toBe(200)
    } finally {
      await ethereumOnly.close()
    }
  })

  it('a member that is not a string fails the decode, as Go does', async () => {
    const res = await grant({ chain: 'ethereum', message: 42 })
    expect(res).toMatchObject({ status: 400, body: { error_code: 'bad_json' } })
  })
})

describe('Ethereum (Sign-In with Ethereum)', () => {
  it('creates the wallet’s user (no email, identity web3:ethereum:<address>, AMR web3) and signs it in again', async () => {
    const first = await ethGrant(ethMessage({ statement: 'Sign in to the test app' }))
    expect(first.status).toBe(200)
    expect(claims(first.body.access_token).amr).toEqual([{ method: 'web3', timestamp: expect.any(Number) }])
    const { user } = first.body
    expect(user).toMatchObject({ email: '', app_metadata: { provider: 'web3', providers: ['web3'] } })
    expect(user.identities).toEqual([
      expect.objectContaining({
        id: `web3:ethereum:${ALICE_ETH}`,
        provider: 'web3',
        identity_data: {
          sub: `web3:ethereum:${ALICE_ETH}`,
          custom_claims: { address: ALICE_ETH, chain: 'ethereum', network: '1', domain: 'localhost:3000', statement: 'Sign in to the test app' },
          email_verified: false,
          phone_verified: false,
        },
      }),
    ])
    // The same wallet, its address in upper case this time (GoTrue lower-cases it): the same user.
    const again = await ethGrant(ethMessage({ chainId: 137 }).replace(ALICE_ETH, `0x${ALICE_ETH.slice(2).toUpperCase()}`))
    expect(again.status).toBe(200)
    expect(again.body.user.id).toBe(user.id)
    expect(again.body.user.identities[0].identity_data.custom_claims).toMatchObject({ network: '137', statement: null })
  })

  it('another key is another user', async () => {
    const bob = ethereumAddressOf(ETHEREUM_KEYS.bob)
    const res = await ethGrant(ethMessage({ address: bob }), ETHEREUM_KEYS.bob)
    expect(res.status).toBe(200)
    expect(res.body.user.identities[0].id).toBe(`web3:ethereum:${bob}`)
  })

  it('refuses a signature by another key, and a message changed after signing', async () => {
    expect(await ethGrant(ethMessage(), ETHEREUM_KEYS.bob)).toMatchObject(invalidGrant('Signature does not match address in message'))
    const message = ethMessage()
    const signature = personalSign(ETHEREUM_KEYS.alice, message)
    expect(await grant({ chain: 'ethereum', message: message.replace('Chain ID: 1', 'Chain ID: 5'), signature })).toMatchObject(
      invalidGrant('Signature does not match address in message'),
    )
  })

  it('refuses malformed sizes, signatures and messages with GoTrue’s validation messages', async () => {
    const signature = personalSign(ETHEREUM_KEYS.alice, ethMessage())
    expect(await grant({ chain: 'ethereum', message: 'too short', signature })).toMatchObject(failed(400, 'validation_failed', 'message is too short'))
    expect(await grant({ chain: 'ethereum', message: ethMessage({ statement: 'x'.repeat(21_000) }), signature })).toMatchObject(
      failed(400, 'validation_failed', 'message must not exceed 20KB'),
    )
    expect(await grant({ chain: 'ethereum', message: ethMessage(), signature: signature.slice(0, -2) })).toMatchObject(
      failed(400, 'validation_failed', 'signature must be 65 bytes long, encoded as a 130 character-long hexadecimal string'),
    )
    const parse = async (message: string, msg: string) => expect(await grant({ chain: 'ethereum', message, signature })).toMatchObject(failed(400, 'validation_failed', msg))
    await parse(ethMessage().replace('Ethereum account', 'Solana account'), 'siwe: message first line does not end in " wants you to sign in with your Ethereum account:"')
    await parse(ethMessage({ domain: '127.0.0.1:3000' }), 'siwe: domain in first line of message is not valid')
    await parse(ethMessage().replace(/Issued At: .*/, 'Request ID: 1'), 'siwe: Issued At is not specified')
    await parse(ethMessage().replace('Version: 1', 'Version: 2'), 'siwe: Version value is not supported, expected 1 got "2"')
    await parse(ethMessage({ chainId: 0 }), 'siwe: Chain ID is not valid')
    await parse(ethMessage({ expirationTime: at(-1), issuedAt: at(0) }), 'siwe: Issued At is after Expiration Time')
  })

  it('a signature Go cannot decode (no 0x) is a bare 500, as GoTrue panics on it', async () => {
    const message = ethMessage()
    const res = await grant({ chain: 'ethereum', message, signature: personalSign(ETHEREUM_KEYS.alice, message).slice(2) })
    expect(res).toMatchObject({ status: 500, body: { error_code: 'unexpected_failure' } })
  })

  it('refuses a URI the server would not redirect to, plain http off localhost, and a domain that is not the URI’s', async () => {
    const foreign = ethMessage({ domain: 'evil.example.com', uri: 'https://evil.example.com/' })
    expect(await ethGrant(foreign)).toMatchObject(invalidGrant('Signed Ethereum message is using URI which is not allowed on this server, message was signed for another app'))
    const plain = ethMessage({ domain: 'app.example.com', uri: 'http://app.example.com/' })
    expect(await ethGrant(plain)).toMatchObject(invalidGrant('Signed Ethereum message is using URI which does not use HTTPS'))
    const site = await start({ web3Ethereum: true, siteUrl: 'https://app.example.com' })
    try {
      const ok = ethMessage({ domain: 'app.example.com', uri: 'https://app.example.com/login' })
      expect((await ethGrant(ok, ETHEREUM_KEYS.alice, site)).status).toBe(200)
      const otherDomain = ethMessage({ domain: 'other.example.com', uri: 'https://app.example.com/login' })
      expect(await ethGrant(otherDomain, ETHEREUM_KEYS.alice, site)).toMatchObject(
        invalidGrant('Signed Ethereum message is using a Domain that does not match the one in URI which is not allowed on this server'),
      )
    } finally {
      await site.close()
    }
  })

  it('refuses messages issued too long ago or too far ahead, not yet valid, or expired (with a Not Before)', async () => {
    expect(await ethGrant(ethMessage({ issuedAt: at(-11) }))).toMatchObject(invalidGrant('Ethereum message was issued too long ago'))
    expect(await ethGrant(ethMessage({ issuedAt: at(11) }))).toMatchObject(invalidGrant('Ethereum message was issued too far in the future'))
    expect((await ethGrant(ethMessage({ issuedAt: at(5) }))).status).toBe(200)
    expect(await ethGrant(ethMessage({ notBefore: at(2), expirationTime: at(5) }))).toMatchObject(invalidGrant('Signed Ethereum message becomes valid in the future'))
    expect(await ethGrant(ethMessage({ issuedAt: at(-5), notBefore: at(-5), expirationTime: at(-1) }))).toMatchObject(
      invalidGrant('Signed Ethereum message is expired'),
    )
  })

  it('as GoTrue: an expired message without a Not Before is accepted within the maximum validity', async () => {
    expect((await ethGrant(ethMessage({ issuedAt: at(-5), expirationTime: at(-1) }))).status).toBe(200)
  })

  it('the maximum validity is configurable (web3MaximumValidity)', async () => {
    const strict = await start({ web3Ethereum: true, web3MaximumValidity: 60 })
    try {
      expect(await ethGrant(ethMessage({ issuedAt: at(-2) }), ETHEREUM_KEYS.alice, strict)).toMatchObject(invalidGrant('Ethereum message was issued too long ago'))
    } finally {
      await strict.close()
    }
  })

  it('as GoTrue: no nonce is needed, and a signed message may be used again while it is valid', async () => {
    expect((await ethGrant(ethMessage({ nonce: undefined }))).status).toBe(200)
    const message = ethMessage()
    const body = { chain: 'ethereum', message, signature: personalSign(ETHEREUM_KEYS.alice, message) }
    const [first, replay] = [await grant(body), await grant(body)]
    expect([first.status, replay.status]).toEqual([200, 200])
    expect(replay.body.refresh_token).not.toBe(first.body.refresh_token)
  })

  it('a new wallet with sign-ups off is 422 signup_disabled', async () => {
    const closed = await start({ web3Ethereum: true, disableSignup: true })
    try {
      expect(await ethGrant(ethMessage(), ETHEREUM_KEYS.alice, closed)).toMatchObject(failed(422, 'signup_disabled', 'Signups not allowed for this instance'))
    } finally {
      await closed.close()
    }
  })
})

describe('Solana (Sign-In with Solana)', () => {
  it('signs in (identity web3:solana:<base58 address>), with the signature in base64url or padded base64', async () => {
    const message = solMessage({ chainId: 'solana:devnet' }, { statement: 'Sign in to the test app' })
    const res = await solGrant(message)
    expect(res.status).toBe(200)
    expect(claims(res.body.access_token).amr).toEqual([{ method: 'web3', timestamp: expect.any(Number) }])
    expect(res.body.user.identities[0]).toMatchObject({
      id: `web3:solana:${ALICE_SOL}`,
      provider: 'web3',
      identity_data: { custom_claims: { address: ALICE_SOL, chain: 'solana', network: 'solana:devnet', domain: 'localhost:3000', statement: 'Sign in to the test app' } },
    })
    const padded = await grant({ chain: 'solana', message, signature: Buffer.from(solanaSign(SOLANA_SEEDS.alice, message)).toString('base64') })
    expect(padded.status).toBe(200)
    expect(padded.body.user.id).toBe(res.body.user.id)
    const plain = await solGrant(solMessage())
    expect(plain.body.user.identities[0].identity_data.custom_claims).toMatchObject({ network: '', statement: '' })
  })

  it('refuses another key’s signature, bad signature encodings, and a bad chain id', async () => {
    expect(await solGrant(solMessage(), SOLANA_SEEDS.bob)).toMatchObject(invalidGrant('Signature does not match address in message'))
    const message = solMessage()
    expect(await grant({ chain: 'solana', message, signature: 'a'.repeat(87) })).toMatchObject(
      failed(400, 'validation_failed', 'signature must be 64 bytes encoded as base64 with or without padding'),
    )
    expect(await grant({ chain: 'solana', message, signature: `${'a'.repeat(85)}!` })).toMatchObject(
      failed(400, 'validation_failed', 'signature does not contain valid base64 characters'),
    )
    expect(await solGrant(solMessage({ chainId: 'mainnet' }))).toMatchObject(failed(400, 'validation_failed', 'siws: Chain ID is not valid'))
    expect(await solGrant(solMessage({}, {}, 'not-base58'))).toMatchObject(failed(400, 'validation_failed', 'siws: wallet address is not in base58 format'))
  })

  it('an address outside the base58 alphabet is a bare 500, as GoTrue panics on it', async () => {
    const res = await solGrant(solMessage({}, {}, 'l'.repeat(44)))
    expect(res).toMatchObject({ status: 500, body: { error_code: 'unexpected_failure' } })
  })

  it('checks URI, domain and times as for Ethereum; the expiration time counts without a Not Before', async () => {
    expect(await solGrant(solMessage({}, { domain: 'evil.example.com', uri: 'https://evil.example.com/' }))).toMatchObject(
      invalidGrant('Signed Solana message is using URI which is not allowed on this server, message was signed for another app'),
    )
    expect(await solGrant(solMessage({ issuedAt: at(-11).toISOString() }))).toMatchObject(invalidGrant('Solana message was issued too long ago'))
    expect(await solGrant(solMessage({ issuedAt: at(11).toISOString() }))).toMatchObject(invalidGrant('Solana message was issued too far in the future'))
    expect(await solGrant(solMessage({ notBefore: at(2).toISOString() }))).toMatchObject(invalidGrant('Signed Solana message becomes valid in the future'))
    expect(await solGrant(solMessage({ issuedAt: at(-5).toISOString(), expirationTime: at(-1).toISOString() }))).toMatchObject(
      invalidGrant('Signed Solana message is expired'),
    )
  })

  it('auth-js’s own message with resources does not parse (its “Resources” line has no colon)', async () => {
    expect(await solGrant(solMessage({ resources: ['https://example.com/tos'] }))).toMatchObject(failed(400, 'validation_failed', expect.stringMatching(/^siws: encountered unparsable line/)))
  })
})

describe('the verifying libraries', () => {
  it('are loaded on demand; without them the error names the packages', async () => {
    const error = await loadNoble(() => Promise.reject(new Error('Cannot find package'))).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'OptionalPackageMissing', message: expect.stringContaining('@noble/curves and @noble/hashes') })
  })
})
