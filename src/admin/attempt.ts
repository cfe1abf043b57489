/**
 * One attempt of an admin request, as the `fetch` ky calls: the response *and its body* within the call's
 * timeout, so a stalled body cannot outlive the deadline (ky's own timeout stops at the headers). The body
 * is read here and the response rebuilt around it, so ky's hooks, its `HTTPError` and the transport can each
 * read it again. Failures leave as marker errors the retry policy and the error mapping recognise.
 * @module
 */
import { AuthError } from '../errors.js'
import { followAbort } from '../http/signals.js'
import { startTimer, stopTimer } from '../runtime/timers.js'
import type { FetchLike } from '../types.js'

/** The attempt ran out of time (headers or body). Not retried: the caller chose the deadline. */
export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout'
  readonly ms: number
  constructor(ms: number) {
    super(`Attempt timed out after ${ms} ms`)
    this.ms = ms
  }
}

/** `fetch` failed or the body was cut off; `status` is the one received before the body failed, else 0. */
export class AttemptFailure extends Error {
  override readonly name = 'AttemptFailure'
  readonly status: number
  constructor(cause: unknown, status: number) {
    super('Attempt failed', { cause })
    this.status = status
  }
}

/** Statuses whose response must not have a body (`new Response` refuses one). */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304])

/**
 * A `fetch` for ky whose every call gets `timeoutMs` for headers and body together.
 *
 * @example
 * await ky(url, { fetch: boundedAttempt(globalThis.fetch, 10_000), timeout: false })
 */
export function boundedAttempt(send: FetchLike, timeoutMs: number): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    // ky puts the caller's signal (joined with its own) on the Request; this attempt's deadline joins it.
    const controller = new AbortController()
    const unfollow = followAbort(input instanceof Request ? input.signal : (init?.signal ?? undefined), controller)
    let timedOut = false
    const timer = startTimer(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    let status = 0
    try {
      const response = await send(input, { ...init, signal: controller.signal })
      status = response.status
      const text = await response.text()
      return new Response(NULL_BODY_STATUSES.has(status) ? null : text, {
        status,
        statusText: response.statusText,
        headers: response.headers,
      })
    } catch (error) {
      if (timedOut) throw new AttemptTimeout(timeoutMs)
      // A custom `fetch` that refuses with a typed error is heard as it is (as in the browser transport).
      if (error instanceof AuthError) throw error
      throw new AttemptFailure(error, status)
    } finally {
      stopTimer(timer)
      unfollow()
    }
  }
}
