import type { AuthChangeEvent, Session } from '../types.js'

/** A session change announced to the other clients sharing a storage key. */
export interface SessionMessage {
  type: 'session'
  event: AuthChangeEvent
  session: Session | null
  /** The publishing coordinator's id, or `'external'` for a message from an auth-js tab. */
  from: string
  /**
   * On a `SIGNED_OUT`: the server's id of the session that ended (the access token's `session_id`), so a
   * client that signed in since can tell the news is not about its session. auth-js tabs leave it out.
   */
  ended?: string
}

/** What `withLock` tells the function it runs. */
export interface LockInfo {
  /** false when the wait timed out and the function runs without the lock. */
  acquired: boolean
  /**
   * true when the Web Lock was held or awaited by another context when this one asked for it, so this grant
   * came right after another tab's turn. That tab's storage write and announcement travel to this one on
   * their own, and can arrive after the grant: a refresher then waits for them before trusting storage.
   * Never set by the in-process lock, whose holders' writes and messages are already here.
   */
  contended?: boolean
}

export interface WithLockOptions {
  /** Longest wait for the lock, in ms; after that the function runs anyway. `Infinity` waits without bound. */
  timeoutMs: number
  /** Aborting while waiting rejects with `signal.reason`; aborting after the function started has no effect here. */
  signal?: AbortSignal
}

/** A held (or, after a timeout, not held) lock; `release` is idempotent. */
export interface Lease extends Readonly<LockInfo> {
  release(): void
}

/** What a wait that timed out resolves with: the caller runs without the lock. */
export const UNHELD_LEASE: Lease = { acquired: false, release: () => {} }

/** One way to take the refresh lock: the in-process FIFO registry or Web Locks. */
export interface LockBackend {
  /** Resolves with a lease when granted, with an unheld lease after `timeoutMs`, rejects with `signal.reason` on abort. */
  acquire(timeoutMs: number, signal: AbortSignal): Promise<Lease>
}

export interface Coordinator {
  /** This instance's id (random). */
  readonly id: string
  /**
   * The newest session another client announced, if any. Across tabs, storage written by the lock's
   * previous holder can reach this tab after the lock does; the announcement is a second, often faster source.
   */
  readonly lastHeard: SessionMessage | undefined
  /** true when other JS contexts (tabs, workers) can share the lock and bus, i.e. Web Locks are in use. */
  readonly crossContext: boolean
  /** How many times a subscriber threw; such errors are swallowed so delivery to others continues. */
  readonly listenerErrors: number
  /**
   * Runs `fn` while holding the refresh lock for (storage, key), shared by every coordinator created for the
   * same storage object + key in this JS context. Uses Web Locks (`navigator.locks`, lock name
   * `lock:<key>`, so it then also spans tabs of the origin) when present, else an in-process FIFO registry.
   *
   * The wait is bounded: after `timeoutMs` `fn` runs **without the lock** (`acquired: false`), so a stuck
   * holder cannot deadlock the others. Correctness must therefore not rest on the lock alone: callers
   * re-read storage inside `fn` (adopt before refresh). The lock is released when `fn` settles.
   * Rejects with the caller's abort reason if `signal` aborts while waiting, and with an AuthError coded
   * `disposed` if this coordinator is closed while waiting (or already was).
   *
   * @example
   * await coordinator.withLock(async () => {
   *   const { session } = await store.read()          // another instance may have rotated already
   *   if (!needsRefresh(session)) return session
   *   return refresh(session)
   * }, { timeoutMs: 10_000, signal })
   */
  withLock<T>(fn: (lock: LockInfo) => Promise<T>, options: WithLockOptions): Promise<T>
  /**
   * Delivers to every OTHER coordinator for the same storage+key (in-process bus; plus
   * `BroadcastChannel(key)` when `globalThis.window` exists). Never echoes to self. Delivery is async
   * (a microtask), never inside the caller's stack; each receiving coordinator gets its own copy.
   *
   * @example
   * coordinator.publish({ type: 'session', event: 'TOKEN_REFRESHED', session })
   */
  publish(message: Omit<SessionMessage, 'from'>): void
  /**
   * @example
   * const off = coordinator.subscribe((m) => m.event === 'SIGNED_OUT' && actor.send({ type: 'SESSION_LOST' }))
   */
  subscribe(listener: (message: SessionMessage) => void): () => void
  /** Leaves the bus, closes the channel; pending withLock waiters of THIS coordinator reject with AuthError code 'disposed'. Idempotent. */
  close(): void
}
