/**
 * A browser's cookie jar for SSR tests. Each request sees the jar as a `Cookie` header (parsed back with
 * `parseCookieHeader`), its `setAll` batches are recorded, and `commit` applies them to the jar as the
 * browser applies `Set-Cookie` headers (serialized with `serializeCookie`, then read back), so every test
 * goes through the wire format.
 */
import { type CookieMethods, type CookieToSet, parseCookieHeader, serializeCookie } from '../../src/ssr/index.js'

export interface SetAllCall {
  cookies: CookieToSet[]
  headers: Record<string, string>
}

export interface Request {
  /** The request's cookie methods; make one client or several from it. */
  cookies: CookieMethods
  /** Every `setAll` batch, in order. */
  calls: SetAllCall[]
  /** Applies the response's cookies to the jar (or only those `keep` accepts, in order: a cut response). */
  commit(keep?: (cookie: CookieToSet, index: number) => boolean): void
}

export class BrowserJar {
  /** Cookie name → value as the `Set-Cookie` header carried it (URI-encoded). */
  readonly wire = new Map<string, string>()

  clone(): BrowserJar {
    const copy = new BrowserJar()
    for (const [name, value] of this.wire) copy.wire.set(name, value)
    return copy
  }

  get header(): string {
    return [...this.wire].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** The decoded value of each cookie, for assertions. */
  get cookies(): Map<string, string> {
    return new Map(parseCookieHeader(this.header).map(({ name, value }) => [name, value]))
  }

  request(mode: 'writable' | 'no-setAll' | 'throwing' = 'writable'): Request {
    const header = this.header
    const calls: SetAllCall[] = []
    const cookies: CookieMethods = { getAll: () => parseCookieHeader(header) }
    if (mode !== 'no-setAll') {
      cookies.setAll = (list, headers) => {
        if (mode === 'throwing') throw new Error('Cookies can only be modified in a Server Action or Route Handler')
        calls.push({ cookies: list, headers })
      }
    }
    const commit = (keep: (cookie: CookieToSet, index: number) => boolean = () => true): void => {
      let index = 0
      for (const call of calls) {
        for (const cookie of call.cookies) {
          if (keep(cookie, index++)) this.apply(serializeCookie(cookie))
        }
      }
    }
    return { cookies, calls, commit }
  }

  /** One `Set-Cookie` header, as a browser applies it. */
  apply(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const deleted = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
    if (deleted) this.wire.delete(name)
    else this.wire.set(name, value)
  }
}

/** Cookies in `calls` that carry a value (not deletions). */
export function setCookies(calls: readonly SetAllCall[]): CookieToSet[] {
  return calls.flatMap((call) => call.cookies.filter((cookie) => cookie.value !== ''))
}
