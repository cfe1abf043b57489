/**
 * The browser client: its session in `document.cookie` (or given cookie methods) in @supabase/ssr's format,
 * written at once, read by the server client and by @supabase/ssr's browser client, and the reverse.
 */
import { createBrowserClient } from '@supabase/ssr'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBrowserAuthClient } from '../../src/ssr/index.js'
import { type AuthServer, startAuthServer } from '../../src/testing/index.js'
import { BrowserJar } from './jar.js'
import { PASSWORD, serverClient, signedUpBrowser } from './support.js'

const KEY = 'sb-127-auth-token'
let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer({ jwtAlgorithm: 'ES256' })
})
afterAll(() => server.close())

/** `document.cookie` over a jar, as a browser implements it (reads give `name=value; …`, each write is one Set-Cookie). */
function installDocument(jar: BrowserJar): () => void {
  const doc = {
    get cookie() {
      return jar.header
    },
    set cookie(setCookie: string) {
      jar.apply(setCookie)
    },
  }
  Object.defineProperty(globalThis, 'document', { value: doc, configurable: true })
  return () => {
    delete (globalThis as { document?: unknown }).document
  }
}

let uninstall: (() => void) | undefined
afterEach(() => uninstall?.())

describe('createBrowserAuthClient', () => {
  it('writes the session to document.cookie at once; the server client reads it in the next request', async () => {
    const { email, userId } = await signedUpBrowser(server)
    const jar = new BrowserJar()
    uninstall = installDocument(jar)
    const auth = createBrowserAuthClient({ url: server.url, apiKey: server.anonKey, detectSessionInUrl: false })
    await auth.signInWithPassword({ email, password: PASSWORD })
    expect(jar.cookies.get(KEY)?.startsWith('base64-')).toBe(true)
    auth.dispose()
    const { user } = await serverClient(server, jar.request()).getUser()
    expect(user.id).toBe(userId)
  })

  it('reads the session a server client wrote, and signs out by deleting every chunk', async () => {
    const { jar, userId } = await signedUpBrowser(server, { bio: 'z'.repeat(4000) })
    uninstall = installDocument(jar)
    const auth = createBrowserAuthClient({ url: server.url, apiKey: server.anonKey, detectSessionInUrl: false })
    await auth.ready
    expect(auth.snapshot.user?.id).toBe(userId)
    await auth.signOut({ scope: 'local' })
    expect([...jar.wire.keys()].filter((n) => n === KEY || n.startsWith(`${KEY}.`))).toEqual([])
    auth.dispose()
  })

  it('interoperates with @supabase/ssr createBrowserClient over the same cookies, both ways', async () => {
    const { email, userId } = await signedUpBrowser(server)
    const jar = new BrowserJar()
    const cookies = {
      getAll: () => jar.request().cookies.getAll() as Array<{ name: string; value: string }>,
      setAll: (list: Array<{ name: string; value: string; options: object }>) => {
        const request = jar.request()
        request.calls.push({ cookies: list as never, headers: {} })
        request.commit()
      },
    }
    const ours = createBrowserAuthClient({ url: server.url, apiKey: server.anonKey, cookies, detectSessionInUrl: false, autoRefreshToken: false })
    const { session } = await ours.signInWithPassword({ email, password: PASSWORD })
    ours.dispose()
    const theirs = createBrowserClient(server.url.replace(/\/auth\/v1$/, ''), server.anonKey, {
      cookies,
      isSingleton: false,
      auth: { autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: class { constructor() { throw new Error('unused') } } as never },
    })
    const read = await theirs.auth.getSession()
    expect(read.data.session?.refresh_token === session.refresh_token).toBe(true)
    const refreshed = await theirs.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    const again = createBrowserAuthClient({ url: server.url, apiKey: server.anonKey, cookies, detectSessionInUrl: false, autoRefreshToken: false })
    await again.ready
    expect(again.snapshot.session?.refresh_token === refreshed.data.session!.refresh_token).toBe(true)
    expect(again.snapshot.user?.id).toBe(userId)
    again.dispose()
  })
})
