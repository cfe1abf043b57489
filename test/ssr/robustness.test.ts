/**
 * Where cookies fail: read-only contexts (no `setAll`, or one that throws) make no refresh and answer with
 * a typed error; a response cut between chunk cookies reads back as no session or a whole session (the old
 * or the new one), never a spliced one, and never sends a spliced token to `/token`; edited cookies read as
 * no session instead of crashing.
 */
import { createServerClient } from '@supabase/ssr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Session } from '../../src/index.js'
import { decodeJwt, getClaims } from '../../src/jwt/index.js'
import { isSessionRefreshNeeded } from '../../src/ssr/index.js'
import { type AuthServer, startAuthServer } from '../../src/testing/index.js'
import { BrowserJar, type Request } from './jar.js'
import { aheadBy, PASSWORD, serverClient, signedUpBrowser } from './support.js'

const KEY = 'sb-127-auth-token'
const DUE = 3_560_000
const EXPIRED = 3_700_000
const BIG = { groups: Array.from({ length: 150 }, (_, i) => `group-${i}-é中`), bio: 'y'.repeat(2000) }

let server: AuthServer
/** The server's clock runs this far ahead, so two refreshes in one test second still get different `exp`. */
let serverAhead = 0
beforeAll(async () => {
  server = await startAuthServer({ jwtAlgorithm: 'ES256', now: () => Date.now() + serverAhead })
})
afterAll(() => server.close())

const refreshes = () => server.requests.count({ path: '/token', grantType: 'refresh_token' })

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('read-only cookie contexts', () => {
  for (const mode of ['no-setAll', 'throwing'] as const) {
    it(`${mode}: makes no refresh and answers session_refresh_needed once the token has expired`, async () => {
      const { jar } = await signedUpBrowser(server)
      server.requests.clear()
      const request = jar.request(mode)
      const auth = serverClient(server, request, { clock: aheadBy(EXPIRED) })
      for (const call of [auth.getSession(), auth.getUser(), getClaims(auth)]) {
        const error = await rejection(call)
        expect(isSessionRefreshNeeded(error)).toBe(true)
        expect(error).toMatchObject({ name: 'AuthError', code: 'session_refresh_needed' })
      }
      expect(refreshes()).toBe(0)
      expect(server.requests.count()).toBe(0)
    })

    it(`${mode}: serves a due session while its access token is valid, saying a refresh is needed`, async () => {
      const { jar, userId } = await signedUpBrowser(server)
      server.requests.clear()
      const auth = serverClient(server, jar.request(mode), { clock: aheadBy(DUE) })
      const { session } = await auth.getSession()
      expect(session?.user.id).toBe(userId)
      expect(auth.snapshot.error?.code).toBe('session_refresh_needed')
      expect((await auth.getUser()).user.id).toBe(userId)
      expect(refreshes()).toBe(0)
    })
  }

  it('leaves the refresh to the next writable request (middleware), which makes it once', async () => {
    const { jar, userId } = await signedUpBrowser(server)
    server.requests.clear()
    await rejection(serverClient(server, jar.request('throwing'), { clock: aheadBy(EXPIRED) }).getUser())
    const request = jar.request()
    const auth = serverClient(server, request, { clock: aheadBy(EXPIRED) })
    expect((await auth.getUser()).user.id).toBe(userId)
    expect(refreshes()).toBe(1)
  })
})

/** The session a fresh request reads from `jar`, without a refresh (real clock). */
async function readBack(jar: BrowserJar): Promise<Session | null> {
  return (await serverClient(server, jar.request()).getSession()).session
}

function samePair(a: Session | null, b: Session | null): boolean {
  return a !== null && b !== null && a.refresh_token === b.refresh_token && a.access_token === b.access_token
}

/** Applies the first `count` cookies of a request's batches to a copy of `jar`: the response cut there. */
function cutAt(jar: BrowserJar, request: Request, count: number): BrowserJar {
  const copy = jar.clone()
  const commitTo = copy.request()
  commitTo.calls.push(...request.calls)
  commitTo.commit((_, index) => index < count)
  return copy
}

describe('a response cut between chunk cookies', () => {
  it('our refresh, cut after any cookie, reads back as the old session, the new one, or none', async () => {
    const { jar } = await signedUpBrowser(server, BIG)
    const old = await readBack(jar)
    const request = jar.request()
    const auth = serverClient(server, request, { clock: aheadBy(DUE) })
    const fresh = (await auth.getSession()).session
    expect(samePair(old, fresh)).toBe(false)
    const total = request.calls.reduce((n, call) => n + call.cookies.length, 0)
    expect(total).toBeGreaterThan(4)
    const outcomes = new Set<string>()
    for (let count = 0; count <= total; count += 1) {
      const read = await readBack(cutAt(jar, request, count))
      const outcome = read === null ? 'none' : samePair(read, old) ? 'old' : samePair(read, fresh) ? 'new' : 'spliced'
      outcomes.add(outcome)
    }
    expect(outcomes.has('spliced')).toBe(false)
    expect(outcomes.has('new')).toBe(true)
    expect(outcomes.has('none')).toBe(true)
  })

  it('sends nothing to /token when the cut leaves a new .0 beside an old .1', async () => {
    const { jar } = await signedUpBrowser(server, BIG)
    const request = jar.request()
    await serverClient(server, request, { clock: aheadBy(DUE) }).getSession()
    const last = request.calls.at(-1)!
    const cut = jar.clone()
    for (const cookie of last.cookies) if (cookie.name === `${KEY}.0`) cut.apply(`${cookie.name}=${encodeURIComponent(cookie.value)}`)
    server.requests.clear()
    const next = serverClient(server, cut.request(), { clock: aheadBy(DUE) })
    expect((await next.getSession()).session).toBeNull()
    expect(server.requests.count({ path: '/token' })).toBe(0)
  })

  // Cookies @supabase/ssr wrote carry no fingerprint, and it rewrites only the chunks that changed: the
  // access token's `exp` against the stored `expires_at` is the check, which finds a cut inside the access
  // token. A cut after `expires_at` but before the refresh token ends passes unseen (whole tokens of two
  // writes here; with other sizes the cut could even fall inside the refresh token): only our own writes
  // are fully protected.
  it('an @supabase/ssr refresh cut after any cookie never reads as a token spliced inside', async () => {
    const { jar } = await signedUpBrowser(server, BIG)
    const url = server.url.replace(/\/auth\/v1$/, '')
    const ssrFor = (request: Request) =>
      createServerClient(url, server.anonKey, {
        realtime: { transport: class { constructor() { throw new Error('unused') } } as never },
        cookies: { getAll: () => request.cookies.getAll() as Array<{ name: string; value: string }>, setAll: (list, headers) => request.cookies.setAll!(list, headers) },
      })
    const rewrite = jar.request()
    await ssrFor(rewrite).auth.refreshSession() // the session now in @supabase/ssr's layout
    rewrite.commit()
    const old = await readBack(jar)
    expect(old).not.toBeNull()
    serverAhead += 60_000 // a minute later, as refreshes are in real life
    const request = jar.request()
    await ssrFor(request).auth.refreshSession()
    const fresh = await readBack(cutAt(jar, request, Number.POSITIVE_INFINITY))
    const total = request.calls.reduce((n, call) => n + call.cookies.length, 0)
    for (let count = 0; count <= total; count += 1) {
      const read = await readBack(cutAt(jar, request, count))
      if (read === null) continue
      expect([old!.access_token, fresh!.access_token].includes(read.access_token)).toBe(true)
      expect([old!.refresh_token, fresh!.refresh_token].includes(read.refresh_token)).toBe(true)
    }
  })
})

describe('edited cookies', () => {
  it('reads garbage, invalid base64, invalid UTF-8 and a foreign user as no session, without a crash or a request', async () => {
    const { jar } = await signedUpBrowser(server)
    const json = JSON.stringify(await readBack(jar))
    const values = [
      'base64-%%%not-base64',
      'base64-_w', // 0xFF: invalid UTF-8
      'base64-' + Buffer.from('{"access_token":').toString('base64url'),
      encodeURIComponent(json.replace(/"id":"[^"]+"/, '"id":"someone-else"')),
    ]
    for (const value of values) {
      const edited = new BrowserJar()
      edited.wire.set(KEY, value)
      server.requests.clear()
      const auth = serverClient(server, edited.request(), { clock: aheadBy(DUE) })
      expect((await auth.getSession()).session).toBeNull()
      expect(server.requests.count()).toBe(0)
    }
  })

  it('serves a cookie user edited in place by getSession only; getUser and getClaims report the server\'s truth', async () => {
    const { jar, userId } = await signedUpBrowser(server)
    const session = (await readBack(jar))!
    // In @supabase/ssr's layout (access token first): a cookie in ours without its fingerprint is refused outright.
    // auth-js stores the server's `expires_at`, the token's `exp`.
    const { access_token, token_type, expires_in, refresh_token } = session
    const expires_at = decodeJwt(access_token).payload.exp
    const forged = { access_token, token_type, expires_in, expires_at, refresh_token, user: { ...session.user, app_metadata: { role: 'admin' } } }
    const edited = new BrowserJar()
    edited.wire.set(KEY, 'base64-' + Buffer.from(JSON.stringify(forged)).toString('base64url'))
    const auth = serverClient(server, edited.request())
    const read = (await auth.getSession()).session
    expect(read?.user.app_metadata['role']).toBe('admin') // as sent: unverified, documented
    const { user } = await auth.getUser()
    expect(user.id).toBe(userId)
    expect(user.app_metadata['role']).toBeUndefined()
    expect((await getClaims(auth)).claims.app_metadata).not.toMatchObject({ role: 'admin' })
  })
})
