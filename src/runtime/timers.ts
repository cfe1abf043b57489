/**
 * The one way this package starts a timer, and the clock the client reads and schedules on. Every timer
 * is unref'd where the runtime can (Node's and Bun's `unref`, Deno's `Deno.unrefTimer`): a bounded wait,
 * a request timeout or the refresh check must never be what keeps a process alive.
 * @module
 */

/** A timer started by {@link startTimer}; pass it to {@link stopTimer}. */
export type TimerHandle = ReturnType<typeof globalThis.setTimeout>

/** Starts `callback` after `ms` without holding the process open. */
export function startTimer(callback: () => void, ms: number): TimerHandle {
  const handle = globalThis.setTimeout(callback, ms)
  unref(handle)
  return handle
}

export function stopTimer(handle: TimerHandle | undefined): void {
  if (handle !== undefined) globalThis.clearTimeout(handle)
}

function unref(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null && 'unref' in handle && typeof handle.unref === 'function') {
    handle.unref()
    return
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno
  if (typeof handle === 'number' && typeof deno?.unrefTimer === 'function') deno.unrefTimer(handle)
}

/**
 * The clock the client reads and schedules on. Injectable so tests can move time.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ url, apiKey, clock: { ...systemClock, now: () => Date.now() + skewMs } })
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The runtime's clock; its timers never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: startTimer,
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as TimerHandle)
  },
}
