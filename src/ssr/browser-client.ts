/**
 * `createBrowserAuthClient`: the browser half of SSR, its session in the same cookies the server reads.
 * @module
 */
import { AuthClient } from '../client/auth-client.js'
import type { AuthClientOptions } from '../client/options.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import { defaultStorageKey } from '../storage/index.js'
import { parseCookieHeader, serializeCookie } from './cookie-header.js'
import { cookieStorageFor } from './cookie-storage.js'
import type { CookieEncoding, CookieMethods, NamedCookieOptions } from './types.js'

/**
 * Options of {@link createBrowserAuthClient}: those of `createAuthClient` but the storage, plus the cookies.
 *
 * @example
 * const options: BrowserAuthClientOptions = { url, apiKey, cookieOptions: { secure: true } }
 */
export interface BrowserAuthClientOptions extends Omit<AuthClientOptions, 'storage' | 'storageKey' | 'persistSession'> {
  /** Default: `document.cookie`. */
  cookies?: CookieMethods
  /** Attributes of the auth cookies (defaults: `path: '/'`, `sameSite: 'lax'`, `httpOnly: false`, 400 days); `name` replaces the key. */
  cookieOptions?: NamedCookieOptions
  /** `base64url` (default) or `raw`, as for the server client. */
  cookieEncoding?: CookieEncoding
}

/**
 * `document.cookie` as cookie methods; one object for the page, so every default browser client shares
 * one storage (and so one refresh lock and one bus). Without a document, reads find nothing and writes throw,
 * which the session store answers by keeping the session in memory.
 */
const documentCookies: CookieMethods = {
  getAll: () => {
    const doc = (globalThis as { document?: { cookie?: string } }).document
    return parseCookieHeader(doc?.cookie)
  },
  setAll: (list) => {
    const doc = (globalThis as { document?: { cookie?: string } }).document
    if (doc === undefined) throw new Error('No document: pass `cookies` to createBrowserAuthClient outside a browser')
    for (const cookie of list) doc.cookie = serializeCookie(cookie)
  },
}

/**
 * An `AuthClient` for the browser whose session lives in cookies (`document.cookie` by default) in
 * `@supabase/ssr`'s format, so the server client (or `@supabase/ssr`) reads what it writes and the reverse.
 * A full browser client: it refreshes on its own, completes redirects (`?code=`) and syncs tabs.
 *
 * @example
 * ```ts
 * import { createBrowserAuthClient } from 'supabase-auth-machine/ssr'
 * const auth = createBrowserAuthClient({ url: 'https://<ref>.supabase.co/auth/v1', apiKey: '<anon key>' })
 * await auth.signInWithPassword({ email, password })   // the server sees the session in the next request's cookies
 * ```
 */
export function createBrowserAuthClient(options: BrowserAuthClientOptions): AuthClient {
  const { cookies, cookieOptions, cookieEncoding, ...clientOptions } = options ?? ({} as BrowserAuthClientOptions)
  if (cookies !== undefined && (typeof cookies.getAll !== 'function' || typeof cookies.setAll !== 'function')) {
    // A browser client must write what it refreshes; a read-only browser client would lose sessions.
    throw new AuthInvalidCredentialsError('createBrowserAuthClient needs `cookies` with both `getAll` and `setAll`')
  }
  const key = cookieOptions?.name || defaultStorageKey(clientOptions.url)
  const storage = cookieStorageFor(cookies ?? documentCookies, {
    key,
    encoding: cookieEncoding === 'raw' ? 'raw' : 'base64url',
    mode: 'browser',
    ...(cookieOptions ? { cookieOptions } : {}),
  })
  return new AuthClient({ ...clientOptions, storage, storageKey: key, persistSession: true })
}
