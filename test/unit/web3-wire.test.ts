/**
 * What `signInWithWeb3` sends, against what auth-js 2.x sends for the same wallet and options: the same
 * `POST /token?grant_type=web3` body, byte for byte (both signatures are deterministic: RFC 6979 ECDSA and
 * ed25519), for Ethereum and for both kinds of Solana wallet, with and without a captcha token. Neither
 * client reaches a server: each one's fetch keeps the body and answers 400.
 */
import { GoTrueClient } from '@supabase/auth-js'
import { describe, expect, it } from 'vitest'
import { createAuthClient, memoryStorage } from '../../src/index.js'
import { signInWithWeb3, type Web3Credentials } from '../../src/web3/index.js'
import { ETHEREUM_KEYS, ethereumTestWallet, SOLANA_SEEDS, solanaTestWallet } from '../support/web3-wallets.js'

const URL_SIGNED = 'https://app.example.com/sign-in?next=%2Fhome'

/** A fetch that records the web3 grant's JSON body and refuses every request. */
function capture(): { fetch: typeof fetch; body: () => unknown } {
  let body: unknown
  return {
    fetch: async (input, init) => {
      if (String(input).includes('grant_type=web3')) body = JSON.parse(String(init?.body))
      return new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'captured' }), { status: 400, headers: { 'content-type': 'application/json' } })
    },
    body: () => body,
  }
}

async function authJsBody(credentials: unknown): Promise<unknown> {
  const { fetch, body } = capture()
  const client = new GoTrueClient({ url: 'http://auth.test/auth/v1', fetch, persistSession: false, autoRefreshToken: false, detectSessionInUrl: false })
  await client.signInWithWeb3(credentials as Parameters<GoTrueClient['signInWithWeb3']>[0])
  return body()
}

async function ourBody(credentials: Web3Credentials): Promise<unknown> {
  const { fetch, body } = capture()
  const auth = createAuthClient({ url: 'http://auth.test/auth/v1', apiKey: 'anon', fetch, storage: memoryStorage(), autoRefreshToken: false })
  await signInWithWeb3(auth, credentials).catch(() => undefined)
  auth.dispose()
  return body()
}

/** Both clients' bodies for credentials made fresh for each (wallets record their calls). */
async function bothBodies(make: () => Web3Credentials): Promise<[unknown, unknown]> {
  const bodies: [unknown, unknown] = [await ourBody(make()), await authJsBody(make())]
  expect(bodies[0], 'our client sent no web3 grant').toMatchObject({ message: expect.any(String) })
  expect(bodies[1], 'auth-js sent no web3 grant').toMatchObject({ message: expect.any(String) })
  return bodies
}

const issuedAt = new Date('2026-01-02T03:04:05.678Z')

describe('the web3 grant body, as auth-js sends it', () => {
  it('Ethereum: the EIP-4361 message with every optional field, and the hex signature', async () => {
    const [ours, theirs] = await bothBodies(() => ({
      chain: 'ethereum',
      wallet: ethereumTestWallet(ETHEREUM_KEYS.alice, 8453),
      statement: 'I accept the Terms of Service',
      options: {
        url: URL_SIGNED,
        captchaToken: 'captcha-token',
        signInWithEthereum: {
          nonce: 'abcdefgh12',
          issuedAt,
          expirationTime: new Date('2026-01-02T03:14:05.678Z'),
          notBefore: new Date('2026-01-02T03:04:00.000Z'),
          requestId: 'req-1',
          resources: ['https://app.example.com/tos', 'ipfs://bafy'],
        },
      },
    }))
    expect(ours).toMatchObject({ chain: 'ethereum', signature: expect.stringMatching(/^0x[0-9a-f]{130}$/), gotrue_meta_security: { captcha_token: 'captcha-token' } })
    expect(ours).toEqual(theirs)
  })

  it('Ethereum: the minimal message (no statement, nonce or captcha)', async () => {
    const [ours, theirs] = await bothBodies(() => ({
      chain: 'ethereum',
      wallet: ethereumTestWallet(ETHEREUM_KEYS.bob),
      options: { url: URL_SIGNED, signInWithEthereum: { issuedAt } },
    }))
    expect(ours).not.toHaveProperty('gotrue_meta_security')
    expect(ours).toEqual(theirs)
  })

  it('Solana, signMessage(): the message built line for line, the signature as base64url', async () => {
    const options = {
      url: URL_SIGNED,
      signInWithSolana: { issuedAt: issuedAt.toISOString(), chainId: 'solana:mainnet', nonce: 'n0nce-1234', requestId: 'r', resources: ['https://a.example/'] },
    }
    const [ours, theirs] = await bothBodies(() => {
      const wallet = solanaTestWallet(SOLANA_SEEDS.alice, 'signMessage')
      // auth-js does not connect a wallet; a connected one is what both can use.
      void wallet.connect?.()
      return { chain: 'solana', wallet, statement: 'Sign in', options }
    })
    expect(ours).toMatchObject({ chain: 'solana', signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) })
    expect(ours).toEqual(theirs)
  })

  it('Solana, signIn(): what the wallet signed, as it signed it', async () => {
    const options = { url: URL_SIGNED, captchaToken: 't', signInWithSolana: { issuedAt: issuedAt.toISOString(), nonce: 'n0nce-1234' } }
    const [ours, theirs] = await bothBodies(() => ({ chain: 'solana', wallet: solanaTestWallet(SOLANA_SEEDS.bob, 'signIn'), statement: 'Hi', options }))
    expect(ours).toEqual(theirs)
  })

  it('messages signed elsewhere go as given (Solana bytes as base64url)', async () => {
    const signature = new Uint8Array(64).fill(251)
    const [ours, theirs] = await bothBodies(() => ({ chain: 'solana', message: 'a signed message', signature }))
    expect(ours).toEqual({ chain: 'solana', message: 'a signed message', signature: Buffer.from(signature).toString('base64url') })
    expect(ours).toEqual(theirs)
  })
})
