/**
 * Where a wallet sign-in happens: the URL the message is signed for, and the wallet to ask. In a browser
 * both default to the page's (`location.href`, `window.ethereum` / `window.solana`); elsewhere both must
 * be given, as auth-js requires, and their absence is refused before any wallet or server request.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'

/** The page's window as read here: its URL, and whatever wallets extensions injected. */
type PageWindow = { location: { href: string } } & Record<string, unknown>

/** auth-js's test for a browser: a window with a document. */
function browserWindow(): PageWindow | undefined {
  const scope = globalThis as unknown as { window?: PageWindow; document?: unknown }
  return scope.window !== undefined && scope.document !== undefined ? scope.window : undefined
}

/**
 * The URL the message is signed for: `url`, else the browser page's.
 *
 * @example
 * const { host, href } = signingUrl(options?.url)
 */
export function signingUrl(url: string | undefined): URL {
  const given = url ?? browserWindow()?.location.href
  if (given === undefined) throw new AuthInvalidCredentialsError('options.url is required outside a browser: the URL the message is signed for')
  try {
    return new URL(given)
  } catch {
    throw new AuthInvalidCredentialsError('options.url must be an absolute URL')
  }
}

/**
 * The wallet to ask: `given` when it fits (`fits` checks its shape), else the browser's `window[name]`.
 * A missing or unfit wallet is an {@link AuthInvalidCredentialsError}.
 *
 * @example
 * const wallet = resolveWallet(credentials.wallet, 'ethereum', isEthereumWallet)
 */
export function resolveWallet<W>(given: W | undefined, name: 'ethereum' | 'solana', fits: (candidate: unknown) => candidate is W): W {
  if (given !== undefined) {
    if (!fits(given)) throw new AuthInvalidCredentialsError(`wallet is not a compatible ${name === 'ethereum' ? 'EIP-1193 provider' : 'Solana wallet'}`)
    return given
  }
  const page = browserWindow()
  if (page === undefined) throw new AuthInvalidCredentialsError('wallet is required outside a browser')
  const injected = page[name]
  if (!fits(injected)) {
    throw new AuthInvalidCredentialsError(`No compatible wallet at window.${name}: install or connect one, or pass \`wallet\``)
  }
  return injected
}
