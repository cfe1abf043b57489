/**
 * Replies and the GoTrue error machinery: both error-body shapes, chosen per request by
 * `X-Supabase-Api-Version` (contract §1.4).
 * @module
 */

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** Objects are sent as JSON, strings as-is, `undefined` as an empty body. */
  body?: unknown
}

/** A GoTrue `HTTPError`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** GoTrue's `WeakPasswordError`: 422 with the failed rules. */
export class WeakPasswordError extends HttpError {
  constructor(
    message: string,
    readonly reasons: string[],
  ) {
    super(422, 'weak_password', message)
  }
}

/** OAuth-style error: always 400, `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description?: string,
  ) {
    super(error)
  }
}

const UNEXPECTED = 'Unexpected failure, please check server logs for more information'

export const badRequest = (msg: string, code = 'validation_failed'): HttpError => new HttpError(400, code, msg)
export const unprocessable = (msg: string, code = 'validation_failed'): HttpError => new HttpError(422, code, msg)
export const forbidden = (msg: string, code: string): HttpError => new HttpError(403, code, msg)
export const notFound = (msg: string, code: string): HttpError => new HttpError(404, code, msg)
/** A 500 GoTrue raises itself (`NewInternalServerError`): it carries a code, so `x-sb-error-code` and `error_id` go out. */
export const unexpectedFailure = (msg: string): HttpError => new HttpError(500, 'unexpected_failure', msg)

/**
 * A Go error GoTrue never wrapped in an `HTTPError`, answered by its default branch: a bare 500 with neither
 * `error_id` nor `x-sb-error-code`. Anything a handler throws that is not an `HttpError`/`OAuthError` ends
 * the same way.
 */
export class UnhandledError extends Error {}
export const unhandled = (): UnhandledError => new UnhandledError('unhandled server error')

// Errors several routes raise with the same wording.
export const signupDisabled = (): HttpError => unprocessable('Signups not allowed for this instance', 'signup_disabled')
export const emailExists = (): HttpError => unprocessable('A user with this email address has already been registered', 'email_exists')

export type ApiVersion = 'initial' | '2024-01-01'

/** Any parsable date ≥ 2024-01-01 selects the new error shape; anything else the initial one. */
export function parseApiVersion(header: string | undefined): ApiVersion {
  if (!header || !/^\d{4}-\d{2}-\d{2}$/.test(header)) return 'initial'
  const t = Date.parse(`${header}T00:00:00Z`)
  if (Number.isNaN(t)) return 'initial'
  return t >= Date.parse('2024-01-01T00:00:00Z') ? '2024-01-01' : 'initial'
}

/** A JSON reply, status 200 unless given. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body }
}

/** Turns anything a handler threw into the reply GoTrue would send. */
export function errorReply(err: unknown, version: ApiVersion, requestId: string): Reply {
  if (err instanceof OAuthError) {
    const body: Record<string, string> = { error: err.error }
    if (err.description) body.error_description = err.description
    return json(body, 400)
  }
  const headers: Record<string, string> = {}
  const isNew = version === '2024-01-01'
  if (isNew) headers['X-Supabase-Api-Version'] = '2024-01-01'
  if (!(err instanceof HttpError)) {
    const code = 'unexpected_failure'
    return json(isNew ? { code, message: UNEXPECTED } : { code: 500, error_code: code, msg: UNEXPECTED }, 500, headers)
  }
  if (err instanceof WeakPasswordError) {
    const weak = { reasons: err.reasons }
    if (isNew) return json({ code: err.code, message: err.message, weak_password: weak }, 422, headers)
    headers['x-sb-error-code'] = err.code
    return json({ code: 422, error_code: err.code, msg: err.message, weak_password: weak }, 422, headers)
  }
  headers['x-sb-error-code'] = err.code
  if (isNew) return json({ code: err.code, message: err.message }, err.status, headers)
  const body: Record<string, unknown> = { code: err.status, error_code: err.code, msg: err.message }
  if (err.status >= 500) body.error_id = requestId
  return json(body, err.status, headers)
}

/** GoTrue's `oauthErrorMap`, used when errors travel inside a redirect. */
export function redirectErrorName(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request'
    case 401:
      return 'unauthorized_client'
    case 403:
      return 'access_denied'
    case 503:
      return 'temporarily_unavailable'
    default:
      return 'server_error'
  }
}
