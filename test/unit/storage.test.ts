import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isAuthError } from '../../src/errors.js'
import {
  createSessionStore,
  defaultStorage,
  defaultStorageKey,
  memoryStorage,
  parseStoredSession,
  type SupportedStorage,
} from '../../src/storage/index.js'
import type { Session } from '../../src/types.js'

const KEY = 'sb-abcd-auth-token'
const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.secret-access-signature'
const REFRESH = 'refresh-secret-v1'

function session(overrides: Partial<Session> = {}): Session {
  return {
    access_token: ACCESS,
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: 1_900_000_000,
    refresh_token: REFRESH,
    user: {
      id: 'user-1',
      aud: 'authenticated',
      role: 'authenticated',
      email: 'a@example.com',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      created_at: '2024-01-01T00:00:00Z',
    },
    ...overrides,
  }
}

/** A Map-backed async storage whose calls take `delays[op]` ms and log completion order. */
function slowStorage(delays: { get?: number; set?: number; remove?: number }, initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  const log: string[] = []
  const wait = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))
  const storage: SupportedStorage = {
    async getItem(key) {
      await wait(delays.get)
      log.push(`get ${key}`)
      return data.get(key) ?? null
    },
    async setItem(key, value) {
      await wait(delays.set)
      data.set(key, value)
      log.push(`set ${key}`)
    },
    async removeItem(key) {
      await wait(delays.remove)
      data.delete(key)
      log.push(`remove ${key}`)
    },
  }
  return { storage, data, log }
}

const never = <T>() => new Promise<T>(() => {})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('parseStoredSession', () => {
  it('treats null as absent, not corrupt', () => {
    expect(parseStoredSession(null)).toEqual({ session: null, corrupt: false })
  })

  it.each([
    ['invalid JSON', '{"access_token": '],
    ['empty string', ''],
    ['JSON null', 'null'],
    ['an array', '[]'],
    ['missing refresh_token', JSON.stringify({ ...session(), refresh_token: undefined })],
    ['expires_at as a string', JSON.stringify({ ...session(), expires_at: '1900000000' })],
    ['user null', JSON.stringify({ ...session(), user: null })],
    ['missing user (auth-js userStorage mode)', JSON.stringify({ ...session(), user: undefined })],
    ['user without id', JSON.stringify({ ...session(), user: { aud: 'authenticated' } })],
    ['expires_in as a string', JSON.stringify({ ...session(), expires_in: '3600' })],
  ])('rejects %s as corrupt', (_name, raw) => {
    expect(parseStoredSession(raw)).toEqual({ session: null, corrupt: true })
  })

  it('reads a value written by auth-js v2 unchanged', () => {
    // Shape auth-js `_saveSession` writes: the token response plus expires_at, JSON.stringify'd.
    const authJsValue =
      '{"access_token":"a.b.c","token_type":"bearer","expires_in":3600,"expires_at":1900000000,' +
      '"refresh_token":"r1","user":{"id":"u1","aud":"authenticated","role":"authenticated",' +
      '"email":"a@example.com","app_metadata":{"provider":"email"},"user_metadata":{},' +
      '"identities":[],"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z",' +
      '"is_anonymous":false},"provider_token":null,"provider_refresh_token":null,"weak_password":null}'
    const { session: parsed, corrupt } = parseStoredSession(authJsValue)
    expect(corrupt).toBe(false)
    expect(parsed).toEqual(JSON.parse(authJsValue))
  })

  it('fills fields a hand-written value may lack', () => {
    const { token_type: _t, expires_in: _e, ...rest } = session()
    const { session: parsed } = parseStoredSession(JSON.stringify({ ...rest, user: { id: 'u' } }))
    expect(parsed?.token_type).toBe('bearer')
    expect(parsed?.expires_in).toBeGreaterThanOrEqual(0)
    expect(parsed?.user.app_metadata).toEqual({})
    expect(parsed?.user.user_metadata).toEqual({})
  })
})

describe('defaultStorageKey', () => {
  it('derives sb-<ref>-auth-token from a hosted project URL', () => {
    expect(defaultStorageKey('https://abcdefgh.supabase.co/auth/v1')).toBe('sb-abcdefgh-auth-token')
    expect(defaultStorageKey('https://abcdefgh.supabase.co')).toBe('sb-abcdefgh-auth-token')
  })

  it('uses the first hostname label for any other host, as supabase-js does', () => {
    // supabase-js takes the first hostname label for any host; matching it keeps users signed in on switch.
    expect(defaultStorageKey('http://localhost:9999')).toBe('sb-localhost-auth-token')
    expect(defaultStorageKey('https://auth.example.com/auth/v1')).toBe('sb-auth-auth-token')
    expect(defaultStorageKey('http://127.0.0.1:54321/auth/v1')).toBe('sb-127-auth-token')
    expect(defaultStorageKey('not a url')).toBe('supabase.auth.token')
  })
})

describe('defaultStorage', () => {
  it('uses localStorage when it accepts a write', () => {
    const local = memoryStorage()
    vi.stubGlobal('localStorage', local)
    expect(defaultStorage()).toBe(local)
  })

  it('falls back to memory when localStorage throws on write (private mode, quota)', () => {
    const broken = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError') } }
    vi.stubGlobal('localStorage', broken)
    const storage = defaultStorage()
    expect(storage).not.toBe(broken)
    storage.setItem('k', 'v')
    expect(storage.getItem('k')).toBe('v')
  })

  it('falls back to memory when reading localStorage throws (sandboxed iframe)', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new Error('SecurityError')
      },
    })
    try {
      const storage = defaultStorage()
      storage.setItem('k', 'v')
      expect(storage.getItem('k')).toBe('v')
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage
    }
  })

  it('returns independent memory storages without localStorage', () => {
    const a = defaultStorage()
    const b = defaultStorage()
    a.setItem('k', 'v')
    expect(b.getItem('k')).toBeNull()
  })
})

describe('createSessionStore', () => {
  it('round-trips in the auth-js format', async () => {
    const storage = memoryStorage()
    const store = createSessionStore(storage, KEY)
    await store.write(session())
    expect(storage.getItem(KEY)).toBe(JSON.stringify(session()))
    expect(await store.read()).toEqual({ session: session() })
    expect(store.degraded).toBe(false)
  })

  it('reads an empty slot as no session without a problem', async () => {
    expect(await createSessionStore(memoryStorage(), KEY).read()).toEqual({ session: null })
  })

  it('drops a corrupt value and removes it from storage', async () => {
    const storage = memoryStorage({ [KEY]: '{"access_token":"abc' })
    const store = createSessionStore(storage, KEY)
    expect(await store.read()).toEqual({ session: null, problem: 'corrupt' })
    expect(storage.getItem(KEY)).toBeNull()
    expect(await store.read()).toEqual({ session: null })
    expect(store.degraded).toBe(false)
  })

  it('drops a wrong-shaped value (expires_at string)', async () => {
    const storage = memoryStorage({ [KEY]: JSON.stringify({ ...session(), expires_at: 'soon' }) })
    expect(await createSessionStore(storage, KEY).read()).toEqual({ session: null, problem: 'corrupt' })
    expect(storage.getItem(KEY)).toBeNull()
  })

  it('treats a non-string value from an adapter as corrupt', async () => {
    const storage = { ...memoryStorage(), getItem: () => ({ access_token: 'x' }) as unknown as string, removeItem: vi.fn() }
    expect(await createSessionStore(storage, KEY).read()).toEqual({ session: null, problem: 'corrupt' })
    expect(storage.removeItem).toHaveBeenCalledWith(KEY)
  })

  it('works with an async storage', async () => {
    const { storage, data } = slowStorage({ get: 2, set: 2, remove: 2 })
    const store = createSessionStore(storage, KEY)
    await store.write(session())
    expect(data.get(KEY)).toBe(JSON.stringify(session()))
    expect((await store.read()).session).toEqual(session())
    await store.remove()
    expect(data.has(KEY)).toBe(false)
  })

  it('removes the session and the auth-js side keys, and nothing else', async () => {
    const storage = memoryStorage({
      [KEY]: JSON.stringify(session()),
      [`${KEY}-user`]: '{"user":{"id":"u"}}',
      [`${KEY}-code-verifier`]: '"verifier"',
      other: 'kept',
    })
    await createSessionStore(storage, KEY).remove()
    expect(storage.getItem(KEY)).toBeNull()
    expect(storage.getItem(`${KEY}-user`)).toBeNull()
    expect(storage.getItem(`${KEY}-code-verifier`)).toBeNull()
    expect(storage.getItem('other')).toBe('kept')
  })

  it('applies a remove after an earlier slow write, even when remove is faster', async () => {
    const { storage, data, log } = slowStorage({ set: 30, remove: 0 })
    const store = createSessionStore(storage, KEY)
    const write = store.write(session())
    const remove = store.remove()
    await Promise.all([write, remove])
    expect(data.has(KEY)).toBe(false)
    expect(log.indexOf(`set ${KEY}`)).toBeLessThan(log.indexOf(`remove ${KEY}`))
  })

  it('reads its own queued writes', async () => {
    const { storage } = slowStorage({ set: 20, get: 0 })
    const store = createSessionStore(storage, KEY)
    void store.write(session({ refresh_token: 'rotated' }))
    expect((await store.read()).session?.refresh_token).toBe('rotated')
  })

  it('degrades to memory when getItem throws, and keeps working', async () => {
    const storage = { ...memoryStorage(), getItem: () => { throw new Error('SecurityError') }, setItem: vi.fn() }
    const store = createSessionStore(storage, KEY)
    const onDegraded = vi.fn()
    store.onDegraded(onDegraded)
    expect(await store.read()).toEqual({ session: null, problem: 'unavailable' })
    expect(store.degraded).toBe(true)
    await store.write(session())
    // Still handed on to the storage, best-effort, for the other tabs and the next page load; read from memory.
    expect(storage.setItem).toHaveBeenCalledTimes(1)
    expect(await store.read()).toEqual({ session: session(), problem: 'unavailable' })
    await store.remove()
    expect((await store.read()).session).toBeNull()
    expect(onDegraded).toHaveBeenCalledTimes(1)
    const error: unknown = onDegraded.mock.calls[0]?.[0]
    expect(isAuthError(error) && error.code).toBe('storage_error')
  })

  it('keeps the session in memory when setItem throws (quota), leaves the previous rotation stored, and hands later writes on', async () => {
    const base = new Map([[KEY, JSON.stringify(session({ refresh_token: 'old' }))]])
    let full = true
    const storage = {
      getItem: (key: string) => base.get(key) ?? null,
      removeItem: (key: string) => void base.delete(key),
      setItem: (key: string, value: string) => {
        if (full) throw new DOMException(`could not write ${ACCESS}`, 'QuotaExceededError')
        base.set(key, value)
      },
    }
    const store = createSessionStore(storage, KEY)
    const errors: unknown[] = []
    store.onDegraded((error) => errors.push(error))
    await store.write(session({ refresh_token: 'new' }))
    expect(store.degraded).toBe(true)
    expect(await store.read()).toEqual({ session: session({ refresh_token: 'new' }), problem: 'unavailable' })
    // Not removed: the other tabs sharing the storage keep a session (the server trades the previous rotation
    // for the current tokens), where removing it signed them all out.
    expect(JSON.parse(base.get(KEY) ?? 'null')?.refresh_token).toBe('old')
    // Once the storage takes writes again, the newest session reaches it.
    full = false
    await store.write(session({ refresh_token: 'newer' }))
    await Promise.resolve()
    expect(JSON.parse(base.get(KEY) ?? 'null')?.refresh_token).toBe('newer')
    expect(await store.read()).toEqual({ session: session({ refresh_token: 'newer' }), problem: 'unavailable' })
    expect(errors).toHaveLength(1)
    const error = errors[0] as Error
    expect(error.message).toContain('QuotaExceededError')
    expect(JSON.stringify({ message: error.message, cause: String(error.cause), stack: error.stack })).not.toContain(ACCESS)
  })

  it('tries a call that throws once more, and stays on the storage when the second try works', async () => {
    const base = memoryStorage()
    let throwsLeft = 1
    const setItem = vi.fn((key: string, value: string) => {
      if (throwsLeft-- > 0) throw new DOMException('busy', 'QuotaExceededError')
      return base.setItem(key, value)
    })
    const store = createSessionStore({ ...base, setItem }, KEY)
    await store.write(session())
    expect(setItem).toHaveBeenCalledTimes(2)
    expect(store.degraded).toBe(false)
    expect(base.getItem(KEY) === JSON.stringify(session())).toBe(true)
    expect(await store.read()).toEqual({ session: session() })
  })

  it('gives up on a storage that throws twice in a row, and does not retry a timeout', async () => {
    const getItem = vi.fn(() => {
      throw new Error('SecurityError')
    })
    const throwing = createSessionStore({ ...memoryStorage(), getItem }, KEY)
    expect(await throwing.read()).toEqual({ session: null, problem: 'unavailable' })
    expect(getItem).toHaveBeenCalledTimes(2)
    expect(throwing.degraded).toBe(true)

    const hanging = vi.fn(never<string | null>)
    const slow = createSessionStore({ ...memoryStorage(), getItem: hanging }, KEY, { timeoutMs: 20 })
    expect(await slow.read()).toEqual({ session: null, problem: 'unavailable' })
    expect(hanging).toHaveBeenCalledTimes(1)
  })

  it('serves the last value it saw from memory after the storage starts failing', async () => {
    let broken = false
    const base = memoryStorage({ [KEY]: JSON.stringify(session()) })
    const storage: SupportedStorage = {
      getItem: (key) => (broken ? Promise.reject(new Error('gone')) : base.getItem(key)),
      setItem: (key, value) => base.setItem(key, value),
      removeItem: (key) => base.removeItem(key),
    }
    const store = createSessionStore(storage, KEY)
    expect((await store.read()).session).toEqual(session())
    broken = true
    expect(await store.read()).toEqual({ session: session(), problem: 'unavailable' })
  })

  it('resolves a read against a hanging storage after the timeout and degrades', async () => {
    const storage: SupportedStorage = { getItem: never, setItem: never, removeItem: never }
    const store = createSessionStore(storage, KEY, { timeoutMs: 50 })
    const onDegraded = vi.fn()
    store.onDegraded(onDegraded)
    expect(await store.read()).toEqual({ session: null, problem: 'unavailable' })
    expect(store.degraded).toBe(true)
    await store.write(session())
    expect((await store.read()).session).toEqual(session())
    await store.remove()
    expect(onDegraded).toHaveBeenCalledTimes(1)
    const error: unknown = onDegraded.mock.calls[0]?.[0]
    expect(isAuthError(error) && error.code).toBe('timeout')
  })

  it('a write against a hanging storage does not block later calls', async () => {
    const storage: SupportedStorage = { getItem: () => null, setItem: never, removeItem: never }
    const store = createSessionStore(storage, KEY, { timeoutMs: 30 })
    await store.write(session())
    expect(await store.read()).toEqual({ session: session(), problem: 'unavailable' })
  })

  it('does not call a listener added after degradation, and unsubscribes', async () => {
    const store = createSessionStore({ ...memoryStorage(), getItem: () => { throw new Error('x') } }, KEY)
    const removed = vi.fn()
    store.onDegraded(removed)()
    await store.read()
    const late = vi.fn()
    store.onDegraded(late)
    await Promise.resolve()
    expect(removed).not.toHaveBeenCalled()
    expect(late).not.toHaveBeenCalled()
  })

  it('a throwing degradation listener does not break the store or other listeners', async () => {
    const store = createSessionStore({ ...memoryStorage(), getItem: () => { throw new Error('x') } }, KEY)
    const other = vi.fn()
    store.onDegraded(() => {
      throw new Error('listener bug')
    })
    store.onDegraded(other)
    expect((await store.read()).problem).toBe('unavailable')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(other).toHaveBeenCalledTimes(1)
  })
})

describe('process lifetime', () => {
  it('a script with a store, coordinators and a timed-out read exits by itself', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    const dir = mkdtempSync(join(tmpdir(), 'sam-exit-'))
    const script = join(dir, 'exit-check.mts')
    writeFileSync(
      script,
      `
import { createSessionStore } from ${JSON.stringify(join(root, 'src/storage/index.js'))}
import { createCoordinator } from ${JSON.stringify(join(root, 'src/coordination/index.js'))}
// Stands in for the app's own work; cleared at the end, so only a handle of ours could keep the process up.
const app = setInterval(() => {}, 1_000)
const hang = () => new Promise<never>(() => {})
const hanging = { getItem: hang, setItem: hang, removeItem: hang }
const quick = { getItem: async () => null, setItem: async () => {}, removeItem: async () => {} }
const timedOut = createSessionStore(hanging, 'k', { timeoutMs: 50 })
const healthy = createSessionStore(quick, 'k', { timeoutMs: 600_000 })
const a = createCoordinator(hanging, 'k')
const b = createCoordinator(hanging, 'k')
const read = await timedOut.read()
await healthy.read()
await healthy.write({ access_token: 'a', token_type: 'bearer', expires_in: 1, expires_at: 1, refresh_token: 'r', user: { id: 'u' } } as never)
let release!: () => void
const gate = new Promise<void>((resolve) => { release = resolve })
const held = a.withLock(() => gate, { timeoutMs: 600_000 })
const waiter = b.withLock(async () => 'ran', { timeoutMs: 600_000 })
release()
await held
const ran = await waiter
let release2!: () => void
const gate2 = new Promise<void>((resolve) => { release2 = resolve })
const held2 = a.withLock(() => gate2, { timeoutMs: 600_000 })
const abandoned = b.withLock(async () => 'ran', { timeoutMs: 600_000 }).catch((e: { code?: string }) => e.code)
b.subscribe(() => {})
a.publish({ type: 'session', event: 'SIGNED_OUT', session: null })
b.close()
release2()
await held2
a.close()
clearInterval(app)
console.log(JSON.stringify({ problem: read.problem, degraded: timedOut.degraded, ran, abandoned: await abandoned }))
`,
    )
    try {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root })
          let stdout = ''
          let stderr = ''
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
          const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
          child.on('error', reject)
          child.on('exit', (exitCode) => {
            clearTimeout(killer)
            resolve({ code: exitCode, stdout, stderr })
          })
        },
      )
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(JSON.parse(stdout.trim())).toEqual({ problem: 'unavailable', degraded: true, ran: 'ran', abandoned: 'disposed' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
