import { AuthError } from '../errors.js'
import { followAbort } from '../http/signals.js'
import { processLock, join, leave, broadcast, randomId, type Member } from './registry.js'
import type { Coordinator, Lease, LockBackend, LockInfo, SessionMessage, WithLockOptions } from './types.js'
import { findLockManager, type LockManagerLike, WebLock } from './web-lock.js'

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
  return new StorageCoordinator(storage, key)
}

/**
 * A class rather than a closure-built object: an object literal with getters is kept by V8 in dictionary
 * mode (~400 bytes per client), a class instance is not.
 */
class StorageCoordinator implements Coordinator {
  readonly id = randomId()
  readonly crossContext: boolean
  readonly #storage: object
  readonly #key: string
  readonly #locks: LockManagerLike | undefined
  // The lock and the set of waits are made on first use: a client that never refreshes (most of those
  // created per request on a server) never needs them.
  #lock: LockBackend | undefined
  /** One controller per pending withLock wait: aborted by the caller's signal or by close(). */
  #waits: Set<AbortController> | undefined
  readonly #listeners = new Set<(message: SessionMessage) => void>()
  readonly #member: Member
  #closed = false
  #listenerErrors = 0
  #lastHeard: SessionMessage | undefined
  #lastPublished: Omit<SessionMessage, 'from'> | undefined

  constructor(storage: object, key: string) {
    this.#storage = storage
    this.#key = key
    // A storage that says its scope is this process (one per SSR request) never takes the runtime's Web Locks,
    // which are named by key alone and would make every request of a server (Deno, Node 24) contend.
    this.#locks = (storage as { processScoped?: unknown }).processScoped === true ? undefined : findLockManager()
    this.crossContext = this.#locks !== undefined
    this.#member = { id: this.id, deliver: (message) => this.#deliver(message) }
    join(storage, key, this.#member)
  }

  get listenerErrors(): number {
    return this.#listenerErrors
  }

  get lastHeard(): SessionMessage | undefined {
    return this.#lastHeard
  }

  async withLock<T>(fn: (lock: LockInfo) => Promise<T>, options: WithLockOptions): Promise<T> {
    const lease = await this.#acquire(options)
    try {
      // The lease itself is the LockInfo (acquired, contended); `fn`'s type does not show it `release`.
      return await fn(lease)
    } finally {
      lease.release()
    }
  }

  publish(message: Omit<SessionMessage, 'from'>): void {
    if (this.#closed) return
    // The refresher announces inside the lock and the client again once the state is committed: one is enough.
    // Only a session is deduplicated: a tab's second sign-out must reach the others like its first (the soak
    // found tabs left signed in after sign out, sign in elsewhere, sign out again).
    const last = this.#lastPublished
    if (message.session && last?.event === message.event && last.session?.refresh_token === message.session.refresh_token) return
    this.#lastPublished = message
    broadcast(this.#storage, this.#key, this.#member, { ...message, from: this.id })
  }

  subscribe(listener: (message: SessionMessage) => void): () => void {
    if (this.#closed) return () => {}
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    leave(this.#storage, this.#key, this.#member)
    this.#listeners.clear()
    const error = disposed()
    for (const wait of [...(this.#waits ?? [])]) wait.abort(error)
    this.#waits = undefined
  }

  #deliver(message: SessionMessage): void {
    if (this.#closed) return
    this.#lastHeard = message
    for (const listener of [...this.#listeners]) {
      try {
        listener(message)
      } catch {
        // Counted, not logged: the message may carry tokens, and one listener must not starve the rest.
        this.#listenerErrors += 1
      }
    }
  }

  #lockBackend(): LockBackend {
    if (this.#lock === undefined) {
      const fifo = processLock(this.#storage, this.#key)
      this.#lock = this.#locks === undefined ? fifo : new WebLock(this.#locks, `lock:${this.#key}`, fifo)
    }
    return this.#lock
  }

  async #acquire(options: WithLockOptions): Promise<Lease> {
    if (this.#closed) throw disposed()
    const wait = new AbortController()
    const { signal } = options
    if (signal?.aborted) throw signal.reason
    const unfollow = followAbort(signal, wait)
    ;(this.#waits ??= new Set()).add(wait)
    try {
      const lease = await this.#lockBackend().acquire(options.timeoutMs, wait.signal)
      // Granted in the same tick as an abort or close(): the abort wins, the lock goes to the next waiter.
      if (wait.signal.aborted) {
        lease.release()
        throw wait.signal.reason
      }
      return lease
    } finally {
      this.#waits?.delete(wait)
      unfollow()
    }
  }
}

function disposed(): AuthError {
  return new AuthError('Coordinator closed', undefined, 'disposed')
}
