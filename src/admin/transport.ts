/**
 * The admin entry's transport: the same requests as the browser transport (`src/http/client.ts`; see
 * `request-shape.ts`) and the same error mapping (`src/http/errors.ts`: `AuthApiError`,
 * `AuthRetryableFetchError`; the same secrets scrubbed from messages), sent through ky for its retries and
 * hooks.
 *
 * The browser client stays on plain `fetch` without retries: there the state machine decides when to try
 * again, and ky would cost ~5 KB and a `Request` clone per call. A server doing bulk admin work has the
 * opposite needs: rate limits are expected, a retry that honours `Retry-After` is the right default, and
 * hooks for logging and tracing are worth their bytes. This module is imported only by the admin entry.
 * @module
 */
import ky, { isHTTPError, type Hooks } from 'ky'
import { AuthApiError, AuthError, AuthInvalidCredentialsError, AuthRetryableFetchError } from '../errors.js'
import { collectSecrets, effectiveTimeout, normalizeBaseUrl, type Http, type HttpMethod, type HttpResponse, type RequestOptions } from '../http/client.js'
import { DEFAULT_TIMEOUT_MS } from '../http/constants.js'
import { abortedError, errorFromResponse, networkError, parseRetryAfter, redact, timeoutError } from '../http/errors.js'
import { isRecord, parseJson } from '../http/json.js'
import type { FetchLike } from '../types.js'
import { AttemptFailure, AttemptTimeout, boundedAttempt } from './attempt.js'
import { requestHeaders, requestUrl } from './request-shape.js'
import { kyRetry, resolveRetryPolicy, type AdminRetryOptions } from './retry-policy.js'

export interface AdminTransportConfig {
  /** Base URL of the auth server, e.g. `https://<ref>.supabase.co/auth/v1`. */
  url: string
  /** The service-role key: sent as `apikey` and, unless a call passes a user JWT, as the bearer token. */
  apiKey: string
  headers?: Record<string, string>
  /** The `fetch` each attempt goes through (default: the global one, looked up at call time). */
  fetch?: FetchLike
  /** Default timeout of each attempt, in ms (10 000). */
  timeout?: number
  retry?: AdminRetryOptions | false
  hooks?: Hooks
}

/**
 * Admin bodies carry credentials the user-facing endpoints never see (a custom provider's `client_secret`);
 * they are scrubbed from messages along with the usual ones.
 */
function adminSecrets(body: unknown, out: string[]): void {
  collectSecrets(body, out)
  if (isRecord(body) && typeof body['client_secret'] === 'string') out.push(body['client_secret'])
}

/** A 429 whose body is not GoTrue's JSON (a gateway's page) still tells the caller when to come back. */
function withRetryAfter(error: AuthError, headers: Headers): AuthError {
  if (!(error instanceof AuthApiError) || error.retryAfter !== undefined) return error
  const after = parseRetryAfter(headers.get('retry-after'))
  return after === undefined ? error : new AuthApiError(error.message, error.status, error.code, after)
}

/**
 * Creates the ky-based transport behind `createAdminClient`. It implements the same `Http` interface as
 * the browser transport, so every call function in `src/api` runs on either.
 *
 * Each attempt gets `timeout` ms (headers and body); the waits between attempts are bounded by the retry
 * policy ({@link AdminRetryOptions}); the caller's `signal` ends the whole call, waits included.
 *
 * @example
 * ```ts
 * const http = createAdminTransport({ url, apiKey: serviceRoleKey, retry: { limit: 5 } })
 * const { data, headers } = await http.request<unknown>('GET', 'admin/users', { query: { page: '2' } })
 * ```
 */
export function createAdminTransport(config: AdminTransportConfig): Http {
  const url = normalizeBaseUrl(config.url)
  const defaultTimeout = effectiveTimeout(config.timeout, DEFAULT_TIMEOUT_MS)
  const policy = resolveRetryPolicy(config.retry)
  // Late-bound so a test or polyfill that swaps globalThis.fetch after construction is honoured.
  const send: FetchLike = config.fetch ?? ((input, init) => globalThis.fetch(input, init))
  // ky's own timeout is off: `boundedAttempt` bounds each attempt, body included.
  const api = ky.create({ timeout: false, throwHttpErrors: true, ...(config.hooks ? { hooks: config.hooks } : {}) })

  async function request<T>(method: HttpMethod, path: string, given?: RequestOptions): Promise<HttpResponse<T>> {
    // The admin methods pass the caller's options object through as it is, `null` included.
    const options: RequestOptions = given ?? {}
    const secrets = (): string[] => {
      const list = [config.apiKey]
      if (options.jwt !== undefined) list.push(options.jwt)
      adminSecrets(options.body, list)
      return list
    }
    if (options.signal?.aborted) throw abortedError()

    const hasBody = options.body !== undefined && method !== 'GET'
    const { headers, body } = sendable(requestHeaders(config.apiKey, config.headers, options.jwt, hasBody), hasBody, options.body)
    const timeoutMs = effectiveTimeout(options.timeout, defaultTimeout)
    let response: Response | undefined
    try {
      response = await api(requestUrl(url, path, options.query, options.redirectTo), {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        // Anything but an AbortSignal (a caller without types passing `{}`) is no signal, as in the browser transport.
        ...(options.signal instanceof AbortSignal ? { signal: options.signal } : {}),
        fetch: boundedAttempt(send, timeoutMs),
        retry: kyRetry(policy, method, options.signal),
      })
    } catch (error) {
      throw await mapFailure(error, options.signal, secrets)
    }

    // A `beforeRetry` hook that returns `ky.stop` ends the call without a response: a deliberate stop.
    if (response === undefined) throw abortedError()
    // `boundedAttempt` has read the body already; this only hands it over (or reads a hook's replacement).
    const text = await response.text()
    if (text.trim().length === 0) return { data: undefined as T, status: response.status, headers: response.headers }
    const parsed = parseJson(text)
    if (!parsed.ok) throw new AuthRetryableFetchError('Invalid JSON in response', response.status, 'server_error')
    return { data: parsed.value as T, status: response.status, headers: response.headers }
  }

  return { url, request }
}

/**
 * The headers and body as they will be sent, checked before anything is: a body JSON cannot hold (a BigInt,
 * a cycle) or a header value HTTP cannot carry (a token with characters above U+00FF) is the caller's mistake,
 * refused before any request rather than surfacing as a `TypeError` from inside ky.
 */
function sendable(headers: Record<string, string>, hasBody: boolean, value: unknown): { headers: Headers; body: string | undefined } {
  try {
    return { headers: new Headers(headers), body: hasBody ? JSON.stringify(value) : undefined }
  } catch {
    throw new AuthInvalidCredentialsError('The request cannot be sent: its body is not JSON, or a header value has characters HTTP cannot carry')
  }
}

/** Turns whatever ky rejected with into the error the browser transport would give for the same failure. */
async function mapFailure(error: unknown, signal: AbortSignal | undefined, secrets: () => string[]): Promise<unknown> {
  // The caller's abort wins over whatever it interrupted (an attempt, or a wait before a retry).
  if (signal?.aborted) return abortedError()
  if (error instanceof AuthError) return error
  if (isHTTPError(error)) {
    const { response } = error
    const text = await response.text().catch(() => '')
    return withRetryAfter(errorFromResponse(response.status, response.headers, text, secrets()), response.headers)
  }
  if (error instanceof AttemptTimeout) return timeoutError(error.ms)
  if (error instanceof AttemptFailure) {
    const mapped = networkError(error.cause, error.status)
    const message = redact(mapped.message, secrets())
    // A cause that mentions a secret is dropped too: loggers print `cause`.
    return message === mapped.message ? mapped : new AuthRetryableFetchError(message, error.status, 'network_error')
  }
  // Anything else was thrown by one of the caller's own hooks: it reaches them unchanged.
  return error
}
