/**
 * How a failed exchange with GoTrue becomes an {@link AuthError}. Follows auth-js `handleError` (both error
 * body shapes, OAuth errors, weak-password and session-missing special cases) but never lets a raw
 * `SyntaxError`/`TypeError` escape, and never copies a request body or token into a message.
 * @module
 */
import {
  AuthApiError,
  AuthError,
  AuthRetryableFetchError,
  AuthSessionMissingError,
  AuthWeakPasswordError,
  type ErrorCode,
} from '../errors.js'
import { API_VERSION, API_VERSION_HEADER } from './constants.js'
import { isRecord, parseJson } from './json.js'

/** Gateway and server statuses after which the same request may succeed (auth-js `NETWORK_ERROR_CODES`). The transport treats every 5xx as retryable; this narrower list is for callers deciding when to retry. */
export function isRetryableStatus(status: number): boolean {
  return (status >= 500 && status <= 504) || (status >= 520 && status <= 530)
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/**
 * Seconds to wait from a `Retry-After` header: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Anything else is ignored rather than guessed.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** GoTrue echoes the version only on error responses and only when it used the 2024-01-01 body shape. */
function usesVersionedShape(headers: Headers): boolean {
  const echoed = headers.get(API_VERSION_HEADER)
  return echoed !== null && /^\d{4}-\d{2}-\d{2}$/.test(echoed.trim()) && echoed.trim() >= API_VERSION
}

function pickCode(body: Record<string, unknown>, headers: Headers): string | undefined {
  const code = nonEmptyString(body['code'])
  if (code !== undefined && usesVersionedShape(headers)) return code
  // Initial shape: `code` is the HTTP status as a number and the real code is `error_code`.
  const errorCode = nonEmptyString(body['error_code'])
  if (errorCode !== undefined) return errorCode
  if (code !== undefined) return code
  // OAuth-style `{ error, error_description }` (id_token / web3 grants): the `error` string is the best code.
  return nonEmptyString(body['error'])
}

/** auth-js precedence. The auth-js fallback `JSON.stringify(body)` is dropped: bodies stay out of messages. */
function pickMessage(body: Record<string, unknown>): string | undefined {
  return (
    nonEmptyString(body['msg']) ??
    nonEmptyString(body['message']) ??
    nonEmptyString(body['error_description']) ??
    nonEmptyString(body['error'])
  )
}

function weakPasswordReasons(body: Record<string, unknown>): string[] {
  const weak = body['weak_password']
  if (!isRecord(weak) || !Array.isArray(weak['reasons'])) return []
  return weak['reasons'].filter((r): r is string => typeof r === 'string' && r.length > 0)
}

/** Replaces every secret that occurs in `message`; short values are skipped to avoid mangling prose. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]')
  }
  return out
}

/** Maps a non-2xx response whose body has been read as text. */
export function errorFromResponse(
  status: number,
  headers: Headers,
  text: string,
  secrets: readonly string[] = [],
): AuthError {
  const parsed = parseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) {
    // HTML from a gateway, a router's plain-text 404, a truncated body: nothing trustworthy to read.
    const message = `Unexpected non-JSON response (HTTP ${status})`
    return status >= 500
      ? new AuthRetryableFetchError(message, status, 'server_error')
      : new AuthApiError(message, status, 'unexpected_failure')
  }

  const body = parsed.value
  const message = redact(pickMessage(body) ?? `Request failed (HTTP ${status})`, secrets)
  const code: ErrorCode | undefined = pickCode(body, headers)

  // Any 5xx, not only the gateway statuses of `isRetryableStatus`: whatever its body says (a 505 or a 511
  // naming `session_not_found`), a server error is no verdict on the session.
  if (status > 499) return new AuthRetryableFetchError(message, status, code ?? 'server_error')

  const reasons = weakPasswordReasons(body)
  if (code === 'weak_password' || (code === undefined && reasons.length > 0)) {
    return new AuthWeakPasswordError(message, status, reasons)
  }
  if (code === 'session_not_found') return new AuthSessionMissingError(message, status, 'session_not_found')

  return new AuthApiError(message, status, code, parseRetryAfter(headers.get('retry-after')))
}

/** fetch itself failed: DNS, refused or reset connection, TLS, a body cut off mid-stream. */
export function networkError(cause: unknown, status = 0): AuthRetryableFetchError {
  // undici wraps the useful part ("ECONNRESET", "other side closed") in `cause`; neither carries request data.
  const detail = describeCause(cause)
  const message = detail === undefined ? 'Network request failed' : `Network request failed: ${detail}`
  return new AuthRetryableFetchError(message, status, 'network_error', { cause })
}

function describeCause(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const inner = (error as { cause?: unknown }).cause
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code
    return typeof code === 'string' ? code : inner.message || undefined
  }
  return error.message || undefined
}

/** Our own deadline fired: retryable, because the same request may well succeed next time. */
export function timeoutError(ms: number): AuthRetryableFetchError {
  return new AuthRetryableFetchError(`Request timed out after ${ms} ms`, 0, 'timeout')
}

/** The caller's signal fired: deliberate, so not retryable (and not a network error). */
export function abortedError(): AuthError {
  return new AuthError('Request aborted', 0, 'aborted')
}
