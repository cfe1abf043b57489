/**
 * The one place that speaks HTTP. Every call gets the Supabase headers, a bounded lifetime (timeout and the
 * caller's signal), and leaves as either parsed JSON or an {@link AuthError}. No retries: when to try again is
 * the state machine's decision.
 * @module
 */
import { AuthError, AuthInvalidCredentialsError, AuthRetryableFetchError } from '../errors.js'
import type { CallOptions, FetchLike } from '../types.js'
import { API_VERSION, API_VERSION_HEADER, CLIENT_INFO, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './constants.js'
import { abortedError, errorFromResponse, networkError, redact, timeoutError } from './errors.js'
import { parseJson } from './json.js'
import { startTimer, stopTimer } from '../runtime/timers.js'
import { followAbort } from './signals.js'

export interface HttpConfig {
  /** Base URL of the auth server, e.g. `https://<ref>.supabase.co/auth/v1`. */
  url: string
  /** Project API key: sent as `apikey` and, when no user JWT is given, as the bearer token. */
  apiKey: string
  /** Extra headers on every request; they win over the defaults (but not over a per-call `jwt`). */
  headers?: Record<string, string>
  /** A `fetch`, or anything called like it (a ky instance made with `throwHttpErrors: false`). */
  fetch?: FetchLike
  /** Default per-request timeout in ms (10 000). */
  timeout?: number
}

export interface RequestOptions extends CallOptions {
  /** Sent as `Authorization: Bearer <jwt>`; defaults to the API key. */
  jwt?: string
  query?: Record<string, string | undefined>
  /** Serialized as JSON. Ignored on GET. */
  body?: unknown
  /** Becomes the `redirect_to` query parameter. */
  redirectTo?: string
  /**
   * Reads the body instead of `response.text()`, e.g. to stop at a size limit (the JWKS fetch of
   * `supabase-auth-machine/jwt`). What it throws becomes the transport's network error.
   */
  read?: (response: Response) => Promise<string>
}

export interface HttpResponse<T> {
  /** Parsed JSON, or `undefined` for an empty body (204). */
  data: T
  status: number
  headers: Headers
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Http {
  readonly url: string
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<HttpResponse<T>>
}

/** Body keys whose values are credentials; they are scrubbed from any message built from a response. */
const SECRET_BODY_KEYS: ReadonlySet<string> = new Set([
  'password', 'current_password', 'password_hash', 'refresh_token', 'access_token', 'id_token', 'token',
  'token_hash', 'code', 'code_verifier', 'auth_code', 'nonce', 'captcha_token', 'provider_token',
  'provider_refresh_token', 'signature',
])

/**
 * Pushes onto `out` every string under a secret key of `value` (nested up to four levels). Exported for the
 * admin transport, so both transports scrub the same values from error messages.
 *
 * @example
 * const secrets = [apiKey]
 * collectSecrets({ email, password }, secrets)   // secrets = [apiKey, password]
 */
export function collectSecrets(value: unknown, out: string[], depth = 0): void {
  if (depth > 4 || typeof value !== 'object' || value === null) return
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && SECRET_BODY_KEYS.has(key)) out.push(v)
    else if (typeof v === 'object') collectSecrets(v, out, depth + 1)
  }
}

/** `value` when usable as a timeout (clamped to what `setTimeout` accepts), else `fallback`. @example effectiveTimeout(undefined, 10_000) // 10_000 */
export function effectiveTimeout(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return fallback
  return Math.min(value, MAX_TIMEOUT_MS)
}

/** The base URL, validated, without a trailing slash. @example normalizeBaseUrl('http://localhost:9999/') // 'http://localhost:9999' */
export function normalizeBaseUrl(url: string): string {
  // Validates early (a typo fails at construction, not on the first sign-in) and drops a trailing slash. Not a
  // URL (a typo, a value of another type) is the caller's mistake: typed, not the `TypeError` of `new URL`.
  if (typeof url === 'string') {
    try {
      return new URL(url).toString().replace(/\/+$/, '')
    } catch {
      // Not a URL: refused below.
    }
  }
  throw new AuthInvalidCredentialsError('url must be a URL')
}

/**
 * Creates the transport for one client: `fetch` with the Supabase headers, one timeout and no retries,
 * because the chart decides retries and this module maps every failure itself. (It used ky until the
 * benchmark showed ky building and cloning a `Request` per call for retries it never made: a quarter of
 * the client's CPU and ~5 KB gzipped; see `bench/NOTES.md`.)
 *
 * @example
 * ```ts
 * const http = createHttp({ url: 'http://localhost:9999', apiKey: anonKey })
 * const { data } = await http.request<{ name: string }>('GET', 'health', { timeout: 2_000 })
 * ```
 */
export function createHttp(config: HttpConfig): Http {
  const url = normalizeBaseUrl(config.url)
  const defaultTimeout = effectiveTimeout(config.timeout, DEFAULT_TIMEOUT_MS)
  // Late-bound so a test or polyfill that swaps globalThis.fetch after construction is honoured.
  const send: FetchLike = config.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    // Built only when a message is: the happy path never needs the list.
    const secrets = (): string[] => {
      const list = [config.apiKey]
      if (options.jwt !== undefined) list.push(options.jwt)
      collectSecrets(options.body, list)
      return list
    }

    if (options.signal?.aborted) throw abortedError()

    const headers: Record<string, string> = {
      apikey: config.apiKey,
      Authorization: `Bearer ${config.apiKey}`,
      [API_VERSION_HEADER]: API_VERSION,
      'X-Client-Info': CLIENT_INFO,
      ...config.headers,
    }
    if (options.jwt !== undefined) headers['Authorization'] = `Bearer ${options.jwt}`
    const hasBody = options.body !== undefined && method !== 'GET'
    if (hasBody) headers['Content-Type'] = 'application/json;charset=UTF-8'

    let search = ''
    if (options.query !== undefined || options.redirectTo !== undefined) {
      const searchParams = new URLSearchParams()
      for (const [key, value] of Object.entries(options.query ?? {})) {
        if (value !== undefined) searchParams.set(key, value)
      }
      if (options.redirectTo !== undefined) searchParams.set('redirect_to', options.redirectTo)
      const encoded = searchParams.toString()
      search = encoded === '' ? '' : `?${encoded}`
    }
    const target = `${url}/${path.replace(/^\/+/, '')}${search}`

    let init: RequestInit
    try {
      // What HTTP cannot carry (a BigInt in the body, a control character in a token) is a bad argument,
      // refused before sending: failing inside `fetch`, it would pass for a retryable network error.
      init = { method, headers: new Headers(headers), ...(hasBody ? { body: JSON.stringify(options.body) } : {}) }
    } catch {
      throw new AuthInvalidCredentialsError('A header or the body cannot be encoded')
    }

    const timeoutMs = effectiveTimeout(options.timeout, defaultTimeout)
    // One controller per request: the timer and the caller's signal both abort it.
    const controller = new AbortController()
    let timedOut = false
    // A pending request keeps its socket alive anyway; the timer itself must never hold a process open.
    const timer = startTimer(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const unfollow = followAbort(options.signal, controller)

    // Which signal fired decides the error: ours is a retryable timeout, the caller's is a deliberate abort.
    const interruption = (cause: unknown, status = 0): AuthError => {
      if (options.signal?.aborted) return abortedError()
      if (timedOut) return timeoutError(timeoutMs)
      const error = networkError(cause, status)
      const message = redact(error.message, secrets())
      // A cause that mentions a secret is dropped too: inspectors and loggers print `cause`.
      return message === error.message ? error : new AuthRetryableFetchError(message, status, 'network_error')
    }

    try {
      let response: Response
      try {
        response = await send(target, { ...init, signal: controller.signal })
      } catch (error) {
        // A custom `fetch` that refuses with a typed error (the SSR refresh gate) is heard as it is.
        throw error instanceof AuthError ? error : interruption(error)
      }

      let text: string
      try {
        text = await (options.read?.(response) ?? response.text())
      } catch (error) {
        // Headers arrived, the body did not: the connection dropped or a signal fired mid-stream.
        throw interruption(error, response.status)
      }

      if (!response.ok) throw errorFromResponse(response.status, response.headers, text, secrets())

      if (text.trim().length === 0) {
        return { data: undefined as T, status: response.status, headers: response.headers }
      }
      const parsed = parseJson(text)
      if (!parsed.ok) throw new AuthRetryableFetchError('Invalid JSON in response', response.status, 'server_error')
      return { data: parsed.value as T, status: response.status, headers: response.headers }
    } finally {
      stopTimer(timer)
      unfollow()
    }
  }

  return { url, request }
}
