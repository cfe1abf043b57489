/**
 * The clock the client reads and schedules on. Injectable so tests can move time; the default never keeps
 * a Node process alive (its timers are unref'd), which is what lets a script exit after `dispose()` or
 * even without it.
 * @module
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms)
    ;(handle as { unref?: () => void }).unref?.()
    return handle
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>)
  },
}
