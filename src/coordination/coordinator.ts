import { AuthError } from '../errors.js'
import { processLock, join, leave, broadcast, randomId, type Member } from './registry.js'
import type { Coordinator, Lease, LockBackend, LockInfo, SessionMessage, WithLockOptions } from './types.js'
import { findLockManager, WebLock } from './web-lock.js'

/**
 * Creates this client's handle on the refresh lock and the session bus for `storage` + `key`.
 * Every coordinator made for the same storage object and key shares both (see {@link Coordinator}).
 *
 * @example
 * const coordinator = createCoordinator(storage, storageKey)
 * const off = coordinator.subscribe(({ event, session }) => adopt(event, session))
 * // ...
 * off(); coordinator.close()
 */
export function createCoordinator(storage: object, key: string): Coordinator {
  const id = randomId()
  const fifo = processLock(storage, key)
  const locks = findLockManager()
  const lock: LockBackend = locks === undefined ? fifo : new WebLock(locks, `lock:${key}`, fifo)
  const listeners = new Set<(message: SessionMessage) => void>()
  /** One controller per pending withLock wait: aborted by the caller's signal or by close(). */
  const waits = new Set<AbortController>()
  let closed = false
  let listenerErrors = 0
  let lastHeard: SessionMessage | undefined
  let lastPublished: Omit<SessionMessage, 'from'> | undefined

  const member: Member = {
    id,
    deliver(message) {
      if (closed) return
      lastHeard = message
      for (const listener of [...listeners]) {
        try {
          listener(message)
        } catch {
          // Counted, not logged: the message may carry tokens, and one listener must not starve the rest.
          listenerErrors += 1
        }
      }
    },
  }
  join(storage, key, member)

  const disposed = (): AuthError => new AuthError('Coordinator closed', undefined, 'disposed')

  async function acquire(options: WithLockOptions): Promise<Lease> {
    if (closed) throw disposed()
    const wait = new AbortController()
    const { signal } = options
    const forwardAbort = (): void => wait.abort(signal?.reason)
    if (signal?.aborted) throw signal.reason
    signal?.addEventListener('abort', forwardAbort, { once: true })
    waits.add(wait)
    try {
      const lease = await lock.acquire(options.timeoutMs, wait.signal)
      // Granted in the same tick as an abort or close(): the abort wins, the lock goes to the next waiter.
      if (wait.signal.aborted) {
        lease.release()
        throw wait.signal.reason
      }
      return lease
    } finally {
      waits.delete(wait)
      signal?.removeEventListener('abort', forwardAbort)
    }
  }

  return {
    id,
    get listenerErrors() {
      return listenerErrors
    },
    get lastHeard() {
      return lastHeard
    },
    crossContext: locks !== undefined,

    async withLock<T>(fn: (lock: LockInfo) => Promise<T>, options: WithLockOptions): Promise<T> {
      const lease = await acquire(options)
      try {
        return await fn({ acquired: lease.acquired })
      } finally {
        lease.release()
      }
    },

    publish(message) {
      if (closed) return
      // The refresher announces inside the lock and the client again once the state is committed: one is enough.
      if (lastPublished?.event === message.event && lastPublished.session?.refresh_token === message.session?.refresh_token) return
      lastPublished = message
      broadcast(storage, key, member, { type: 'session', event: message.event, session: message.session, from: id })
    },

    subscribe(listener) {
      if (closed) return () => {}
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },

    close() {
      if (closed) return
      closed = true
      leave(storage, key, member)
      listeners.clear()
      const error = disposed()
      for (const wait of [...waits]) wait.abort(error)
      waits.clear()
    },
  }
}
