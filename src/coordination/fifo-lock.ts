import { startTimer, stopTimer, type TimerHandle } from '../runtime/timers.js'
import { UNHELD_LEASE, type Lease, type LockBackend } from './types.js'

interface Waiter {
  grant(): void
}

/**
 * A first-in-first-out mutex for one JS context. Release hands the lock straight to the next waiter, so
 * there is no window in which a newcomer can jump the queue. A waiter that times out leaves the queue and
 * runs unlocked; the lock stays with its holder and the queue behind it is unchanged.
 *
 * @example
 * const lease = await lock.acquire(5_000, signal)
 * try { await work() } finally { lease.release() }
 */
export class FifoLock implements LockBackend {
  #held = false
  readonly #queue: Waiter[] = []

  acquire(timeoutMs: number, signal: AbortSignal): Promise<Lease> {
    if (signal.aborted) return Promise.reject(signal.reason)
    if (!this.#held) {
      this.#held = true
      return Promise.resolve(this.#lease())
    }
    return new Promise<Lease>((resolve, reject) => {
      let timer: TimerHandle | undefined
      const leave = (): void => {
        const index = this.#queue.indexOf(waiter)
        if (index !== -1) this.#queue.splice(index, 1)
        stopTimer(timer)
        signal.removeEventListener('abort', onAbort)
      }
      const onAbort = (): void => {
        leave()
        reject(signal.reason)
      }
      const waiter: Waiter = {
        grant: () => {
          leave()
          resolve(this.#lease())
        },
      }
      if (Number.isFinite(timeoutMs)) {
        timer = startTimer(() => {
          leave()
          resolve(UNHELD_LEASE)
        }, Math.max(0, timeoutMs))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#queue.push(waiter)
    })
  }

  #lease(): Lease {
    let released = false
    return {
      acquired: true,
      release: () => {
        if (released) return
        released = true
        const next = this.#queue[0]
        if (next === undefined) this.#held = false
        else next.grant()
      },
    }
  }
}
