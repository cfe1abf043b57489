/**
 * The server client against the local auth server (ES256): cookie writes in one committed batch, claims
 * verified without a request, `getUser` always asked of the server, one refresh per request however many
 * calls and clients ask, nothing shared between requests, no timers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { clearJwksCache, getClaims } from '../../src/jwt/index.js'
import { createServerAuthClient, DEFAULT_COOKIE_OPTIONS, NO_CACHE_HEADERS } from '../../src/ssr/index.js'
import { type AuthServer, startAuthServer } from '../../src/testing/index.js'
import { setCookies } from './jar.js'
import { aheadBy, PASSWORD, refreshTokenIn, serverClient, signedUpBrowser } from './support.js'

const KEY = 'sb-127-auth-token'
/** 1 h tokens, 90 s margin: 3,560 s ahead the session is due but its access token still valid. */
const DUE = 3_560_000

let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer({ jwtAlgorithm: 'ES256' })
})
afterAll(() => server.close())
beforeEach(() => clearJwksCache())

const refreshes = () => server.requests.count({ path: '/token', grantType: 'refresh_token' })

describe('writing cookies', () => {
  it('writes the session in one setAll batch, once the sign-in is committed, with @supabase/ssr attributes and no-cache headers', async () => {
    const { jar, email } = await signedUpBrowser(server)
    const request = jar.request()
    const auth = serverClient(server, request)
    await auth.signInWithPassword({ email, password: PASSWORD })
    // Written by the time the call resolves: the handler can send its response right after.
    expect(request.calls).toHaveLength(1)
    const [batch] = request.calls
    expect(batch!.headers).toEqual(NO_CACHE_HEADERS)
    const session = batch!.cookies.find((c) => c.name === KEY)!
    expect(session.value.startsWith('base64-')).toBe(true)
    expect(session.options).toEqual(DEFAULT_COOKIE_OPTIONS)
  })

  it('writes a user update (metadata) in the same request, and honours cookieOptions (name, secure)', async () => {
    const { jar, email } = await signedUpBrowser(server)
    const signIn = jar.request()
    await serverClient(server, signIn, { cookieOptions: { name: 'my-auth', secure: true } }).signInWithPassword({ email, password: PASSWORD })
    const written = setCookies(signIn.calls).find((c) => c.name === 'my-auth')!
    expect(written.options).toEqual({ ...DEFAULT_COOKIE_OPTIONS, secure: true })
    signIn.commit()
    const request = jar.request()
    await serverClient(server, request, { cookieOptions: { name: 'my-auth' } }).updateUser({ data: { theme: 'dark' } })
    request.commit()
    const { session } = await serverClient(server, jar.request(), { cookieOptions: { name: 'my-auth' } }).getSession()
    expect(session?.user.user_metadata['theme']).toBe('dark')
  })

  it('deletes every chunk on sign-out, and the next request has no session', async () => {
    const { jar } = await signedUpBrowser(server, { bio: 'b'.repeat(4000) })
    expect([...jar.wire.keys()].filter((n) => n.startsWith(`${KEY}.`)).length).toBeGreaterThan(1)
    const request = jar.request()
    const auth = serverClient(server, request)
    await auth.signOut()
    request.commit()
    expect([...jar.wire.keys()].filter((n) => n === KEY || n.startsWith(`${KEY}.`))).toEqual([])
    const { session } = await serverClient(server, jar.request()).getSession()
    expect(session).toBeNull()
  })

  it('writes the PKCE verifier at once, before the OAuth redirect leaves', async () => {
    const { jar } = await signedUpBrowser(server)
    for (const name of [...jar.wire.keys()]) if (name.includes('code-verifier')) jar.wire.delete(name)
    const request = jar.request()
    const auth = serverClient(server, request)
    const { url } = await auth.signInWithOAuth({ provider: 'github', options: { redirectTo: 'http://localhost:3000/cb', skipBrowserRedirect: true } })
    expect(url).toContain('code_challenge=')
    expect(setCookies(request.calls).map((c) => c.name)).toContain(`${KEY}-code-verifier`)
  })
})

describe('trust', () => {
  it('verifies claims against the JWKS without a request once the keys are cached; getUser always asks the server', async () => {
    const { jar, userId } = await signedUpBrowser(server)
    const first = serverClient(server, jar.request())
    expect((await getClaims(first)).claims.sub).toBe(userId) // fetches the JWKS once
    server.requests.clear()
    for (let i = 0; i < 5; i += 1) {
      const auth = serverClient(server, jar.request())
      const { claims } = await getClaims(auth)
      expect(claims.sub).toBe(userId)
    }
    expect(server.requests.count()).toBe(0)
    const auth = serverClient(server, jar.request())
    await auth.getUser()
    await auth.getUser()
    expect(server.requests.count({ path: '/user' })).toBe(2)
  })
})

describe('one refresh per request', () => {
  it('refreshes once for many concurrent calls from several clients of one request, and writes the result once', async () => {
    const { jar, userId } = await signedUpBrowser(server)
    const before = refreshTokenIn(jar)
    const request = jar.request()
    const clients = [0, 1, 2].map(() => serverClient(server, request, { clock: aheadBy(DUE) }))
    server.requests.clear()
    const results = await Promise.all(
      clients.flatMap((auth) => [auth.getUser().then((r) => r.user.id), getClaims(auth).then((r) => r.claims.sub), auth.getSession().then((r) => r.session?.user.id)]),
    )
    expect(results.every((id) => id === userId)).toBe(true)
    expect(refreshes()).toBe(1)
    const written = setCookies(request.calls).filter((c) => c.name === KEY || c.name.startsWith(`${KEY}.`))
    // The probe re-sends the cookie unchanged; the new session is written once.
    expect(new Set(written.map((c) => c.value)).size).toBe(2)
    request.commit()
    expect(refreshTokenIn(jar)).not.toBe(before)
    // The next request holds a fresh session: no refresh.
    const next = serverClient(server, jar.request(), { clock: aheadBy(DUE) })
    expect((await next.getUser()).user.id).toBe(userId)
    expect(refreshes()).toBe(1)
  })

  it('never shares a session, lock or bus between two requests, even at the same moment', async () => {
    const a = await signedUpBrowser(server)
    const b = await signedUpBrowser(server)
    const requestA = a.jar.request()
    const requestB = b.jar.request()
    const clientsA = [serverClient(server, requestA, { clock: aheadBy(DUE) }), serverClient(server, requestA, { clock: aheadBy(DUE) })]
    const clientsB = [serverClient(server, requestB, { clock: aheadBy(DUE) }), serverClient(server, requestB, { clock: aheadBy(DUE) })]
    server.requests.clear()
    const [usersA, usersB] = await Promise.all([
      Promise.all(clientsA.map(async (auth) => (await auth.getUser()).user.id)),
      Promise.all(clientsB.map(async (auth) => (await auth.getUser()).user.id)),
    ])
    expect(usersA).toEqual([a.userId, a.userId])
    expect(usersB).toEqual([b.userId, b.userId])
    expect(refreshes()).toBe(2) // one each
    for (const auth of clientsA) expect(auth.snapshot.user?.id).toBe(a.userId)
    for (const auth of clientsB) expect(auth.snapshot.user?.id).toBe(b.userId)
    requestA.commit()
    requestB.commit()
    expect((await serverClient(server, a.jar.request()).getSession()).session?.user.id).toBe(a.userId)
    expect((await serverClient(server, b.jar.request()).getSession()).session?.user.id).toBe(b.userId)
  })
})

describe('stateless', () => {
  it('leaves no timer behind, whatever it did (only the bounded HTTP and lock timeouts run, and are cleared)', async () => {
    const { jar, email } = await signedUpBrowser(server)
    const live = new Set<unknown>()
    const realSet = globalThis.setTimeout
    const realClear = globalThis.clearTimeout
    const tracked = ((fn: () => void, ms?: number) => {
      const handle = realSet(() => {
        live.delete(handle)
        fn()
      }, ms)
      // fetch's own keep-alive timers (undici) are the runtime's, not the client's.
      if (!new Error().stack?.includes('undici')) live.add(handle)
      return handle
    }) as typeof setTimeout
    globalThis.setTimeout = tracked
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      live.delete(handle)
      realClear(handle)
    }) as typeof clearTimeout
    try {
      const request = jar.request()
      // aheadBy's own setTimeout throws: a chart timer would fail the test.
      const clients = [0, 1].map(() => serverClient(server, request, { clock: aheadBy(DUE) }))
      await Promise.all(clients.map((auth) => auth.getUser()))
      await getClaims(clients[0]!)
      await clients[1]!.signInWithPassword({ email, password: PASSWORD })
      await clients[0]!.signOut()
      await Promise.all(Array.from({ length: 50 }, () => serverClient(server, jar.request()).getSession()))
    } finally {
      globalThis.setTimeout = realSet
      globalThis.clearTimeout = realClear
    }
    // Timers of a zero-delay task (the chart's "next task") may still be queued: wait for them.
    await new Promise((resolve) => realSet(resolve, 5))
    expect(live.size).toBe(0)
  })

  it('never takes the runtime\'s Web Locks (one name for every request of a server), even where they exist', async () => {
    const requested: string[] = []
    const locks = { request: (name: string, _options: unknown, callback: () => Promise<void>) => (requested.push(name), callback()) }
    const previous = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true })
    try {
      const { jar, userId } = await signedUpBrowser(server)
      const request = jar.request()
      const clients = [0, 1].map(() => serverClient(server, request, { clock: aheadBy(DUE) }))
      const ids = await Promise.all(clients.map(async (auth) => (await auth.getUser()).user.id))
      expect(ids).toEqual([userId, userId])
      expect(refreshes()).toBeGreaterThan(0)
      expect(requested).toEqual([])
    } finally {
      if (previous) Object.defineProperty(globalThis, 'navigator', previous)
      else delete (globalThis as { navigator?: unknown }).navigator
    }
  })

  it('works with async cookie methods (Next.js 15 `cookies()`), one refresh, one batch', async () => {
    const { jar, userId } = await signedUpBrowser(server)
    const sync = jar.request()
    const cookies = {
      getAll: async () => sync.cookies.getAll(),
      setAll: async (list: Parameters<NonNullable<typeof sync.cookies.setAll>>[0], headers: Record<string, string>) => {
        await new Promise((resolve) => setImmediate(resolve))
        await sync.cookies.setAll!(list, headers)
      },
    }
    server.requests.clear()
    const clients = [0, 1, 2].map(() => createServerAuthClient({ url: server.url, apiKey: server.anonKey, cookies, clock: aheadBy(DUE) }))
    const ids = await Promise.all(clients.map(async (auth) => (await auth.getUser()).user.id))
    expect(ids).toEqual([userId, userId, userId])
    expect(refreshes()).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    sync.commit()
    const next = serverClient(server, jar.request(), { clock: aheadBy(DUE) })
    await next.getUser()
    expect(refreshes()).toBe(1)
  })
})
