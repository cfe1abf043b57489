/**
 * When the admin transport tries a request again, and how long it waits first. Admin calls run in bulk
 * (imports, migrations) where GoTrue's rate limits answer 429, and gateways answer 503 while a project
 * restarts: both say "later", often with a `Retry-After`. Everything else is an answer, not a hiccup.
 *
 * - 429 and 503 are retried for every method: the server refused the request before acting on it.
 * - A network failure is retried only for idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS): a POST whose
 *   answer was lost may have created the user already.
 * - A timeout, the caller's abort, and every other status are not retried.
 * - The wait is the server's `Retry-After` (seconds or an HTTP date) when it sends one, else an exponential
 *   backoff (500 ms, 1 s, 2 s, … with jitter), never longer than `maxDelayMs`. A `Retry-After` longer than
 *   `maxDelayMs` is not waited for at all: the call fails at once and the error carries `retryAfter`, so a
 *   job can schedule itself instead of stalling a worker. (A 429 fails as `AuthApiError` with `retryAfter`
 *   in seconds; a 503 as `AuthRetryableFetchError` with status 503, which has no `retryAfter` field.)
 * @module
 */
import { isHTTPError, type RetryOptions } from 'ky'
import type { HttpMethod } from '../http/client.js'
import { parseRetryAfter } from '../http/errors.js'
import { AttemptFailure } from './attempt.js'

/** How the admin client retries; `false` in the options turns retrying off. */
export interface AdminRetryOptions {
  /** Retries after the first attempt. Default {@link DEFAULT_RETRY_LIMIT} (3); 0 turns retrying off. */
  limit?: number
  /**
   * The longest wait before one retry, in ms. Default {@link DEFAULT_MAX_DELAY_MS} (30 000). Caps the
   * backoff; a `Retry-After` above it means no retry (the error carries `retryAfter`).
   */
  maxDelayMs?: number
}

export interface RetryPolicy {
  readonly limit: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY_LIMIT = 3
export const DEFAULT_MAX_DELAY_MS = 30_000
/** The first backoff step; each further retry doubles it. */
export const BACKOFF_BASE_MS = 500
/** The statuses that mean "not now" rather than "no". */
export const RETRY_STATUSES: readonly number[] = [429, 503]

const IDEMPOTENT: ReadonlySet<HttpMethod | 'HEAD' | 'OPTIONS'> = new Set(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'])
// ky checks the method before asking `shouldRetry`; listing every method hands the decision to us.
const ALL_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace']

/**
 * The policy from the client option: defaults filled in, nonsense refused when the client is created.
 *
 * @example
 * resolveRetryPolicy({ limit: 5 })   // { limit: 5, maxDelayMs: 30_000 }
 * resolveRetryPolicy(false)          // { limit: 0, maxDelayMs: 30_000 }
 */
export function resolveRetryPolicy(option: AdminRetryOptions | false | undefined): RetryPolicy {
  if (option === false) return { limit: 0, maxDelayMs: DEFAULT_MAX_DELAY_MS }
  const limit = option?.limit ?? DEFAULT_RETRY_LIMIT
  const maxDelayMs = option?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError('createAdminClient: `retry.limit` must be a non-negative integer')
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) throw new TypeError('createAdminClient: `retry.maxDelayMs` must be a non-negative number')
  return { limit, maxDelayMs }
}

/**
 * Whether to retry after `error`: `false` stops, `undefined` lets ky go on with its own rules (which wait
 * for `Retry-After` on 429/503, or back off).
 *
 * @example
 * retryDecision(httpError429, 'POST', policy, undefined)   // undefined: retry
 */
export function retryDecision(error: unknown, method: HttpMethod, policy: RetryPolicy, signal: AbortSignal | undefined): false | undefined {
  if (signal?.aborted) return false
  if (isHTTPError(error)) {
    if (!RETRY_STATUSES.includes(error.response.status)) return false
    const after = parseRetryAfter(error.response.headers.get('retry-after'))
    // ky would shorten such a wait to the cap, and the retry would only be refused again.
    if (after !== undefined && after * 1000 > policy.maxDelayMs) return false
    return undefined
  }
  return error instanceof AttemptFailure && IDEMPOTENT.has(method) ? undefined : false
}

/**
 * ky's `retry` option for one call under `policy`.
 *
 * @example
 * await api(url, { method: 'GET', retry: kyRetry(policy, 'GET', options.signal) })
 */
export function kyRetry(policy: RetryPolicy, method: HttpMethod, signal: AbortSignal | undefined): RetryOptions {
  if (policy.limit === 0) return { limit: 0 }
  return {
    limit: policy.limit,
    methods: ALL_METHODS,
    statusCodes: [...RETRY_STATUSES],
    afterStatusCodes: [...RETRY_STATUSES],
    maxRetryAfter: policy.maxDelayMs,
    backoffLimit: policy.maxDelayMs,
    delay: (attempt) => BACKOFF_BASE_MS * 2 ** (attempt - 1),
    // "Equal jitter": at least half the step, so parallel workers spread out without retrying at once.
    jitter: (delay) => delay / 2 + Math.random() * (delay / 2),
    retryOnTimeout: false,
    shouldRetry: ({ error }) => retryDecision(error, method, policy, signal),
  }
}
