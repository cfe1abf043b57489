import { AuthError } from '../errors.js'
import { startTimer, stopTimer, type TimerHandle } from '../runtime/timers.js'

/** The outcome of one storage call: it never rejects, so callers branch instead of catching. */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: AuthError }

/**
 * Runs one storage adapter call and settles within `timeoutMs`. A synchronous result or throw settles at
 * once and starts no timer; only a pending promise is raced against a timer, which is unref'd (a hung
 * adapter must not keep Node alive) and cleared as soon as the call settles. A late answer after the
 * timeout is ignored. A non-finite `timeoutMs` disables the bound.
 *
 * Errors name the operation and the adapter error's class, never its message (see {@link failed}).
 *
 * @example
 * const outcome = await boundedCall('getItem', () => storage.getItem(key), 5_000)
 * if (!outcome.ok) degrade(outcome.error)
 */
export function boundedCall<T>(
  operation: string,
  call: () => T | PromiseLike<T>,
  timeoutMs: number,
): Promise<CallOutcome<Awaited<T>>> {
  let result: T | PromiseLike<T>
  try {
    result = call()
  } catch (error) {
    return Promise.resolve({ ok: false, error: failed(operation, error) })
  }
  if (!isThenable(result)) return Promise.resolve({ ok: true, value: result as Awaited<T> })

  const pending = result
  return new Promise((resolve) => {
    let timer: TimerHandle | undefined
    let settled = false
    const settle = (outcome: CallOutcome<Awaited<T>>): void => {
      if (settled) return
      settled = true
      stopTimer(timer)
      resolve(outcome)
    }
    if (Number.isFinite(timeoutMs)) {
      timer = startTimer(() => {
        settle({ ok: false, error: new AuthError(`Storage ${operation} timed out after ${timeoutMs} ms`, undefined, 'timeout') })
      }, Math.max(0, timeoutMs))
    }
    Promise.resolve(pending).then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error: failed(operation, error) }),
    )
  })
}

/**
 * Keeps only the adapter error's class name (`QuotaExceededError`, `SecurityError`): that is the diagnosis,
 * while its message or `cause` may quote the value being written, i.e. the tokens.
 */
function failed(operation: string, cause: unknown): AuthError {
  const name = typeof cause === 'object' && cause !== null ? (cause as { name?: unknown }).name : undefined
  const kind = typeof name === 'string' && /^[A-Za-z]{1,64}$/.test(name) ? ` (${name})` : ''
  return new AuthError(`Storage ${operation} failed${kind}`, undefined, 'storage_error')
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
