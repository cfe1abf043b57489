/**
 * Both ways with `@supabase/ssr` 0.12.7 (`createServerClient` over the same in-memory cookie jar, against
 * the local auth server): sessions it writes — chunked, with large user metadata, base64url or raw — are
 * read by ours, and sessions ours writes are read, used and refreshed by it.
 */
import { createServerClient } from '@supabase/ssr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getClaims } from '../../src/jwt/index.js'
import { type AuthServer, startAuthServer } from '../../src/testing/index.js'
import { BrowserJar, type Request } from './jar.js'
import { PASSWORD, refreshTokenIn, serverClient, signedUpBrowser, uniqueEmail } from './support.js'
import { exchangeCodeForSession } from '../../src/handoff/index.js'

const KEY = 'sb-127-auth-token'
/** Large metadata (an OAuth profile with many groups): the session spans several chunk cookies. */
const BIG = { groups: Array.from({ length: 120 }, (_, i) => `group-${i}-${'é中'.repeat(3)}`), bio: 'x'.repeat(1500) }

let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer({ jwtAlgorithm: 'ES256' })
})
afterAll(() => server.close())

/** supabase-js builds a realtime client, which needs a WebSocket class on Node 20; it is never connected here. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not used in these tests')
  }
}

function ssrClient(request: Request, cookieEncoding: 'base64url' | 'raw' = 'base64url') {
  return createServerClient(server.url.replace(/\/auth\/v1$/, ''), server.anonKey, {
    cookieEncoding,
    realtime: { transport: NoWebSocket as never },
    cookies: {
      getAll: () => request.cookies.getAll() as Array<{ name: string; value: string }>,
      setAll: (list, headers) => request.cookies.setAll!(list, headers),
    },
  })
}

function chunkNames(jar: BrowserJar): string[] {
  return [...jar.wire.keys()].filter((name) => name.startsWith(`${KEY}.`))
}

async function userWithBigMetadata(): Promise<string> {
  const email = uniqueEmail('interop')
  const signUp = new BrowserJar().request()
  await serverClient(server, signUp).signUp({ email, password: PASSWORD, options: { data: BIG } })
  return email
}

describe('@supabase/ssr → ours', () => {
  for (const encoding of ['base64url', 'raw'] as const) {
    it(`reads a chunked ${encoding} session @supabase/ssr wrote, and uses it`, async () => {
      const email = await userWithBigMetadata()
      const jar = new BrowserJar()
      const request = jar.request()
      const { data, error } = await ssrClient(request, encoding).auth.signInWithPassword({ email, password: PASSWORD })
      expect(error).toBeNull()
      request.commit()
      expect(chunkNames(jar).length).toBeGreaterThan(1)
      if (encoding === 'base64url') expect(jar.cookies.get(`${KEY}.0`)!.startsWith('base64-')).toBe(true)

      const auth = serverClient(server, jar.request())
      const { session } = await auth.getSession()
      expect(session?.refresh_token === data.session!.refresh_token).toBe(true)
      expect(session?.user.user_metadata['groups']).toEqual(BIG.groups)
      expect((await auth.getUser()).user.id).toBe(data.user!.id)
      expect((await getClaims(auth)).claims.sub).toBe(data.user!.id)
    })
  }

  it('reads the session @supabase/ssr refreshed, chunks rewritten', async () => {
    const email = await userWithBigMetadata()
    const jar = new BrowserJar()
    const signIn = jar.request()
    await ssrClient(signIn).auth.signInWithPassword({ email, password: PASSWORD })
    signIn.commit()
    const refresh = jar.request()
    const { data } = await ssrClient(refresh).auth.refreshSession()
    refresh.commit()
    const { session } = await serverClient(server, jar.request()).getSession()
    expect(session?.refresh_token === data.session!.refresh_token).toBe(true)
  })
})

describe('ours → @supabase/ssr', () => {
  it('writes a chunked session @supabase/ssr reads and uses', async () => {
    const email = await userWithBigMetadata()
    const jar = new BrowserJar()
    const request = jar.request()
    const { session } = await serverClient(server, request).signInWithPassword({ email, password: PASSWORD })
    request.commit()
    expect(chunkNames(jar).length).toBeGreaterThan(1)

    const ssr = ssrClient(jar.request())
    const read = await ssr.auth.getSession()
    expect(read.data.session?.refresh_token === session.refresh_token).toBe(true)
    expect(read.data.session?.user.user_metadata['groups']).toEqual(BIG.groups)
    const { data, error } = await ssr.auth.getUser()
    expect(error).toBeNull()
    expect(data.user?.id).toBe(session.user.id)
  })

  it('lets @supabase/ssr refresh a session ours wrote, and reads the result back', async () => {
    const email = await userWithBigMetadata()
    const jar = new BrowserJar()
    const signIn = jar.request()
    await serverClient(server, signIn).signInWithPassword({ email, password: PASSWORD })
    signIn.commit()
    const before = refreshTokenIn(jar)
    const refresh = jar.request()
    const { data, error } = await ssrClient(refresh).auth.refreshSession()
    expect(error).toBeNull()
    refresh.commit()
    expect(refreshTokenIn(jar) === before).toBe(false)
    const { session } = await serverClient(server, jar.request()).getSession()
    expect(session?.refresh_token === data.session!.refresh_token).toBe(true)
  })

  it('reads a raw-encoded session ours wrote', async () => {
    const { jar } = await signedUpBrowser(server)
    const request = jar.request()
    const email = await userWithBigMetadata()
    await serverClient(server, request, { cookieEncoding: 'raw' }).signInWithPassword({ email, password: PASSWORD })
    request.commit()
    expect(jar.cookies.get(`${KEY}.0`)!.startsWith('{')).toBe(true)
    const { data } = await ssrClient(jar.request(), 'raw').auth.getSession()
    expect(data.session?.user.email).toBe(email)
  })
})

/** Follows redirects as a browser would, until one leads back to the app; returns that URL. */
async function followToApp(start: string): Promise<URL> {
  let url = start
  for (let hop = 0; hop < 8; hop += 1) {
    if (url.startsWith('http://localhost:3000')) return new URL(url)
    const response = await fetch(url, { redirect: 'manual' })
    const location = response.headers.get('location')
    if (location === null) throw new Error(`${new URL(url).pathname} answered ${response.status} without a redirect`)
    url = new URL(location, url).toString()
  }
  throw new Error('too many redirects')
}

describe('PKCE redirects across libraries, the verifier in a cookie', () => {
  const redirectTo = 'http://localhost:3000/auth/callback'

  it('a redirect @supabase/ssr started is finished by ours', async () => {
    const jar = new BrowserJar()
    const start = jar.request()
    const { data } = await ssrClient(start).auth.signInWithOAuth({ provider: 'github', options: { redirectTo, skipBrowserRedirect: true } })
    start.commit()
    server.provider.nextUser({ sub: `gh-${Date.now()}`, email: uniqueEmail('gh'), email_verified: true, name: 'Ada' })
    const back = await followToApp(data.url!)
    const callback = jar.request()
    const { session } = await exchangeCodeForSession(serverClient(server, callback), back.searchParams.get('code')!)
    callback.commit()
    expect(session.user.app_metadata['provider']).toBe('github')
    expect([...jar.wire.keys()].some((name) => name.includes('code-verifier'))).toBe(false)
    expect((await ssrClient(jar.request()).auth.getUser()).data.user?.id).toBe(session.user.id)
  })

  it('a redirect ours started is finished by @supabase/ssr', async () => {
    const jar = new BrowserJar()
    const start = jar.request()
    const { url } = await serverClient(server, start).signInWithOAuth({ provider: 'github', options: { redirectTo, skipBrowserRedirect: true } })
    // Written at once: the response that redirects to the provider carries it.
    expect(start.calls.length).toBeGreaterThan(0)
    start.commit()
    server.provider.nextUser({ sub: `gh-${Date.now()}`, email: uniqueEmail('gh'), email_verified: true, name: 'Ada' })
    const back = await followToApp(url)
    const callback = jar.request()
    const { data, error } = await ssrClient(callback).auth.exchangeCodeForSession(back.searchParams.get('code')!)
    expect(error).toBeNull()
    callback.commit()
    expect((await serverClient(server, jar.request()).getUser()).user.id).toBe(data.user!.id)
  })
})
