import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCoordinator, type Coordinator, type SessionMessage } from '../../src/coordination/index.js'
import type { LockManagerLike } from '../../src/coordination/web-lock.js'
import { isAuthError } from '../../src/errors.js'
import { memoryStorage } from '../../src/storage/index.js'
import type { Session } from '../../src/types.js'

const KEY = 'sb-test-auth-token'
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const tick = () => sleep(0)

function session(refresh = 'r1'): Session {
  return {
    access_token: 'a.b.c',
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: 1_900_000_000,
    refresh_token: refresh,
    user: { id: 'u1', aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: '2024-01-01T00:00:00Z' },
  }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

const opened: Coordinator[] = []
function coordinator(storage: object, key = KEY): Coordinator {
  const c = createCoordinator(storage, key)
  opened.push(c)
  return c
}

afterEach(() => {
  for (const c of opened.splice(0)) c.close()
  vi.unstubAllGlobals()
})

/** Runs one critical section per coordinator, all requested at once, and reports overlap and entry order. */
async function contend(coordinators: Coordinator[]) {
  let active = 0
  let max = 0
  const order: number[] = []
  const acquired: boolean[] = []
  const contended: boolean[] = []
  await Promise.all(
    coordinators.map((c, i) =>
      c.withLock(async (lock) => {
        active += 1
        max = Math.max(max, active)
        order.push(i)
        acquired.push(lock.acquired)
        contended.push(lock.contended === true)
        await sleep(3)
        active -= 1
      }, { timeoutMs: 10_000 }),
    ),
  )
  return { max, order, acquired, contended }
}

/** A minimal in-memory Web Locks LockManager (exclusive mode, FIFO, abortable waits, `ifAvailable`). */
class FakeLockManager implements LockManagerLike {
  requests = 0
  readonly #held = new Set<string>()
  readonly #queues = new Map<string, Array<() => void>>()

  request(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<unknown> | undefined,
  ): Promise<unknown> {
    this.requests += 1
    return new Promise((resolve, reject) => {
      const { signal } = options
      const queue = this.#queues.get(name) ?? []
      this.#queues.set(name, queue)
      // As the Web Locks spec says: not available (held, or others waiting) → the callback gets null at once.
      if (options.ifAvailable && (this.#held.has(name) || queue.length > 0)) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve, reject)
        return
      }
      const start = (): void => {
        signal?.removeEventListener('abort', onAbort)
        this.#held.add(name)
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then(resolve, reject)
          .finally(() => {
            this.#held.delete(name)
            queue.shift()?.()
          })
      }
      const onAbort = (): void => {
        const index = queue.indexOf(start)
        if (index !== -1) queue.splice(index, 1)
        reject(new DOMException('aborted', 'AbortError'))
      }
      if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
      signal?.addEventListener('abort', onAbort, { once: true })
      if (this.#held.has(name)) queue.push(start)
      else start()
    })
  }
}

describe('withLock (in-process registry)', () => {
  it('lets one of K coordinators sharing a storage object in at a time, in request order', async () => {
    const storage = memoryStorage()
    const cs = Array.from({ length: 5 }, () => coordinator(storage))
    const { max, order, acquired } = await contend(cs)
    expect(max).toBe(1)
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(acquired.every(Boolean)).toBe(true)
    // The in-process lock never says so: its holders' writes and messages are in this context already.
    expect((await contend(cs)).contended.some(Boolean)).toBe(false)
  })

  it('serializes calls made through the same coordinator too', async () => {
    const c = coordinator(memoryStorage())
    const { max } = await contend([c, c, c])
    expect(max).toBe(1)
  })

  it('does not serialize coordinators of different storage objects or different keys', async () => {
    const storage = memoryStorage()
    const holder = coordinator(storage)
    const gate = deferred()
    const held = holder.withLock(() => gate.promise, { timeoutMs: 10_000 })
    const other = await coordinator(memoryStorage()).withLock(async (lock) => lock.acquired, { timeoutMs: 10_000 })
    const otherKey = await coordinator(storage, 'another-key').withLock(async (lock) => lock.acquired, { timeoutMs: 10_000 })
    expect(other).toBe(true)
    expect(otherKey).toBe(true)
    gate.resolve()
    await held
  })

  it('runs the function anyway, unlocked, when the wait times out', async () => {
    const storage = memoryStorage()
    const gate = deferred()
    const stuck = coordinator(storage).withLock(() => gate.promise, { timeoutMs: 10_000 })
    const result = await coordinator(storage).withLock(async (lock) => lock.acquired, { timeoutMs: 20 })
    expect(result).toBe(false)
    // The stuck holder still holds the lock: a patient waiter gets it only after the release.
    let patientRan = false
    const patient = coordinator(storage).withLock(async (lock) => {
      patientRan = true
      return lock.acquired
    }, { timeoutMs: 10_000 })
    await sleep(10)
    expect(patientRan).toBe(false)
    gate.resolve()
    await stuck
    expect(await patient).toBe(true)
  })

  it('releases the lock when the function throws', async () => {
    const storage = memoryStorage()
    await expect(coordinator(storage).withLock(() => Promise.reject(new Error('boom')), { timeoutMs: 1_000 })).rejects.toThrow('boom')
    expect(await coordinator(storage).withLock(async (lock) => lock.acquired, { timeoutMs: 1_000 })).toBe(true)
  })

  it('rejects with the abort reason when the signal aborts while waiting, and passes the lock on', async () => {
    const storage = memoryStorage()
    const gate = deferred()
    const held = coordinator(storage).withLock(() => gate.promise, { timeoutMs: 10_000 })
    const controller = new AbortController()
    const abortedFn = vi.fn(async () => {})
    const aborted = coordinator(storage).withLock(abortedFn, { timeoutMs: 10_000, signal: controller.signal })
    const next = coordinator(storage).withLock(async (lock) => lock.acquired, { timeoutMs: 10_000 })
    const reason = new Error('user navigated away')
    controller.abort(reason)
    await expect(aborted).rejects.toBe(reason)
    gate.resolve()
    await held
    expect(await next).toBe(true)
    expect(abortedFn).not.toHaveBeenCalled()
  })

  it('rejects at once for an already aborted signal', async () => {
    const fn = vi.fn(async () => {})
    const controller = new AbortController()
    controller.abort('gone')
    await expect(coordinator(memoryStorage()).withLock(fn, { timeoutMs: 1_000, signal: controller.signal })).rejects.toBe('gone')
    expect(fn).not.toHaveBeenCalled()
  })

  it('close() rejects only its own pending waiters with code disposed', async () => {
    const storage = memoryStorage()
    const gate = deferred()
    const holder = coordinator(storage)
    const held = holder.withLock(() => gate.promise, { timeoutMs: 10_000 })
    const closing = coordinator(storage)
    const survivor = coordinator(storage)
    const pending = closing.withLock(async () => 'ran', { timeoutMs: 10_000 })
    const surviving = survivor.withLock(async () => 'ran', { timeoutMs: 10_000 })
    closing.close()
    closing.close()
    const error = await pending.catch((e: unknown) => e)
    expect(isAuthError(error) && error.code).toBe('disposed')
    await expect(closing.withLock(async () => 'ran', { timeoutMs: 10 })).rejects.toMatchObject({ code: 'disposed' })
    gate.resolve()
    await held
    expect(await surviving).toBe('ran')
  })

  it('a closed holder still excludes new coordinators until its function settles', async () => {
    const storage = memoryStorage()
    const gate = deferred()
    const holder = coordinator(storage)
    const held = holder.withLock(() => gate.promise, { timeoutMs: 10_000 })
    await tick()
    holder.close()
    let ran = false
    const later = coordinator(storage).withLock(async () => (ran = true), { timeoutMs: 10_000 })
    await sleep(5)
    expect(ran).toBe(false)
    gate.resolve()
    await held
    await later
    expect(ran).toBe(true)
  })
})

describe('withLock (Web Locks)', () => {
  it('uses navigator.locks with the auth-js lock name and keeps mutual exclusion', async () => {
    const locks = new FakeLockManager()
    const spy = vi.spyOn(locks, 'request')
    vi.stubGlobal('navigator', { locks })
    const storage = memoryStorage()
    const { max, order, contended } = await contend(Array.from({ length: 4 }, () => coordinator(storage)))
    expect(max).toBe(1)
    expect(order).toEqual([0, 1, 2, 3])
    // Each asks `ifAvailable` first; the three that find it taken queue with a second request.
    expect(spy).toHaveBeenCalledTimes(7)
    expect(spy.mock.calls.every(([name]) => name === `lock:${KEY}`)).toBe(true)
    expect(contended).toEqual([false, true, true, true])
  })

  it('calls a grant contended only when another holder or waiter was there first', async () => {
    vi.stubGlobal('navigator', { locks: new FakeLockManager() })
    const storage = memoryStorage()
    const alone = await coordinator(storage).withLock(async (lock) => lock.contended, { timeoutMs: 1_000 })
    await tick() // the lock manager learns of a release asynchronously, as across processes
    const after = await coordinator(storage).withLock(async (lock) => lock.contended, { timeoutMs: 1_000 })
    expect([alone, after]).toEqual([false, false])
    const gate = deferred()
    const held = coordinator(storage).withLock(() => gate.promise, { timeoutMs: 10_000 })
    const queued = coordinator(storage).withLock(async (lock) => lock.contended, { timeoutMs: 10_000 })
    await tick()
    gate.resolve()
    await held
    expect(await queued).toBe(true)
  })

  it('gives up waiting after the timeout and runs unlocked', async () => {
    vi.stubGlobal('navigator', { locks: new FakeLockManager() })
    const storage = memoryStorage()
    const gate = deferred()
    const held = coordinator(storage).withLock(() => gate.promise, { timeoutMs: 10_000 })
    expect(await coordinator(storage).withLock(async (lock) => lock.acquired, { timeoutMs: 20 })).toBe(false)
    gate.resolve()
    await held
    expect(await coordinator(storage).withLock(async (lock) => lock.acquired, { timeoutMs: 1_000 })).toBe(true)
  })

  it('aborts a waiting request on signal and on close()', async () => {
    vi.stubGlobal('navigator', { locks: new FakeLockManager() })
    const storage = memoryStorage()
    const gate = deferred()
    const held = coordinator(storage).withLock(() => gate.promise, { timeoutMs: 10_000 })
    const controller = new AbortController()
    const aborted = coordinator(storage).withLock(async () => 'ran', { timeoutMs: 10_000, signal: controller.signal })
    const closing = coordinator(storage)
    const disposed = closing.withLock(async () => 'ran', { timeoutMs: 10_000 })
    controller.abort('stop')
    closing.close()
    await expect(aborted).rejects.toBe('stop')
    await expect(disposed).rejects.toMatchObject({ code: 'disposed' })
    gate.resolve()
    await held
  })

  it('falls back to the in-process lock when the lock manager refuses (sandboxed iframe)', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) } })
    const storage = memoryStorage()
    const { max, acquired } = await contend(Array.from({ length: 3 }, () => coordinator(storage)))
    expect(max).toBe(1)
    expect(acquired.every(Boolean)).toBe(true)
  })
})

describe('publish / subscribe', () => {
  it('remembers the last session heard from another client, not its own', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const peer = coordinator(storage)
    expect(peer.lastHeard).toBeUndefined()
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2') })
    await tick()
    expect(peer.lastHeard?.session?.refresh_token).toBe('r2')
    expect(sender.lastHeard).toBeUndefined()
    expect(peer.crossContext).toBe(false)
  })

  it('does not repeat an announcement it just made', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const listener = vi.fn()
    coordinator(storage).subscribe(listener)
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2') })
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2') })
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r3') })
    await tick()
    expect(listener.mock.calls.map(([m]) => (m as SessionMessage).session?.refresh_token)).toEqual(['r2', 'r3'])
  })

  it('delivers to other coordinators of the same storage+key, asynchronously, never to itself', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const peer = coordinator(storage)
    const ownListener = vi.fn()
    const peerListener = vi.fn()
    const otherStorage = vi.fn()
    const otherKey = vi.fn()
    sender.subscribe(ownListener)
    peer.subscribe(peerListener)
    coordinator(memoryStorage()).subscribe(otherStorage)
    coordinator(storage, 'another-key').subscribe(otherKey)

    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2') })
    expect(peerListener).not.toHaveBeenCalled()
    await tick()
    expect(peerListener).toHaveBeenCalledTimes(1)
    expect(peerListener).toHaveBeenCalledWith({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2'), from: sender.id })
    expect(ownListener).not.toHaveBeenCalled()
    expect(otherStorage).not.toHaveBeenCalled()
    expect(otherKey).not.toHaveBeenCalled()
  })

  it('keeps publish order', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const events: string[] = []
    coordinator(storage).subscribe((m) => events.push(m.event))
    sender.publish({ type: 'session', event: 'SIGNED_IN', session: session() })
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: session('r2') })
    sender.publish({ type: 'session', event: 'SIGNED_OUT', session: null })
    await tick()
    expect(events).toEqual(['SIGNED_IN', 'TOKEN_REFRESHED', 'SIGNED_OUT'])
  })

  it('a throwing listener does not block other listeners or other coordinators', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const a = coordinator(storage)
    const b = coordinator(storage)
    const afterThrow = vi.fn()
    const onB = vi.fn()
    a.subscribe(() => {
      throw new Error('listener bug')
    })
    a.subscribe(afterThrow)
    b.subscribe(onB)
    sender.publish({ type: 'session', event: 'SIGNED_OUT', session: null })
    await tick()
    expect(afterThrow).toHaveBeenCalledTimes(1)
    expect(onB).toHaveBeenCalledTimes(1)
    expect(a.listenerErrors).toBe(1)
  })

  it('gives each receiver its own copy of the session', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const received: SessionMessage[] = []
    coordinator(storage).subscribe((m) => {
      if (m.session) m.session.refresh_token = 'mutated'
      received.push(m)
    })
    coordinator(storage).subscribe((m) => received.push(m))
    const published = session('r2')
    sender.publish({ type: 'session', event: 'TOKEN_REFRESHED', session: published })
    await tick()
    expect(published.refresh_token).toBe('r2')
    expect(received[1]?.session?.refresh_token).toBe('r2')
  })

  it('stops delivering after unsubscribe and after close', async () => {
    const storage = memoryStorage()
    const sender = coordinator(storage)
    const peer = coordinator(storage)
    const unsubscribed = vi.fn()
    const closedListener = vi.fn()
    peer.subscribe(unsubscribed)()
    const closing = coordinator(storage)
    closing.subscribe(closedListener)
    sender.publish({ type: 'session', event: 'SIGNED_IN', session: session() })
    closing.close()
    closing.publish({ type: 'session', event: 'SIGNED_OUT', session: null })
    await tick()
    expect(unsubscribed).not.toHaveBeenCalled()
    expect(closedListener).not.toHaveBeenCalled()
  })
})

describe('BroadcastChannel (browser)', () => {
  it('posts auth-js compatible messages and accepts auth-js messages from other tabs', async () => {
    vi.stubGlobal('window', {})
    const storage = memoryStorage()
    const c = coordinator(storage)
    const sameContext = vi.fn()
    coordinator(memoryStorage()).subscribe(sameContext)
    const received: SessionMessage[] = []
    c.subscribe((m) => received.push(m))
    const otherTab = new BroadcastChannel(KEY)
    const posted: unknown[] = []
    otherTab.onmessage = (event: MessageEvent<unknown>) => posted.push(event.data)
    try {
      c.publish({ type: 'session', event: 'SIGNED_IN', session: session() })
      otherTab.postMessage({ event: 'SIGNED_OUT', session: null })
      otherTab.postMessage({ event: 'NOT_AN_EVENT', session: null })
      otherTab.postMessage({ event: 'SIGNED_IN', session: { access_token: 'x' } })
      await vi.waitFor(() => {
        expect(posted).toHaveLength(1)
        expect(received).toHaveLength(1)
      })
      await sleep(20)
      expect(posted[0]).toMatchObject({ event: 'SIGNED_IN', session: session(), from: c.id })
      expect(received).toEqual([{ type: 'session', event: 'SIGNED_OUT', session: null, from: 'external' }])
      // A coordinator of another storage object in this context shares the channel name but must not
      // get this context's own posts through it.
      expect(sameContext).toHaveBeenCalledTimes(1)
      expect(sameContext.mock.calls[0]?.[0]).toMatchObject({ event: 'SIGNED_OUT', from: 'external' })
    } finally {
      otherTab.close()
    }
  })
})
