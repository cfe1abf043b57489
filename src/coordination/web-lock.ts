import { startTimer, stopTimer, type TimerHandle } from '../runtime/timers.js'
import { UNHELD_LEASE, type Lease, type LockBackend } from './types.js'

/** The part of the Web Locks `LockManager` this module uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<unknown> | undefined,
  ): Promise<unknown>
}

/** `navigator.locks` when the runtime has Web Locks (browsers), else undefined (Node, most servers). */
export function findLockManager(): LockManagerLike | undefined {
  try {
    const locks = (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks
    if (typeof locks === 'object' && locks !== null && typeof (locks as { request?: unknown }).request === 'function') {
      return locks as LockManagerLike
    }
  } catch {
    // A getter that throws means no usable Web Locks.
  }
  return undefined
}

/**
 * An exclusive Web Lock named `name`, shared by every tab and worker of the origin. On timeout the request
 * is aborted and the caller runs unlocked; it does not `steal`, because stealing leaves the old holder
 * running and cascades (the supabase-js orphaned-lock saga). A grant that arrives after the caller gave up
 * is released at once. If the lock manager refuses the request (sandboxed iframes and opaque origins reject
 * with `SecurityError`), the wait moves to `fallback`, so the caller neither fails nor waits out the timeout.
 * The lock is first asked for `ifAvailable`: only when that is refused does the request queue, and the lease
 * says it was `contended` (another context's turn came just before this one).
 *
 * @example
 * const lock = new WebLock(navigator.locks, 'lock:sb-abcd-auth-token', new FifoLock())
 */
export class WebLock implements LockBackend {
  readonly #locks: LockManagerLike
  readonly #name: string
  readonly #fallback: LockBackend

  constructor(locks: LockManagerLike, name: string, fallback: LockBackend) {
    this.#locks = locks
    this.#name = name
    this.#fallback = fallback
  }

  acquire(timeoutMs: number, signal: AbortSignal): Promise<Lease> {
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise<Lease>((resolve, reject) => {
      const request = new AbortController()
      let timer: TimerHandle | undefined
      let waiting = true
      const stopWaiting = (): void => {
        waiting = false
        stopTimer(timer)
        signal.removeEventListener('abort', onAbort)
      }
      const onAbort = (): void => {
        if (!waiting) return
        stopWaiting()
        request.abort()
        reject(signal.reason)
      }
      if (Number.isFinite(timeoutMs)) {
        timer = startTimer(() => {
          if (!waiting) return
          stopWaiting()
          request.abort()
          resolve(UNHELD_LEASE)
        }, Math.max(0, timeoutMs))
      }
      signal.addEventListener('abort', onAbort, { once: true })

      const refused = (): void => {
        if (!waiting) return
        stopWaiting()
        this.#fallback.acquire(timeoutMs, signal).then(resolve, reject)
      }
      // Asked `ifAvailable` first (Web Locks forbid a signal there): a null lock means another context holds
      // or awaits it, and the request queues. The lock manager alone orders the tabs' turns, so a grant to
      // the queued request is the one sure sign that another tab's turn came just before ours.
      const ask = (options: { signal?: AbortSignal; ifAvailable?: boolean }): Promise<unknown> =>
        this.#locks.request(this.#name, options, (lock) => {
          if (!lock) return ask({ signal: request.signal })
          if (!waiting) return undefined
          stopWaiting()
          // The lock is held until this promise settles, i.e. until the lease is released.
          return new Promise<void>((release) => resolve({ acquired: true, contended: !options.ifAvailable, release: () => release() }))
        })
      let requested: Promise<unknown>
      try {
        requested = ask({ ifAvailable: true })
      } catch {
        refused()
        return
      }
      // After the wait ended, a rejection is our own abort or another context stealing the lock: ignored.
      requested.then(undefined, refused)
    })
  }
}
