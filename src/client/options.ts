/**
 * Options of `createAuthClient`, and their defaults.
 * @module
 */
import type { SupportedStorage } from '../storage/index.js'
import type { FetchLike } from '../types.js'
import type { Clock } from '../runtime/timers.js'
import type { DetectSessionInUrl, ImplicitFlow } from './page-url.js'
import type { InspectObserver } from './inspection.js'

export interface AuthClientOptions {
  /** The Auth base URL: `https://<ref>.supabase.co/auth/v1`, or the `url` of the local auth server. */
  url: string
  /** The project's anon (publishable) key, sent as `apikey` and as the bearer on public calls. */
  apiKey: string
  /** Extra headers on every request (merged over the defaults). */
  headers?: Record<string, string>
  /** Where the session is kept. Default: `localStorage` in a browser, memory elsewhere. Sync or async. */
  storage?: SupportedStorage
  /** Storage key (auth-js compatible). Default: `sb-<ref>-auth-token` for `<ref>.supabase.co`, else `supabase.auth.token`. */
  storageKey?: string
  /** false: keep the session in memory only, never in `storage`. Default true. */
  persistSession?: boolean
  /** Refresh the access token before it expires. Default true. */
  autoRefreshToken?: boolean
  /**
   * A custom `fetch` (for proxies, instrumentation, or tests): anything called like `fetch` that resolves
   * with a `Response`, including your own ky instance. Create it with `throwHttpErrors: false` (the client
   * reads error answers itself: a thrown `HTTPError` would reach you as a network error instead of a typed
   * `AuthApiError`), `retry: 0` (when to retry is the client's decision: ky would send a timed-out refresh
   * again behind the state machine's back) and `timeout: false` (the client's own `timeout` applies; ky's
   * default 10 s would otherwise race it). Hooks then see every request the client makes.
   *
   * @example
   * ```ts
   * import ky from 'ky'
   *
   * const traced = ky.create({
   *   throwHttpErrors: false,
   *   retry: 0,
   *   timeout: false,
   *   hooks: { beforeRequest: [(request) => console.debug(request.method, new URL(request.url).pathname)] },
   * })
   * const auth = createAuthClient({ url, apiKey, fetch: traced })
   * ```
   */
  fetch?: FetchLike
  /** Time source and timer scheduler; the default's timers never keep Node alive. */
  clock?: Clock
  /**
   * Receives the chart's inspection events (e.g. `@statelyai/inspect`): an observer wrapped by
   * `redactedInspector` from `supabase-auth-machine/inspect`, which replaces secrets by `[redacted]`.
   */
  inspect?: InspectObserver
  /** false: `inspect` may be a raw observer, and sees passwords, codes and tokens. */
  redactInspection?: boolean
  /** Default per-request timeout in ms (10 000). Each method also takes `{ timeout, signal }`. */
  timeout?: number
  /** Refresh this long before expiry, in ms (90 000, as auth-js). */
  refreshMarginMs?: number
  /** Longest wait for another client's refresh to finish before refreshing anyway, in ms (15 000). */
  lockTimeoutMs?: number
  /** Longest wait for a storage call before falling back to memory, in ms (5 000). */
  storageTimeoutMs?: number
  /**
   * How redirects bring the user back: `pkce` (the default) with a `?code=` traded for a session, or the
   * implicit flow with the tokens in the URL's fragment: `implicitFlow` from `supabase-auth-machine/handoff`
   * (auth-js's `'implicit'`, which JavaScript callers passing that string get the PKCE flow for), kept out of
   * the main entry since OAuth 2.1 drops the implicit flow.
   */
  flowType?: 'pkce' | ImplicitFlow
  /**
   * In a browser, complete a sign-in the page's URL brought back (a `?code=`, a `#access_token=…`, or an
   * error redirect) while initializing, then remove it from the URL. Default true; a function decides per URL.
   */
  detectSessionInUrl?: DetectSessionInUrl
  /**
   * The URL the app was opened with, where there is no `window.location` to read (a React Native deep
   * link, a test): read as `detectSessionInUrl` reads the page's URL, and not rewritten.
   */
  pageUrl?: string
}

