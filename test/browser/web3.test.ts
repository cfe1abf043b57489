/**
 * Web3 sign-in end to end in Debian's chromium: a page running the BUILT package calls
 * `signInWithWeb3(auth, { chain })` with no wallet and no URL, so the package must take the page's URL for
 * the message and the wallet a browser extension injected (`window.ethereum`, `window.solana`). The
 * injected test wallets sign with fixed keys (@noble, bundled into the page); the local auth server
 * checks every signature, so a test passes only if the browser-built message and signature verify.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { BUILD_DIR, openWeb3World, type Web3Tab, type Web3World } from '../support/browser/web3-harness.js'
import type { Op, Web3Failure } from '../support/browser/web3-page.js'
import { ETHEREUM_KEYS, ethereumAddressOf, SOLANA_SEEDS, solanaAddressOf } from '../support/web3-wallets.js'

const WEB3_GRANT = { method: 'POST', path: '/token', grantType: 'web3' } as const

describe.skipIf(!hasChromium)(`Web3 sign-in in a browser, with injected wallets${SKIP_NOTE}`, () => {
  let world: Web3World

  beforeAll(async () => {
    world = await openWeb3World()
  }, 60_000)
  beforeEach(() => world.server.requests.clear())
  afterEach(() => world.closeContexts())
  afterAll(() => world?.close())

  async function ok(tab: Web3Tab, op: Op): Promise<void> {
    const outcome = await tab.run(op)
    if (!outcome.ok) throw new Error(`${op.kind} failed: ${outcome.error.name} ${outcome.error.code ?? ''} ${outcome.error.message}`)
  }

  async function failure(tab: Web3Tab, op: Op): Promise<Web3Failure> {
    const outcome = await tab.run(op)
    if (outcome.ok) throw new Error(`${op.kind} succeeded; it should have failed`)
    return outcome.error
  }

  it('the page runs the built package', () => {
    for (const entry of ['index.js', 'web3.js', 'errors.js']) expect(world.bundleInputs).toContain(`${BUILD_DIR}/${entry}`)
    const sources = world.bundleInputs.filter((input) => (input.startsWith('src/') && !input.startsWith('src/testing/')) || input.startsWith('machines/'))
    expect(sources).toEqual([])
  })

  it('Ethereum: window.ethereum signs a message for the page, and the client signs in', async () => {
    const tab = await world.openTab()
    await ok(tab, { kind: 'signIn', chain: 'ethereum', statement: 'Sign in to the web3 test page' })
    const view = await tab.view()
    expect(view).toMatchObject({ status: 'authenticated', amr: ['web3'] })
    expect(view.identity).toEqual({ id: `web3:ethereum:${ethereumAddressOf(ETHEREUM_KEYS.alice)}`, domain: new URL(world.origin).host })
    expect(await tab.seen()).toEqual(['initializing', 'signedOut', 'signingIn', 'authenticated'])
    expect((await tab.walletCalls()).ethereum).toEqual(['eth_requestAccounts', 'eth_chainId', 'personal_sign'])
    expect(world.server.requests.count(WEB3_GRANT)).toBe(1)
  })

  it('Solana: window.solana (connect + signMessage, or signIn) signs in the same wallet user', async () => {
    const tab = await world.openTab()
    await ok(tab, { kind: 'signIn', chain: 'solana', statement: 'Sign in to the web3 test page' })
    const first = await tab.view()
    expect(first).toMatchObject({ status: 'authenticated', amr: ['web3'] })
    expect(first.identity).toEqual({ id: `web3:solana:${solanaAddressOf(SOLANA_SEEDS.alice)}`, domain: new URL(world.origin).host })
    expect((await tab.walletCalls()).solana).toEqual(['connect', 'signMessage'])

    await ok(tab, { kind: 'signOut' })
    await ok(tab, { kind: 'solanaWallet', mode: 'signIn' })
    await ok(tab, { kind: 'signIn', chain: 'solana' })
    expect(await tab.view()).toMatchObject({ status: 'authenticated', userId: first.userId })
    expect((await tab.walletCalls()).solana).toEqual(['signIn'])
    expect(world.server.requests.count(WEB3_GRANT)).toBe(2)
  })

  it('the user rejects in the wallet (EIP-1193 4001): a typed error, no request, still signed out', async () => {
    const tab = await world.openTab()
    for (const method of ['eth_requestAccounts', 'personal_sign']) {
      await ok(tab, { kind: 'refuseNext', chain: 'ethereum', method })
      const error = await failure(tab, { kind: 'signIn', chain: 'ethereum' })
      expect(error).toMatchObject({ name: 'Web3WalletError', code: 'web3_wallet_rejected', isWeb3WalletError: true, causeCode: 4001 })
    }
    await ok(tab, { kind: 'refuseNext', chain: 'solana' })
    expect(await failure(tab, { kind: 'signIn', chain: 'solana' })).toMatchObject({ code: 'web3_wallet_rejected', causeCode: 4001 })
    expect(await tab.view()).toMatchObject({ status: 'signedOut', userId: null })
    expect(await tab.seen()).toEqual(['initializing', 'signedOut'])
    expect(world.server.requests.count(WEB3_GRANT)).toBe(0)
  })
})
