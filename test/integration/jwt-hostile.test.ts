/**
 * Hostile tokens and key sets for `getClaims` against the local server (ES256 and RS256 projects, and HS256 for
 * the server-checked path), issue 13 §3. Every refusal is a typed `AuthError` that does not quote the token;
 * key-set fetches are counted at the server (`requests.count`) and stay within the 30 s cooldown whatever the
 * tokens say; hostile key sets are served by the server itself through a fault hook on its JWKS route, or by a
 * raw node:http server when the body must be streamed; URLs a token names (`jku`, `x5u`, a URL-shaped `kid`)
 * point at a raw server that counts, and is never asked. Local server only: faults and counts are its own.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdminClient } from '../../src/admin/index.js'
import { type AuthClient, createAuthClient, memoryStorage } from '../../src/index.js'
import { clearJwksCache, decodeJwt, getClaims } from '../../src/jwt/index.js'
import { JWKS_REFETCH_COOLDOWN_MS } from '../../src/jwt/jwks.js'
import { MAX_JWKS_BYTES, MAX_JWT_LENGTH } from '../../src/jwt/limits.js'
import { type AuthServer, startAuthServer } from '../../src/testing/index.js'
import { b64url, cpuMs, edited, segment, signRaw, typedRefusal } from '../support/hostile-jwt.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

const PASSWORD = 'correct-horse-battery'
const JWKS_PATH = '/.well-known/jwks.json'
const HOUR_MS = 3_600_000

interface Project {
  server: AuthServer
  auth: AuthClient
  token: string
  userId: string
}

let counter = 0
async function openProject(jwtAlgorithm: 'ES256' | 'RS256' | 'HS256'): Promise<Project> {
  const server = await startAuthServer({ jwtAlgorithm })
  const email = `hostile-${jwtAlgorithm.toLowerCase()}-${process.pid}-${(counter += 1)}@example.com`
  const { user } = await createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey }).createUser({ email, password: PASSWORD, email_confirm: true })
  const auth = createAuthClient({ url: server.url, apiKey: server.anonKey, storage: memoryStorage(), autoRefreshToken: false })
  const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
  return { server, auth, token: session.access_token, userId: user.id }
}

/** A raw server that counts every request made to it: the place `jku`, `x5u` and URL-shaped kids point at. */
let bystander: TestServer
let attacker: { privateKey: CryptoKey; publicJwk: JWK }
beforeAll(async () => {
  bystander = await startTestServer()
  bystander.handler = (_req, res) => json(res, 200, { keys: [] })
  const pair = await generateKeyPair('ES256', { extractable: true })
  attacker = { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey) }
})
afterAll(() => bystander.close())

/** The claims of `token`, re-signed by the attacker under `header` (the kid the attacker chooses). */
function forge(token: string, header: Record<string, unknown>): Promise<string> {
  return signRaw('ES256', attacker.privateKey, { alg: 'ES256', typ: 'JWT', ...header }, decodeJwt(token).payload)
}

describe.each(['ES256', 'RS256'] as const)('%s project', (alg) => {
  let project: Project
  let kid: string
  const jwksFetches = (): number => project.server.requests.count({ path: JWKS_PATH })
  const userChecks = (): number => project.server.requests.count({ path: '/user' })
  const allRequests = (): number => project.server.requests.count()

  beforeAll(async () => {
    project = await openProject(alg)
    kid = decodeJwt(project.token).header['kid'] as string
  })
  afterAll(async () => {
    project.auth.dispose()
    await project.server.close()
  })
  beforeEach(() => {
    clearJwksCache()
    project.server.faults.clear()
    project.server.requests.clear()
    bystander.requests.length = 0
  })

  it('control: the genuine token verifies locally with one key-set fetch', async () => {
    expect((await getClaims(project.auth, project.token)).claims.sub).toBe(project.userId)
    expect([jwksFetches(), userChecks()]).toEqual([1, 0])
  })

  it('alg none (the genuine claims, unsigned): refused before any request', async () => {
    for (const signature of ['', project.token.split('.')[2] as string]) {
      const token = `${edited(project.token, { header: (h) => ({ ...h, alg: 'none' }) }).split('.').slice(0, 2).join('.')}.${signature}`
      expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthInvalidJwtError', code: 'invalid_jwt' })
    }
    expect(allRequests()).toBe(0)
  })

  it('HS256 signed with the public key as the secret (algorithm confusion): refused by the server, key set never fetched', async () => {
    const jwk = ((await (await fetch(`${project.server.url}${JWKS_PATH}`)).json()) as { keys: JWK[] }).keys[0] as JWK
    project.server.requests.clear()
    const spki = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    const secrets = [JSON.stringify(jwk), spki.export({ type: 'spki', format: 'pem' }).toString(), spki.export({ type: 'spki', format: 'der' })]
    const { payload } = decodeJwt(project.token)
    let tokens = 0
    for (const secret of secrets) {
      const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret)
      for (const header of [{ alg: 'HS256', typ: 'JWT', kid }, { alg: 'HS256', typ: 'JWT' }]) {
        const token = await signRaw('HS256', bytes, header, payload)
        tokens += 1
        expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt', status: 403 })
      }
    }
    expect([jwksFetches(), userChecks()]).toEqual([0, tokens])
  })

  it('a tampered payload or header is refused; only a header naming another key or algorithm reaches the server', async () => {
    await getClaims(project.auth, project.token) // keys cached
    const cases: [string, string, string][] = [
      ['role raised', edited(project.token, { payload: (c) => ({ ...c, role: 'service_role' }) }), 'AuthInvalidJwtError'],
      ['aal raised', edited(project.token, { payload: (c) => ({ ...c, aal: 'aal2' }) }), 'AuthInvalidJwtError'],
      ['typ changed', edited(project.token, { header: (h) => ({ ...h, typ: 'JOSE' }) }), 'AuthInvalidJwtError'],
      ['jku added', edited(project.token, { header: (h) => ({ ...h, jku: `${bystander.url}/jwks.json` }) }), 'AuthInvalidJwtError'],
      ['alg swapped', edited(project.token, { header: (h) => ({ ...h, alg: alg === 'ES256' ? 'RS256' : 'ES256' }) }), 'AuthApiError'],
      ['kid swapped', edited(project.token, { header: (h) => ({ ...h, kid: 'another-kid' }) }), 'AuthApiError'],
    ]
    for (const [name, token, expected] of cases) {
      const refusal = await typedRefusal(getClaims(project.auth, token), token)
      expect(`${name}: ${refusal.name}`).toBe(`${name}: ${expected}`)
    }
    expect(userChecks()).toBe(2)
    expect(jwksFetches()).toBe(1)
    expect(bystander.requests).toHaveLength(0)
  })

  it('a crit header is refused before any request', async () => {
    const token = edited(project.token, { header: (h) => ({ ...h, crit: ['urn:evil'], 'urn:evil': 1 }) })
    expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'JWT header lists critical extensions' })
    expect(allRequests()).toBe(0)
  })

  it('expired: refused before any request (allowExpired still checks the signature)', async () => {
    const later = Date.now() + 2 * HOUR_MS
    expect(await typedRefusal(getClaims(project.auth, project.token, { now: later }), project.token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'JWT has expired' })
    expect(allRequests()).toBe(0)
    const tampered = edited(project.token, { payload: (c) => ({ ...c, exp: 1 }) })
    expect(await typedRefusal(getClaims(project.auth, tampered, { allowExpired: true }), tampered)).toMatchObject({ message: 'Invalid JWT signature' })
  })

  it('signatures of the wrong length: Invalid JWT signature, nothing sent to /user', async () => {
    const [h, p, s] = project.token.split('.') as [string, string, string]
    const raw = Buffer.from(s, 'base64url')
    expect(raw.length).toBe(alg === 'ES256' ? 64 : 256)
    for (const wrong of [raw.subarray(0, raw.length - 1), Buffer.concat([raw, Buffer.from([1])]), Buffer.alloc(0), Buffer.alloc(raw.length)]) {
      const token = `${h}.${p}.${b64url(wrong)}`
      expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
    }
    expect([jwksFetches(), userChecks()]).toEqual([1, 0])
  })

  it('kids that look like paths or URLs, or are 10,000 characters long: never fetched; the server refuses', async () => {
    const kids = ['../../../etc/passwd', '../jwks.json', 'http://evil/', `${bystander.url}/jwks.json`, `${project.server.url}${JWKS_PATH}`, 'k'.repeat(10_000)]
    for (const rogueKid of kids) {
      const token = await forge(project.token, { kid: rogueKid })
      expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
    }
    expect(jwksFetches()).toBe(1) // the first fetch; every later unknown kid is within the cooldown
    expect(userChecks()).toBe(kids.length)
    expect(bystander.requests).toHaveLength(0)
  })

  it('jku, x5u and an embedded jwk are ignored: the attacker\'s key set is never fetched, its key never used', async () => {
    const header = { jku: `${bystander.url}/jwks.json`, x5u: `${bystander.url}/cert.pem`, jwk: attacker.publicJwk, x5c: ['MIIB'] }
    const unknownKid = await forge(project.token, { ...header, kid: 'attacker-kid' })
    expect(await typedRefusal(getClaims(project.auth, unknownKid), unknownKid)).toMatchObject({ name: 'AuthApiError' })
    const knownKid = await forge(project.token, { ...header, alg, kid })
    expect(await typedRefusal(getClaims(project.auth, knownKid), knownKid)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
    expect(bystander.requests).toHaveLength(0)
    expect(jwksFetches()).toBe(1)
  })

  it('50 tokens with distinct unknown kids: one key-set fetch per cooldown window, at once or one by one', async () => {
    const rogues = await Promise.all(Array.from({ length: 50 }, (_, i) => forge(project.token, { kid: `rogue-${i}` })))
    const now = Date.now()
    const burst = async (at: number): Promise<void> => {
      const refusals = await Promise.all(rogues.map((t) => typedRefusal(getClaims(project.auth, t, { now: at }), t)))
      expect(new Set(refusals.map((r) => r.name))).toEqual(new Set(['AuthApiError']))
    }
    await burst(now)
    expect(jwksFetches()).toBe(1) // the first fetch, shared by all 50
    await burst(now + JWKS_REFETCH_COOLDOWN_MS + 1_000)
    expect(jwksFetches()).toBe(2) // cooldown over: one refetch for the whole burst
    for (const [i, t] of rogues.entries()) await typedRefusal(getClaims(project.auth, t, { now: now + JWKS_REFETCH_COOLDOWN_MS + 1_000 + i * 100 }), t)
    expect(jwksFetches()).toBe(2) // one by one, 5 s of them: still within that window
    for (const t of rogues) await typedRefusal(getClaims(project.auth, t, { now: now + 2 * JWKS_REFETCH_COOLDOWN_MS + 2_000 }), t)
    expect(jwksFetches()).toBe(3) // the next window: one more
    expect(userChecks()).toBe(200) // each unknown kid is the server's to judge
  })

  describe('hostile key sets (served by the project\'s JWKS route)', () => {
    /** Serves `keys` as the project's key set for every later fetch. */
    const serve = (body: unknown): void => {
      project.server.faults.add({ method: 'GET', path: JWKS_PATH, action: { status: 200, body } })
    }
    const attackerEntry = (extra: Partial<JWK>): JWK => ({ ...attacker.publicJwk, kid: 'planted', alg: 'ES256', ...extra })

    it.each<[string, Partial<JWK>]>([
      ['use "enc"', { use: 'enc' }],
      ['alg RS256 (not the token\'s ES256)', { alg: 'RS256' }],
      ['key_ops ["encrypt"]', { key_ops: ['encrypt'] }],
      ['kty RSA with EC members', { kty: 'RSA' }],
    ])('an entry with %s is not used to verify: the token goes to the server, which refuses it', async (_name, extra) => {
      serve({ keys: [attackerEntry(extra)] })
      const token = await forge(project.token, { kid: 'planted' })
      expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
      expect([jwksFetches(), userChecks()]).toEqual([1, 1])
    })

    it('control: the same planted key listed for signatures would verify (the entries above differ only in that)', async () => {
      serve({ keys: [attackerEntry({ use: 'sig', key_ops: ['verify'] })] })
      const token = await forge(project.token, { kid: 'planted' })
      expect((await getClaims(project.auth, token)).claims.sub).toBe(project.userId)
    })

    it('a symmetric entry (alg HS256, k) is never used: HS256 tokens go to the server, an HMAC as ES256 is refused', async () => {
      const secret = new TextEncoder().encode('secret-published-by-mistake')
      serve({ keys: [{ kty: 'oct', kid: 'oct-key', alg: 'HS256', k: b64url(secret) }, { kty: 'oct', kid: 'oct-bare', k: b64url(secret) }] })
      const { payload } = decodeJwt(project.token)
      const hs = await signRaw('HS256', secret, { alg: 'HS256', typ: 'JWT', kid: 'oct-key' }, payload)
      expect(await typedRefusal(getClaims(project.auth, hs), hs)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
      expect([jwksFetches(), userChecks()]).toEqual([0, 1])
      const mac = hs.split('.')[2] as string
      const disguised = `${segment({ alg: 'ES256', typ: 'JWT', kid: 'oct-bare' })}.${hs.split('.')[1]}.${mac}`
      expect(await typedRefusal(getClaims(project.auth, disguised), disguised)).toMatchObject({ name: 'AuthApiError' })
      expect([jwksFetches(), userChecks()]).toEqual([1, 2])
    })

    it('5,000 keys with the project\'s own key last: one fetch, verified locally', async () => {
      const published = ((await (await fetch(`${project.server.url}${JWKS_PATH}`)).json()) as { keys: JWK[] }).keys
      project.server.requests.clear()
      // EC filler for both projects: 5,000 RSA keys (~2.3 MB) would pass the 2 MiB bound, tested below.
      const keys = [...Array.from({ length: 4_999 }, (_, i) => attackerEntry({ kid: `filler-${i}` })), ...published]
      expect(JSON.stringify({ keys }).length).toBeLessThan(MAX_JWKS_BYTES)
      serve({ keys })
      const first = await cpuMs(() => getClaims(project.auth, project.token))
      const rest = await cpuMs(async () => {
        for (let i = 0; i < 20; i++) await getClaims(project.auth, project.token)
      })
      expect(first.value.claims.sub).toBe(project.userId)
      expect([jwksFetches(), userChecks()]).toEqual([1, 0])
      console.log(`[jwt-hostile] ${alg}: 5,000-key set fetched and verified in ${first.ms.toFixed(1)} ms CPU; 20 more verifications ${rest.ms.toFixed(1)} ms`)
    })

    it('a key set of 8 MB: typed error, one fetch; within the cooldown tokens go to the server; then one refetch', async () => {
      const now = Date.now()
      const remove = project.server.faults.add({ method: 'GET', path: JWKS_PATH, action: { status: 200, body: { keys: [], padding: 'x'.repeat(8 * 1024 * 1024) } } })
      const refusal = await typedRefusal(getClaims(project.auth, project.token, { now }), project.token)
      expect(refusal).toMatchObject({ name: 'AuthInvalidTokenResponseError', code: 'invalid_token_response', message: `JWKS response is larger than ${MAX_JWKS_BYTES} bytes` })
      for (let i = 1; i <= 3; i++) expect((await getClaims(project.auth, project.token, { now: now + i * 1_000 })).claims.sub).toBe(project.userId)
      expect([jwksFetches(), userChecks()]).toEqual([1, 3])
      remove()
      await getClaims(project.auth, project.token, { now: now + JWKS_REFETCH_COOLDOWN_MS })
      expect([jwksFetches(), userChecks()]).toEqual([2, 3]) // refetched, verified locally again
    })

    it('a failing key-set endpoint is not asked again within the cooldown, whatever kids the tokens name', async () => {
      project.server.faults.add({ method: 'GET', path: JWKS_PATH, action: { status: 500, body: { code: 500, msg: 'boom' } } })
      const now = Date.now()
      expect(await typedRefusal(getClaims(project.auth, project.token, { now }), project.token)).toMatchObject({ name: 'AuthRetryableFetchError', status: 500 })
      for (let i = 0; i < 10; i++) {
        const token = await forge(project.token, { kid: `during-outage-${i}` })
        await typedRefusal(getClaims(project.auth, token, { now: now + i * 1_000 }), token)
      }
      expect([jwksFetches(), userChecks()]).toEqual([1, 10])
    })

    it.each<[string, unknown]>([
      ['keys not an array', { keys: 'all of them' }],
      ['a key that is not an object', { keys: [null] }],
      ['an array at the top', [{ kid: 'x' }]],
    ])('a malformed key set (%s): AuthInvalidTokenResponseError', async (_name, body) => {
      serve(body)
      expect(await typedRefusal(getClaims(project.auth, project.token), project.token)).toMatchObject({ name: 'AuthInvalidTokenResponseError' })
    })
  })
})

describe('a key set that never ends (raw node:http project, chunked, no Content-Length)', () => {
  let raw: TestServer
  let auth: AuthClient
  let written = 0
  let closed: Promise<void>
  beforeAll(async () => {
    raw = await startTestServer('/auth/v1')
    auth = createAuthClient({ url: raw.url, apiKey: 'anon-key', storage: memoryStorage(), autoRefreshToken: false })
  })
  afterAll(async () => {
    auth.dispose()
    await raw.close()
  })

  /** Writes 64 KiB chunks for as long as the client reads, honouring backpressure. */
  function endless(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    res.write('{"keys":[')
    closed = new Promise((resolve) => res.on('close', () => resolve()))
    const pump = (): void => {
      while (!res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
    }
    pump()
  }

  it('is read up to 2 MiB, then cut: typed error, the stream closed, and no second fetch within the cooldown', async () => {
    clearJwksCache()
    raw.handler = (req, res) => (req.path === JWKS_PATH ? endless(res) : json(res, 403, { code: 403, error_code: 'bad_jwt', msg: 'invalid JWT' }))
    const now = Math.floor(Date.now() / 1000)
    const token = await signRaw('ES256', attacker.privateKey, { alg: 'ES256', kid: 'any' }, { sub: 'x', exp: now + 60 })
    const { value: refusal, ms } = await cpuMs(() => typedRefusal(getClaims(auth, token), token))
    expect(refusal).toMatchObject({ name: 'AuthInvalidTokenResponseError', message: `JWKS response is larger than ${MAX_JWKS_BYTES} bytes` })
    await closed // the client hung up: without the bound it would read until its 10 s timeout
    expect(written).toBeLessThan(64 * 1024 * 1024) // what the socket buffers took, not an endless stream
    expect(await typedRefusal(getClaims(auth, token), token)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
    expect(raw.requests.map((r) => r.path)).toEqual([JWKS_PATH, '/user'])
    console.log(`[jwt-hostile] endless key set cut after ${(written / 1024 / 1024).toFixed(1)} MiB written by the server, ${ms.toFixed(1)} ms CPU`)
  })
})

describe('HS256 project: the server decides, and a refusal is typed', () => {
  let project: Project
  beforeAll(async () => {
    project = await openProject('HS256')
  })
  afterAll(async () => {
    project.auth.dispose()
    await project.server.close()
  })
  beforeEach(() => {
    clearJwksCache()
    project.server.faults.clear()
    project.server.requests.clear()
  })

  it('a token signed with another secret: AuthApiError bad_jwt (403), key set never fetched', async () => {
    const token = await signRaw('HS256', new TextEncoder().encode('guessed-secret'), { alg: 'HS256', typ: 'JWT' }, decodeJwt(project.token).payload)
    expect(await typedRefusal(getClaims(project.auth, token), token)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt', status: 403 })
    expect(project.server.requests.count({ path: JWKS_PATH })).toBe(0)
  })

  it.each<[string, { status: number; body?: unknown }, string]>([
    ['401 no_authorization', { status: 401, body: { code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a valid Bearer token' } }, 'AuthApiError'],
    ['401 without a body', { status: 401 }, 'AuthApiError'],
    ['403 session_not_found', { status: 403, body: { code: 403, error_code: 'session_not_found', msg: 'Session from session_id claim in JWT does not exist' } }, 'AuthSessionMissingError'],
    ['200 with a body that is not a user', { status: 200, body: { id: 42 } }, 'AuthInvalidTokenResponseError'],
  ])('the server check says %s: %s, never accepted', async (_name, action, name) => {
    project.server.faults.add({ method: 'GET', path: '/user', action })
    const refusal = await typedRefusal(getClaims(project.auth, project.token), project.token)
    expect(refusal.name).toBe(name)
  })

  it('the genuine HS256 token with an unsigned alg or a jku: refused locally, or checked by the server only', async () => {
    const none = `${edited(project.token, { header: (h) => ({ ...h, alg: 'none' }) }).split('.').slice(0, 2).join('.')}.`
    expect(await typedRefusal(getClaims(project.auth, none), none)).toMatchObject({ name: 'AuthInvalidJwtError' })
    expect(project.server.requests.count()).toBe(0)
    const withJku = edited(project.token, { header: (h) => ({ ...h, jku: `${bystander.url}/jwks.json` }) })
    expect(await typedRefusal(getClaims(project.auth, withJku), withJku)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
    expect(bystander.requests).toHaveLength(0)
  })

  it('a 4 MB token: refused by length, nothing sent', async () => {
    const [h, p] = project.token.split('.') as [string, string]
    const token = `${h}.${p}.${'A'.repeat(4 * 1024 * 1024)}`
    const { value: refusal, ms } = await cpuMs(() => typedRefusal(getClaims(project.auth, token), token))
    expect(refusal).toMatchObject({ name: 'AuthInvalidJwtError', message: `JWT is longer than ${MAX_JWT_LENGTH} characters` })
    expect(project.server.requests.count()).toBe(0)
    console.log(`[jwt-hostile] HS256: 4 MB token refused in ${ms.toFixed(2)} ms CPU`)
  })
})
