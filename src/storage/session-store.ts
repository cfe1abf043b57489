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
 * - Every adapter call is bounded by `timeoutMs`. The first throw, rejection or timeout switches the store
 *   to an in-memory copy for the rest of its life (seeded with the last value known to be stored) and
 *   fires `onDegraded` once: the app keeps working, signed in, without persistence.
 * - When a write fails, the now-stale value left in the adapter is removed best-effort: an old refresh
 *   token surviving a restart would be replayed and could get the whole token family revoked.
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS
  const allKeys = [key, `${key}-user`, `${key}-code-verifier`]
  const memory = new Map<string, string>()
  const listeners = new Set<(error: unknown) => void>()
  let degraded = false
  /** The raw session value last read from or written to the adapter: what memory starts from on degradation. */
  let lastKnown: string | null = null
  let tail: Promise<unknown> = Promise.resolve()

  function serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = tail.then(operation)
    tail = run.then(noop, noop)
    return run
  }

  function degrade(error: unknown): void {
    if (degraded) return
    degraded = true
    memory.clear()
    if (lastKnown !== null) memory.set(key, lastKnown)
    const notify = [...listeners]
    listeners.clear()
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
   * Best-effort, unawaited removal from the adapter after it failed. Nothing waits on it, so it needs no
   * timer (which would only hold a Node process open for a hung adapter).
   */
  function scrub(keys: readonly string[]): void {
    for (const k of keys) {
      try {
        Promise.resolve(storage.removeItem(k)).then(noop, noop)
      } catch {
        // The adapter already failed once; a second failure changes nothing.
      }
    }
  }

  function readMemory(): { session: Session | null; problem: StoreProblem } {
    return { session: parseStoredSession(memory.get(key) ?? null).session, problem: 'unavailable' }
  }

  return {
    key,
    get degraded() {
      return degraded
    },

    read: () =>
      serialized(async () => {
        if (degraded) return readMemory()
        const got = await boundedCall('getItem', () => storage.getItem(key), timeoutMs)
        if (!got.ok) {
          degrade(got.error)
          return readMemory()
        }
        const raw = got.value ?? null
        const { session, corrupt } =
          typeof raw === 'string' || raw === null ? parseStoredSession(raw) : { session: null, corrupt: true }
        if (!corrupt) {
          lastKnown = session === null ? null : (raw as string)
          return { session }
        }
        lastKnown = null
        const removed = await boundedCall('removeItem', () => storage.removeItem(key), timeoutMs)
        if (!removed.ok) degrade(removed.error)
        return { session: null, problem: 'corrupt' }
      }),

    write: (session) =>
      serialized(async () => {
        let raw: string
        try {
          raw = JSON.stringify(session)
        } catch {
          // Only a hand-built session with cycles or BigInts gets here; there is nothing storable.
          return
        }
        if (degraded) {
          memory.set(key, raw)
          return
        }
        const set = await boundedCall('setItem', () => storage.setItem(key, raw), timeoutMs)
        lastKnown = raw
        if (!set.ok) {
          degrade(set.error)
          scrub([key])
        }
      }),

    remove: () =>
      serialized(async () => {
        lastKnown = null
        if (degraded) {
          for (const k of allKeys) memory.delete(k)
          scrub(allKeys)
          return
        }
        const outcomes = await Promise.all(
          allKeys.map((k) => boundedCall('removeItem', () => storage.removeItem(k), timeoutMs)),
        )
        const failure = outcomes.find((outcome) => !outcome.ok)
        if (failure !== undefined && !failure.ok) degrade(failure.error)
      }),

    onDegraded(listener) {
      if (degraded) return noop
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

function noop(): void {}
