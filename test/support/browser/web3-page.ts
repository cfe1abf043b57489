/**
 * The app page of the Web3 browser tests: ONE auth client per page load, and the wallets a browser
 * extension would inject, `window.ethereum` (an EIP-1193 provider) and `window.solana` (Phantom-like:
 * `connect()` + `signMessage()`, or a wallet with `signIn()`), each signing with a fixed test key by
 * @noble inside the page. The app calls `signInWithWeb3(auth, { chain })` with NO wallet and NO URL: the
 * package must find both in the page. Operations come from the test as plain data (see `Op`); every one
 * ends in an {@link Outcome}, errors described by name, code and the wallet's own error code.
 *
 * The client imports below name the SOURCES for their types; the harness bundles this file with each of
 * them redirected to the BUILT entry (`index.js`, `web3.js`). Tokens never leave the page.
 */
import { createAuthClient } from '../../../src/index.js'
import type { AuthClient, AuthStatus } from '../../../src/index.js'
import { isWeb3WalletError, signInWithWeb3 } from '../../../src/web3/index.js'
import { ETHEREUM_KEYS, ethereumTestWallet, SOLANA_SEEDS, solanaTestWallet } from '../web3-wallets.js'

/** Written into the page by the page server. */
export interface Web3PageConfig {
  url: string
  apiKey: string
}

/** The client as the test may see it: no tokens. */
export interface Web3View {
  status: AuthStatus
  userId: string | null
  /** The `amr` methods of the access token. */
  amr: string[]
  /** The user's first identity: its id (`web3:<chain>:<address>`) and the domain the message named. */
  identity: { id: string; domain: unknown } | null
}

export interface Web3Failure {
  name: string
  message: string
  code: string | null
  isWeb3WalletError: boolean
  /** The wallet's own error code (EIP-1193), when a wallet error is the cause. */
  causeCode: number | null
}

export type Web3Outcome = { ok: true; view: Web3View } | { ok: false; error: Web3Failure; view: Web3View }

export type Op =
  | { kind: 'signIn'; chain: 'ethereum' | 'solana'; statement?: string }
  | { kind: 'signOut' }
  /** The injected wallet of `chain` refuses its next request (of `method`): the user clicked "Reject". */
  | { kind: 'refuseNext'; chain: 'ethereum' | 'solana'; method?: string }
  /** Replaces `window.solana` with a wallet of this kind. */
  | { kind: 'solanaWallet'; mode: 'signIn' | 'signMessage' }

export interface Web3App {
  ready: Promise<Web3View>
  /** Every status the client passed through on this page load (repeats collapsed). */
  seen: AuthStatus[]
  view(): Web3View
  run(op: Op): Promise<Web3Outcome>
  /** What each injected wallet was asked, in order. */
  walletCalls(): { ethereum: string[]; solana: string[] }
}

interface PageGlobal {
  app: Web3App
  web3PageConfig: Web3PageConfig
  ethereum: ReturnType<typeof ethereumTestWallet>
  solana: ReturnType<typeof solanaTestWallet>
}

const page = globalThis as unknown as PageGlobal
page.ethereum = ethereumTestWallet(ETHEREUM_KEYS.alice, 1)
page.solana = solanaTestWallet(SOLANA_SEEDS.alice, 'signMessage')

const { url, apiKey } = page.web3PageConfig
const auth: AuthClient = createAuthClient({ url, apiKey })
const seen: AuthStatus[] = []
auth.state$.subscribe((state) => {
  if (seen.at(-1) !== state.status) seen.push(state.status)
})

/** The `amr` methods of a JWT's payload, read without verifying (the server signed it). */
function amrOf(token: string | undefined): string[] {
  const payload = token?.split('.')[1]
  if (payload === undefined) return []
  const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'))
  return ((JSON.parse(json) as { amr?: Array<{ method?: string }> }).amr ?? []).map((entry) => String(entry.method))
}

function view(): Web3View {
  const { status, user, session } = auth.snapshot
  const first = user?.identities?.[0]
  const claims = first?.identity_data?.['custom_claims'] as { domain?: unknown } | undefined
  return { status, userId: user?.id ?? null, amr: amrOf(session?.access_token), identity: first ? { id: first.id, domain: claims?.domain } : null }
}

function describeFailure(error: unknown): Web3Failure {
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } }
  return {
    name: String(e.name),
    message: String(e.message),
    code: typeof e.code === 'string' ? e.code : null,
    isWeb3WalletError: isWeb3WalletError(error),
    causeCode: typeof e.cause?.code === 'number' ? e.cause.code : null,
  }
}

async function perform(op: Op): Promise<void> {
  switch (op.kind) {
    case 'signIn':
      // No wallet, no URL: the package takes both from the page.
      await signInWithWeb3(auth, op.chain === 'ethereum' ? { chain: 'ethereum', statement: op.statement } : { chain: 'solana', statement: op.statement })
      return
    case 'signOut':
      await auth.signOut()
      return
    case 'refuseNext':
      page[op.chain].refuseNext(undefined, op.method)
      return
    case 'solanaWallet':
      page.solana = solanaTestWallet(SOLANA_SEEDS.alice, op.mode)
      return
  }
}

page.app = {
  ready: auth.ready.then(() => view()),
  seen,
  view,
  async run(op) {
    try {
      await perform(op)
      return { ok: true, view: view() }
    } catch (error) {
      return { ok: false, error: describeFailure(error), view: view() }
    }
  },
  walletCalls: () => ({ ethereum: [...page.ethereum.calls], solana: [...page.solana.calls] }),
}
