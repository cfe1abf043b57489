/**
 * JSON helpers shared by the transport and the response validators: a parse that reports instead of
 * throwing, and the "plain object" guard every body check starts with.
 * @module
 */

export type JsonParse = { ok: true; value: unknown } | { ok: false }

/**
 * Parses `text`, answering `{ ok: false }` instead of throwing, so a garbage body becomes a typed
 * `AuthError` at the call site rather than a stray `SyntaxError`.
 *
 * @example
 * const parsed = parseJson(text)
 * if (!parsed.ok) throw new AuthRetryableFetchError('Invalid JSON in response', status, 'server_error')
 */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

/**
 * True for a non-null, non-array object: what a JSON object body parses to.
 *
 * @example
 * if (isRecord(body) && typeof body['id'] === 'string') use(body['id'])
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
