/**
 * `getClaims` (entry `supabase-auth-machine/jwt`) over HTTP: verified locally against the JWKS for ES256 and
 * RS256 servers, by the server (`GET /user`) for HS256; requests counted at the local server.
 */
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type AuthClient, isAuthApiError, isAuthError, memoryStorage } from '../../src/index.js'
import { clearJwksCache, decodeJwt, getClaims } from '../../src/jwt/index.js'
import { openTarget, PASSWORD, realGotrue, type Target, uniqueEmail } from '../support/target.js'

const HOUR_MS = 3_600_000

async function signedIn(target: Target): Promise<{ auth: AuthClient; token: string; userId: string }> {
  const email = uniqueEmail('claims')
  const { user } = await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const auth = target.client({ storage: memoryStorage() })
  const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
  return { auth, token: session.access_token, userId: user.id }
}

/** The same claims, signed by a key the server never published. */
async function forged(token: string, alg: 'ES256' | 'PS256', kid: string): Promise<string> {
  const { payload } = decodeJwt(token)
  const { privateKey } = await generateKeyPair(alg)
  return new SignJWT({ ...payload }).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(privateKey)
}

function count(target: Target, path: string): number {
  return target.local?.requests.count({ path }) ?? Number.NaN
}

describe('getClaims on the target server (HS256 locally; whatever a real GoTrue uses)', () => {
  let target: Target
  beforeAll(async () => {
    target = await openTarget()
  })
  afterAll(() => target.close())
  beforeEach(() => clearJwksCache())

  it('returns the signed-in user\'s claims', async () => {
    const { auth, userId } = await signedIn(target)
    const { claims, header, signature } = await getClaims(auth)
    expect(claims.sub).toBe(userId)
    expect(claims.role).toBe('authenticated')
    expect(typeof header['alg']).toBe('string')
    expect(signature.length).toBeGreaterThan(10)
  })

  it('rejects with AuthSessionMissingError when nobody is signed in', async () => {
    const auth = target.client({ storage: memoryStorage() })
    await expect(getClaims(auth)).rejects.toMatchObject({ name: 'AuthSessionMissingError' })
  })

  it('refuses an expired token before asking anyone', async () => {
    const { auth, token } = await signedIn(target)
    const later = Date.now() + 2 * HOUR_MS
    const before = target.local?.requests.count()
    await expect(getClaims(auth, token, { now: later })).rejects.toMatchObject({ name: 'AuthInvalidJwtError', code: 'invalid_jwt' })
    if (target.local) expect(target.local.requests.count()).toBe(before)
  })

  it('refuses a token whose claims were changed after signing', async () => {
    const { auth, token } = await signedIn(target)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'service_role' })).toString('base64url')}.${signature}`
    const error = await getClaims(auth, tampered).then(() => undefined, (reason: unknown) => reason)
    expect(isAuthError(error)).toBe(true)
    expect(String((error as Error).message)).not.toContain(tampered)
  })

  it('HS256 tokens are checked by the server: one GET /user per call, no JWKS request', async () => {
    if (realGotrue) return // the signing algorithm is the real server's configuration
    const { auth } = await signedIn(target)
    const users = count(target, '/user')
    for (let i = 0; i < 3; i++) await getClaims(auth)
    expect(count(target, '/user') - users).toBe(3)
    expect(count(target, '/.well-known/jwks.json')).toBe(0)
  })
})

describe.each(['ES256', 'RS256'] as const)('getClaims with %s keys (local server)', (alg) => {
  let target: Target
  beforeAll(async () => {
    target = await openTarget({ jwtAlgorithm: alg })
  })
  afterAll(() => target.close())
  beforeEach(() => clearJwksCache())

  it.skipIf(realGotrue)('verifies locally: 10 calls from two clients make one JWKS request and no GET /user', async () => {
    const first = await signedIn(target)
    const second = await signedIn(target)
    const jwks = count(target, '/.well-known/jwks.json')
    const users = count(target, '/user')
    const results = await Promise.all([...Array.from({ length: 5 }, () => getClaims(first.auth)), ...Array.from({ length: 5 }, () => getClaims(second.auth))])
    expect(results.map((r) => r.claims.sub)).toEqual([...Array(5).fill(first.userId), ...Array(5).fill(second.userId)])
    expect(results[0]!.header['alg']).toBe(alg)
    expect(count(target, '/.well-known/jwks.json') - jwks).toBe(1)
    expect(count(target, '/user') - users).toBe(0)
  })

  it.skipIf(realGotrue)('refuses a changed payload with AuthInvalidJwtError, without asking the server', async () => {
    const { auth, token } = await signedIn(target)
    await getClaims(auth) // keys cached
    const users = count(target, '/user')
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, aal: 'aal2' })).toString('base64url')}.${signature}`
    await expect(getClaims(auth, tampered)).rejects.toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
    expect(count(target, '/user')).toBe(users)
  })

  it.skipIf(realGotrue)('allowExpired accepts an expired token whose signature is good', async () => {
    const { auth, token, userId } = await signedIn(target)
    const later = Date.now() + 2 * HOUR_MS
    await expect(getClaims(auth, token, { now: later })).rejects.toMatchObject({ name: 'AuthInvalidJwtError' })
    expect((await getClaims(auth, token, { now: later, allowExpired: true })).claims.sub).toBe(userId)
  })

  it.skipIf(realGotrue)('an unknown kid is not refetched within the cooldown; the server then decides (and refuses)', async () => {
    const { auth, token } = await signedIn(target)
    const rogue = await forged(token, 'ES256', 'rogue-kid')
    const jwks = count(target, '/.well-known/jwks.json')
    const users = count(target, '/user')
    for (let i = 0; i < 3; i++) {
      const error = await getClaims(auth, rogue).then(() => undefined, (reason: unknown) => reason)
      expect(isAuthApiError(error)).toBe(true)
    }
    expect(count(target, '/.well-known/jwks.json') - jwks).toBe(1)
    expect(count(target, '/user') - users).toBe(3)
  })

  it.skipIf(realGotrue)('refetches the key set after 10 minutes, and for an unknown kid once the 30 s cooldown is over', async () => {
    const { auth, token } = await signedIn(target)
    const rogue = await forged(token, 'ES256', 'rotated-kid')
    const jwks = () => count(target, '/.well-known/jwks.json')
    const start = jwks()
    const now = Date.now()
    await getClaims(auth, token, { now })
    expect(jwks() - start).toBe(1)
    await expect(getClaims(auth, rogue, { now: now + 10_000 })).rejects.toSatisfy(isAuthApiError)
    expect(jwks() - start).toBe(1) // within the cooldown
    await expect(getClaims(auth, rogue, { now: now + 31_000 })).rejects.toSatisfy(isAuthApiError)
    expect(jwks() - start).toBe(2) // cooldown over: one refetch
    await getClaims(auth, token, { now: now + 5 * 60_000 })
    expect(jwks() - start).toBe(2) // cached
    await getClaims(auth, token, { now: now + 11 * 60_000 })
    expect(jwks() - start).toBe(3) // older than 10 minutes
  })

  it.skipIf(realGotrue)('supplied keys are used instead of the JWKS endpoint; a kid not among them is refused', async () => {
    const { auth, token, userId } = await signedIn(target)
    const before = target.local!.requests.count()
    await expect(getClaims(auth, token, { jwks: { keys: [] } })).rejects.toMatchObject({ name: 'AuthInvalidJwtError' })
    const response = await fetch(`${target.url}/.well-known/jwks.json`)
    const published = (await response.json()) as { keys: [] }
    const afterFetch = target.local!.requests.count()
    expect((await getClaims(auth, token, { jwks: published })).claims.sub).toBe(userId)
    expect(afterFetch - before).toBe(1) // only the test's own fetch
    expect(target.local!.requests.count()).toBe(afterFetch)
  })

  it.skipIf(realGotrue)('a token naming another algorithm for a published key is not verified with it, and does not spoil the key', async () => {
    const { auth, token, userId } = await signedIn(target)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>
    const otherAlg = alg === 'ES256' ? 'RS256' : 'ES256'
    const confused = `${Buffer.from(JSON.stringify({ ...decodedHeader, alg: otherAlg })).toString('base64url')}.${payload}.${signature}`
    const error = await getClaims(auth, confused).then(() => undefined, (reason: unknown) => reason)
    expect(isAuthError(error)).toBe(true) // left to the server, which refuses it
    const users = count(target, '/user')
    expect((await getClaims(auth, token)).claims.sub).toBe(userId)
    expect(count(target, '/user')).toBe(users) // the right algorithm still verifies locally
  })

  it.skipIf(realGotrue)('a supplied key this runtime cannot import is refused as a typed error, not a crash', async () => {
    const { auth, token } = await signedIn(target)
    const kid = decodeJwt(token).header['kid'] as string
    const broken = { kid, kty: alg === 'ES256' ? 'EC' : 'RSA', crv: 'P-256', x: 'AAAA', y: 'AAAA', n: 'AAAA', e: 'AQAB' }
    await expect(getClaims(auth, token, { jwks: { keys: [broken] } })).rejects.toMatchObject({ name: 'AuthInvalidJwtError' })
  })

  it.skipIf(realGotrue)('an asymmetric algorithm it does not verify is refused, not passed to the server', async () => {
    const { auth, token } = await signedIn(target)
    const before = target.local!.requests.count()
    await expect(getClaims(auth, await forged(token, 'PS256', 'some-kid'))).rejects.toMatchObject({ name: 'AuthInvalidJwtError' })
    expect(target.local!.requests.count()).toBe(before)
  })
})
