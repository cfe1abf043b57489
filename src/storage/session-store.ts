import type { Session } from '../types.js'
import { boundedCall } from './bounded-call.js'
import { parseStoredSession } from './session-shape.js'
import type { SupportedStorage } from './types.js'

export type StoreProblem = 'corrupt' | 'unavailable'

export interface SessionStoreOptions {
  /** Upper bound for each storage call, in ms. Default 5000. `Infinity` disables the bound. */
  timeoutMs?: number
}

/** The session slot of one storage key, in auth-js v2 format, with every failure turned into a value. */
export interface SessionStore {
  readonly key: string
  /** true once the given storage failed (threw, rejected or timed out) and the store switched to memory */
  readonly degraded: boolean
  /**
   * Never throws. Corrupt JSON or wrong shape → `{ session: null, problem: 'corrupt' }` and the bad value
   * is removed. Whenever the answer comes from the memory fallback (the storage failed now or earlier) →
   * `{ session: <memory copy or null>, problem: 'unavailable' }`; a session in that answer is still usable.
   */
  read(): Promise<{ session: Session | null; problem?: StoreProblem }>
  /** Never throws; on failure degrades to memory (and keeps the value there). */
  write(session: Session): Promise<void>
  /** Removes the session key and the auth-js side keys: `${key}-user`, `${key}-code-verifier`. Never throws. */
  remove(): Promise<void>
  /**
   * A value stored beside the session under `${key}${suffix}` (the PKCE verifiers), raw as the adapter
   * holds it; `null` when absent or unreadable. Same queue, bound and memory fallback as the session.
   */
  readSide(suffix: string): Promise<string | null>
  /** Never throws; on failure degrades to memory (and keeps the value there). */
  writeSide(suffix: string, raw: string): Promise<void>
  /** Never throws. */
  removeSide(suffix: string): Promise<void>
  /**
   * Subscribe to degradation. Each listener fires at most once, in a microtask after the failing call;
   * a listener added after degradation is not called (check {@link SessionStore.degraded} first).
   */
  onDegraded(listener: (error: unknown) => void): () => void
}

export const DEFAULT_STORAGE_TIMEOUT_MS = 5_000

/**
 * Wraps a storage adapter as the session slot under `key`.
 *
 * - Every call (reads included) runs on one promise chain per store, so an async adapter cannot apply a
 *   sign-out's remove before an earlier write, and a read sees every write queued before it.
 * - Every adapter call is bounded by `timeoutMs`. A call that throws or rejects twice in a row, or times
 *   out, switches the store to reading an in-memory copy for the rest of its life (seeded with the last value
 *   known to be stored) and fires `onDegraded` once: the app keeps working, signed in.
 * - A degraded store still hands every write and removal of the session on to the adapter, best-effort and
 *   unawaited, so other tabs and the next page load get the newest session once the adapter works again.
 *   (Side values, the PKCE verifiers, stay in memory only.) Until then the adapter keeps the value from
 *   before the failed write, the previous rotation, which the server still trades for the current tokens.
 *   (Removing it instead signed out every other tab sharing the storage.)
 *
 * @example
 * const store = createSessionStore(defaultStorage(), defaultStorageKey(url))
 * const { session, problem } = await store.read()
 * store.onDegraded(() => console.warn('session will not persist'))
 */
export function createSessionStore(
  storage: SupportedStorage,
  key: string,
  options: SessionStoreOptions = {},
): SessionStore {
  return new StorageSlot(storage, key, options.timeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS)
}

/**
 * A class rather than a closure-built object: an object literal with getters is kept by V8 in dictionary
 * mode (~400 bytes per client), a class instance is not.
 */
class StorageSlot implements SessionStore {
  readonly key: string
  readonly #storage: SupportedStorage
  readonly #timeoutMs: number
  #degraded = false
  // Only a degraded store holds values in memory, and only a client listens: both are made on first use,
  // since apps that render per request (SSR) create a client, and these, for every request.
  #memory: Map<string, string> | undefined
  #listeners: Set<(error: unknown) => void> | undefined
  /** The raw session value last read from or written to the adapter: what memory starts from on degradation. */
  #lastKnown: string | null = null
  #tail: Promise<unknown> = Promise.resolve()

  constructor(storage: SupportedStorage, key: string, timeoutMs: number) {
    this.#storage = storage
    this.key = key
    this.#timeoutMs = timeoutMs
  }

  get degraded(): boolean {
    return this.#degraded
  }

  read(): Promise<{ session: Session | null; problem?: StoreProblem }> {
    return this.#serialized(async () => {
      if (this.#degraded) return this.#readMemory()
      const got = await this.#call('getItem', () => this.#storage.getItem(this.key))
      if (!got.ok) {
        this.#degrade(got.error)
        return this.#readMemory()
      }
      const raw = got.value ?? null
      const { session, corrupt } =
        typeof raw === 'string' || raw === null ? parseStoredSession(raw) : { session: null, corrupt: true }
      if (!corrupt) {
        this.#lastKnown = session === null ? null : (raw as string)
        return { session }
      }
      this.#lastKnown = null
      const removed = await this.#call('removeItem', () => this.#storage.removeItem(this.key))
      if (!removed.ok) this.#degrade(removed.error)
      return { session: null, problem: 'corrupt' as const }
    })
  }

  write(session: Session): Promise<void> {
    return this.#serialized(async () => {
      let raw: string
      try {
        raw = JSON.stringify(session)
      } catch {
        // Only a hand-built session with cycles or BigInts gets here; there is nothing storable.
        return
      }
      if (this.#memory === undefined) {
        const set = await this.#call('setItem', () => this.#storage.setItem(this.key, raw))
        this.#lastKnown = raw
        if (set.ok) return
        this.#degrade(set.error)
      }
      this.#memory?.set(this.key, raw)
      // The write that failed too: the adapter may take it a moment later (a quota freed meanwhile).
      this.#bestEffort([this.key], (k) => this.#storage.setItem(k, raw))
    })
  }

  remove(): Promise<void> {
    return this.#serialized(async () => {
      this.#lastKnown = null
      const keys = [this.key, `${this.key}-user`, `${this.key}-code-verifier`]
      if (this.#memory !== undefined) {
        this.#memory.clear()
        this.#bestEffort(keys, (k) => this.#storage.removeItem(k))
        return
      }
      const outcomes = await Promise.all(keys.map((k) => this.#call('removeItem', () => this.#storage.removeItem(k))))
      const failure = outcomes.find((outcome) => !outcome.ok)
      if (failure !== undefined && !failure.ok) {
        this.#degrade(failure.error)
        // Failed twice (see #call), so tried once more after the fall to memory, best-effort: a signed-out session
        // left in the adapter would come back on reload and in every other tab sharing it.
        this.#bestEffort(keys, (k) => this.#storage.removeItem(k))
      }
    })
  }

  readSide(suffix: string): Promise<string | null> {
    const key = this.key + suffix
    return this.#serialized(async () => {
      if (this.#memory !== undefined) return this.#memory.get(key) ?? null
      const got = await this.#call('getItem', () => this.#storage.getItem(key))
      if (got.ok) return typeof got.value === 'string' ? got.value : null
      this.#degrade(got.error)
      return null
    })
  }

  writeSide(suffix: string, raw: string): Promise<void> {
    const key = this.key + suffix
    return this.#serialized(async () => {
      if (this.#memory === undefined) {
        const set = await this.#call('setItem', () => this.#storage.setItem(key, raw))
        if (set.ok) return
        this.#degrade(set.error)
      }
      this.#memory?.set(key, raw)
    })
  }

  removeSide(suffix: string): Promise<void> {
    const key = this.key + suffix
    return this.#serialized(async () => {
      if (this.#memory !== undefined) {
        this.#memory.delete(key)
        return
      }
      const removed = await this.#call('removeItem', () => this.#storage.removeItem(key))
      if (!removed.ok) this.#degrade(removed.error)
    })
  }

  onDegraded(listener: (error: unknown) => void): () => void {
    if (this.#degraded) return noop
    ;(this.#listeners ??= new Set()).add(listener)
    return () => {
      this.#listeners?.delete(listener)
    }
  }

  /**
   * One adapter call. A throw gets a second try before the store gives up on the adapter: the soak found a
   * single throw (a quota freed a moment later, a wrapper's hiccup) leaving a tab on memory for good, out of
   * the storage its other tabs share. A timeout does not: a hung adapter would hang the retry too.
   */
  async #call<T>(operation: 'getItem' | 'setItem' | 'removeItem', call: () => T | Promise<T>) {
    const first = await boundedCall(operation, call, this.#timeoutMs)
    return first.ok || first.error.code === 'timeout' ? first : boundedCall(operation, call, this.#timeoutMs)
  }

  #serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(operation)
    this.#tail = run.then(noop, noop)
    return run
  }

  #degrade(error: unknown): void {
    if (this.#degraded) return
    this.#degraded = true
    this.#memory = new Map()
    if (this.#lastKnown !== null) this.#memory.set(this.key, this.#lastKnown)
    const notify = [...(this.#listeners ?? [])]
    this.#listeners = undefined
    for (const listener of notify) {
      queueMicrotask(() => {
        try {
          listener(error)
        } catch {
          // A failing listener must not affect the store or the other listeners.
        }
      })
    }
  }

  /**
   * Best-effort, unawaited adapter calls after it failed. Nothing waits on them, so they need no timer
   * (which would only hold a Node process open for a hung adapter).
   */
  #bestEffort(keys: readonly string[], call: (key: string) => unknown): void {
    for (const k of keys) {
      try {
        Promise.resolve(call(k)).then(noop, noop)
      } catch {
        // The adapter already failed; another failure changes nothing.
      }
    }
  }

  #readMemory(): { session: Session | null; problem: StoreProblem } {
    return { session: parseStoredSession(this.#memory?.get(this.key) ?? null).session, problem: 'unavailable' }
  }
}

function noop(): void {}
