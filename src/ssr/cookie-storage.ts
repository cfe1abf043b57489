/**
 * A `SupportedStorage` over cookies. One per request (server) or per page (browser) and cookie name, and
 * shared by every client built from the same `cookies` object: the refresh lock and the session bus are
 * keyed by the storage object, so those clients refresh once between them, while clients of two requests
 * (two `cookies` objects) share nothing.
 * @module
 */
import type { SupportedStorage } from '../storage/index.js'
import { joinChunks, isChunkOf } from './chunks.js'
import { applyChanges, cookieChanges } from './cookie-changes.js'
import { BASE64_PREFIX, cookieAttributes, decodeCookieValue, NO_CACHE_HEADERS } from './cookie-format.js'
import { sessionForCookie, sessionFromCookie } from './session-json.js'
import type { CookieEncoding, CookieMethods, CookieOptions, NamedCookieOptions } from './types.js'

/** How a cookie storage reads and writes. */
export interface CookieStorageSettings {
  /** The session's key: `cookieOptions.name` or `sb-<first host label>-auth-token`. */
  key: string
  encoding: CookieEncoding
  cookieOptions?: NamedCookieOptions
  /**
   * `server`: the request's cookies are read once, and writes wait for {@link CookieStorage.flush} (after
   * the client committed the change), except PKCE verifiers, which the browser needs before it leaves.
   * `browser`: every read reads the cookies again (another tab may have changed them), every write writes.
   */
  mode: 'server' | 'browser'
}

/** auth-js's per-flow verifier slots and their index, whose removals no auth event follows. */
const VERIFIER_SLOT = /-flow-[A-Za-z0-9_-]{8,64}-code-verifier$/
const VERIFIER_INDEX = '-flows-code-verifier'

type Jar = Map<string, string>

/**
 * Cookies as a key/value store: values are joined from chunks and decoded on read, encoded and split on
 * write, and whatever cannot be a value (undecodable base64, a spliced session) reads as absent.
 *
 * @example
 * const storage = cookieStorageFor(cookies, { key: 'sb-abcd-auth-token', encoding: 'base64url', mode: 'server' })
 * await storage.getItem('sb-abcd-auth-token')   // the session JSON, or null
 */
export class CookieStorage implements SupportedStorage {
  readonly #cookies: CookieMethods
  readonly #settings: CookieStorageSettings
  readonly #attributes: { set: CookieOptions; remove: CookieOptions }
  /** Server: the cookies the browser holds once this response arrives, as far as known (the request's, plus writes). */
  #jar: Jar | Promise<Jar> | undefined
  /** Server: values written but not yet handed to `setAll` (`null`: removed); reads see them first. */
  readonly #pending = new Map<string, string | null>()
  /** Whether `setAll` works here: unknown until it is called, false when missing or it threw. */
  #writable: boolean | Promise<boolean> | undefined

  constructor(cookies: CookieMethods, settings: CookieStorageSettings) {
    this.#cookies = cookies
    this.#settings = settings
    this.#attributes = cookieAttributes(settings.cookieOptions)
    if (typeof cookies.setAll !== 'function') this.#writable = false
  }

  /**
   * True on a server: this storage is one request's, so its clients coordinate in this process only and never
   * through the runtime's Web Locks (Deno, Node 24), which would join every request under one lock name.
   */
  get processScoped(): boolean {
    return this.#settings.mode === 'server'
  }

  getItem(key: string): string | null | Promise<string | null> {
    if (this.#pending.has(key)) return this.#pending.get(key) ?? null
    const jar = this.#readJar()
    return jar instanceof Map ? valueIn(jar, key) : jar.then((loaded) => valueIn(loaded, key))
  }

  setItem(key: string, value: string): void | Promise<void> {
    if (this.#settings.mode === 'browser') return this.#write(new Map([[key, value]]))
    this.#pending.set(key, value)
    // The page may leave for the identity provider with this very response: the verifier cannot wait.
    if (key.endsWith('-code-verifier')) return this.flush([key])
  }

  removeItem(key: string): void | Promise<void> {
    if (this.#settings.mode === 'browser') return this.#write(new Map([[key, null]]))
    this.#pending.set(key, null)
    // Evicting a slot happens as a flow starts, and a failed flow drops its own: no auth event follows either.
    if (VERIFIER_SLOT.test(key) || key.endsWith(VERIFIER_INDEX)) return this.flush([key])
  }

  /**
   * Hands the pending writes (or those of `keys`) to `setAll` in one batch, with the no-cache headers. In a
   * read-only context (no `setAll`, or it threw) nothing is written and the values stay readable here.
   *
   * @example
   * auth.events$.subscribe(() => void storage.flush())
   */
  flush(keys?: readonly string[]): void | Promise<void> {
    if (this.#writable === false) return
    const values = new Map<string, string | null>()
    for (const [key, value] of this.#pending) if (keys === undefined || keys.includes(key)) values.set(key, value)
    if (values.size === 0) return
    // Never rejects: it runs from event listeners, and a `getAll` that failed already failed the read.
    try {
      const written = this.#write(values)
      if (isPromise(written)) return written.catch(() => undefined)
    } catch {
      // As above.
    }
  }

  /**
   * Whether cookies can be written here, found out before a refresh spends the refresh token: `setAll` is
   * called once with the session's cookies as the browser holds them (a no-op write) and the no-cache
   * headers. A `setAll` that throws (a server component) makes the context read-only for good.
   *
   * @example
   * if (!(await storage.canWrite())) throw new AuthError('…', undefined, 'session_refresh_needed')
   */
  canWrite(): boolean | Promise<boolean> {
    if (this.#writable !== undefined) return this.#writable
    const probe = async (): Promise<boolean> => {
      let jar: Jar
      try {
        jar = await this.#readJar()
      } catch {
        return (this.#writable = false)
      }
      const held = [...jar].filter(([name]) => isChunkOf(name, this.#settings.key))
      return this.#callSetAll(held.map(([name, value]) => ({ name, value, options: { ...this.#attributes.set } })))
    }
    this.#writable = probe()
    return this.#writable
  }

  #readJar(): Jar | Promise<Jar> {
    if (this.#settings.mode === 'server' && this.#jar !== undefined) return this.#jar
    const all = this.#cookies.getAll()
    const jar = isPromise(all) ? all.then(toJar) : toJar(all)
    if (this.#settings.mode === 'server') {
      this.#jar = jar
      if (isPromise(jar)) void jar.then((loaded) => (this.#jar = loaded), () => undefined)
    }
    return jar
  }

  #write(values: ReadonlyMap<string, string | null>): void | Promise<void> {
    const jar = this.#readJar()
    return jar instanceof Map ? this.#apply(jar, values) : jar.then((loaded) => this.#apply(loaded, values))
  }

  #apply(jar: Jar, values: ReadonlyMap<string, string | null>): void | Promise<void> {
    const encoded = new Map(values)
    const session = values.get(this.#settings.key)
    if (typeof session === 'string') encoded.set(this.#settings.key, sessionForCookie(session))
    const changes = cookieChanges(jar, encoded, this.#settings.encoding, this.#attributes)
    const done = (ok: boolean): void => {
      if (!ok) return
      applyChanges(jar, changes)
      // Only what was written leaves the queue: a newer write of the same key made meanwhile stays.
      for (const [key, value] of values) if (this.#pending.get(key) === value) this.#pending.delete(key)
    }
    if (changes.length === 0) return done(true)
    const outcome = this.#callSetAll(changes)
    return isPromise(outcome) ? outcome.then(done) : done(outcome)
  }

  /** Calls `setAll`, synchronously when it is; true when it worked, false (and read-only from then on) when not. */
  #callSetAll(changes: Parameters<NonNullable<CookieMethods['setAll']>>[0]): boolean | Promise<boolean> {
    const setAll = this.#cookies.setAll
    if (typeof setAll !== 'function') return (this.#writable = false)
    // In a browser a failed write is the session store's business (it keeps the session in memory); on a
    // server it means a read-only context, which is an answer, not an error.
    const failed = (error: unknown): false => {
      if (this.#settings.mode === 'browser') throw error
      return (this.#writable = false)
    }
    try {
      const result = setAll.call(this.#cookies, changes, { ...NO_CACHE_HEADERS })
      if (!isPromise(result)) return (this.#writable = true)
      return result.then(() => (this.#writable = true), failed)
    } catch (error) {
      return failed(error)
    }
  }
}

/** The stored value of `key` in `jar`, or null when absent or unusable. */
function valueIn(jar: Jar, key: string): string | null {
  const joined = joinChunks(key, (name) => jar.get(name))
  if (joined === null) return null
  const text = decodeCookieValue(joined)
  return text === null ? null : sessionFromCookie(text, joined.startsWith(BASE64_PREFIX))
}

function toJar(all: ReadonlyArray<{ name: string; value: string }> | null | undefined): Jar {
  const jar: Jar = new Map()
  for (const cookie of all ?? []) {
    if (typeof cookie?.name === 'string' && typeof cookie.value === 'string' && !jar.has(cookie.name)) jar.set(cookie.name, cookie.value)
  }
  return jar
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

const storages = new WeakMap<CookieMethods, Map<string, CookieStorage>>()

/**
 * The cookie storage of `cookies` for this key and mode, made on first use: every client built from one
 * `cookies` object (one request) shares it, and with it one refresh lock and one session bus. Make the
 * `cookies` object per request; one shared by requests would share their sessions.
 *
 * @example
 * const storage = cookieStorageFor(cookies, { key, encoding: 'base64url', mode: 'server' })
 */
export function cookieStorageFor(cookies: CookieMethods, settings: CookieStorageSettings): CookieStorage {
  let byKey = storages.get(cookies)
  if (byKey === undefined) storages.set(cookies, (byKey = new Map()))
  const id = `${settings.mode}:${settings.key}`
  let storage = byKey.get(id)
  if (storage === undefined) byKey.set(id, (storage = new CookieStorage(cookies, settings)))
  return storage
}
