/**
 * The browser page's side of a redirect: reading what a provider or an email link brought back in the
 * URL (`detectSessionInUrl`), removing it so it is used once, and leaving for a provider.
 * @module
 */
import type { RedirectLanding } from '../../machines/lifecycle-types.js'
import type { SignInOperation } from '../../machines/operations.js'
import { AuthImplicitGrantRedirectError, AuthPKCEGrantCodeExchangeError } from '../errors.js'
import { validFlowId } from '../storage/index.js'

/** auth-js's name for the query parameter that says which PKCE flow a redirect belongs to. */
export const FLOW_ID_PARAM = 'sb_flow_id'

/** Decides whether a URL is this client's callback (auth-js: a page that also serves other OAuth returns). */
export type DetectSessionInUrl = boolean | ((url: URL, params: Record<string, string>) => boolean)

const QUERY_KEYS = ['code', FLOW_ID_PARAM, 'error', 'error_code', 'error_description'] as const

/** The fragment's and the query's parameters, the query winning, as auth-js reads them. */
function parametersOf(url: URL): Record<string, string> {
  const params: Record<string, string> = {}
  if (url.hash.startsWith('#')) new URLSearchParams(url.hash.slice(1)).forEach((value, key) => (params[key] = value))
  url.searchParams.forEach((value, key) => (params[key] = value))
  return params
}

/**
 * The implicit flow, lent by `supabase-auth-machine/handoff` as `implicitFlow`: sign-ins leave without a
 * PKCE challenge, and come back with the tokens in the URL's fragment, which it reads.
 */
export interface ImplicitFlow {
  readonly flowType: 'implicit'
  /** The sign-in a callback's parameters carry tokens for; null when they carry none usable. */
  tokensLanding(params: Readonly<Record<string, string>>): Extract<SignInOperation, { kind: 'tokens' }> | null
}

/**
 * What `href` brought back, or null when it is not a callback: an error redirect, a PKCE `?code=`, or
 * (with the {@link ImplicitFlow}) an implicit flow's `#access_token=…`. A redirect of the other flow than the
 * client's is an error too.
 *
 * @example
 * readLanding('https://app.example.com/?code=…', undefined, true)  // { kind: 'credential', operation: { kind: 'exchangeCode', … } }
 */
export function readLanding(href: string, implicit: ImplicitFlow | undefined, detect: DetectSessionInUrl): RedirectLanding | null {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return null
  }
  const params = parametersOf(url)
  const looksLikeCallback = Boolean(params['access_token'] || params['error'] || params['error_code'] || params['error_description'] || params['code'])
  if (!looksLikeCallback || detect === false || (typeof detect === 'function' && !detect(url, params))) return null
  if (params['error'] || params['error_code'] || params['error_description']) {
    const details = { error: params['error'] || 'unspecified_error', code: params['error_code'] || 'unspecified_code' }
    const message = params['error_description'] || 'Error in URL with unspecified error_description'
    return { kind: 'error', error: new AuthImplicitGrantRedirectError(message, details) }
  }
  if (params['access_token']) {
    if (implicit === undefined) return { kind: 'error', error: new AuthPKCEGrantCodeExchangeError('Not a valid PKCE flow url.') }
    const operation = implicit.tokensLanding(params)
    if (operation === null) return { kind: 'error', error: new AuthImplicitGrantRedirectError('No session defined in URL') }
    return { kind: 'credential', operation }
  }
  // An implicit-flow client has no verifier to trade a code with: a `code` here is someone else's.
  if (implicit !== undefined || !params['code']) return null
  return { kind: 'credential', operation: { kind: 'exchangeCode', authCode: params['code'], flowId: validFlowId(params[FLOW_ID_PARAM]) } }
}

/**
 * `href` without what a callback put there: the code, flow id and error parameters of the query, and a
 * fragment that held tokens or an error. The app's own parameters stay.
 */
export function withoutCallback(href: string): string {
  const url = new URL(href)
  for (const key of QUERY_KEYS) url.searchParams.delete(key)
  const fragment = new URLSearchParams(url.hash.slice(1))
  if (fragment.has('access_token') || fragment.has('error') || fragment.has('error_description')) url.hash = ''
  return url.toString()
}

interface PageWindow {
  location: { href: string; assign(url: string): void }
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void }
}

function pageWindow(): PageWindow | undefined {
  const candidate = (globalThis as { window?: Partial<PageWindow> }).window
  return candidate?.location && candidate.history ? (candidate as PageWindow) : undefined
}

/** The page's URL, in a browser. */
export function currentPageUrl(): string | undefined {
  return pageWindow()?.location.href
}

/** Takes the callback out of the page's URL (address bar and history entry), so a reload does not replay it. */
export function cleanPageUrl(): void {
  const page = pageWindow()
  if (page === undefined) return
  const cleaned = withoutCallback(page.location.href)
  if (cleaned !== page.location.href) page.history.replaceState(page.history.state, '', cleaned)
}

/** Sends the browser to `url`; outside a browser there is nowhere to go, and the URL is only returned. */
export function navigateTo(url: string): void {
  pageWindow()?.location.assign(url)
}
