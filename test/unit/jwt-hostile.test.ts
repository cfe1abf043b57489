/**
 * Hostile tokens and key sets for `getClaims`, with the keys passed in (`options.jwks`): every check that needs
 * no GoTrue. The "project" is a raw node:http server that records every request, so each refusal also proves
 * nothing was fetched (no `jku`, no `x5u`, no URL-shaped `kid`); only shared-secret tokens reach it, and it
 * refuses them. Plus the bounded body reader behind the JWKS fetch.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type AuthClient, createAuthClient, memoryStorage } from '../../src/index.js'
import { getClaims } from '../../src/jwt/index.js'
import { MAX_JWKS_BYTES, MAX_JWT_LENGTH, readAtMost } from '../../src/jwt/limits.js'
import { b64url, cpuMs, edited, segment, signRaw, typedRefusal } from '../support/hostile-jwt.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

const NOW_S = Math.floor(Date.now() / 1000)
const CLAIMS = { sub: '6f1d1c4e-3a43-4a8e-9d0f-5b7f2a4c9e11', role: 'authenticated', aud: 'authenticated', iat: NOW_S, exp: NOW_S + 3600 }
const KID = 'key-1'

let project: TestServer
let auth: AuthClient
let signer: CryptoKey
let publicJwk: JWK
let jwks: { keys: JWK[] }
let attacker: { privateKey: CryptoKey; publicJwk: JWK }

beforeAll(async () => {
  project = await startTestServer('/auth/v1')
  auth = createAuthClient({ url: project.url, apiKey: 'anon-key', storage: memoryStorage(), autoRefreshToken: false })
  const pair = await generateKeyPair('ES256', { extractable: true })
  signer = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig', key_ops: ['verify'] }
  jwks = { keys: [publicJwk] }
  const rogue = await generateKeyPair('ES256', { extractable: true })
  attacker = { privateKey: rogue.privateKey, publicJwk: await exportJWK(rogue.publicKey) }
})
afterAll(async () => {
  auth.dispose()
  await project.close()
})
beforeEach(() => {
  project.requests.length = 0
  // GoTrue's answer to a token it cannot verify.
  project.handler = (_req, res) => json(res, 403, { code: 403, error_code: 'bad_jwt', msg: 'invalid JWT: unable to parse or verify signature' })
})

const sign = (header: Record<string, unknown>, payload: unknown = CLAIMS): Promise<string> => signRaw('ES256', signer, { alg: 'ES256', typ: 'JWT', kid: KID, ...header }, payload)

/** The refusal of `token` checked with the supplied keys, and that the project server heard nothing. */
async function refusedLocally(token: string, keys: { keys: JWK[] } = jwks) {
  const refusal = await typedRefusal(getClaims(auth, token, { jwks: keys }), token)
  expect(project.requests.map((r) => r.path)).toEqual([])
  return refusal
}

it('control: a well-formed token signed by the supplied key verifies, without a request', async () => {
  const { claims } = await getClaims(auth, await sign({}), { jwks })
  expect(claims.sub).toBe(CLAIMS.sub)
  expect(project.requests).toHaveLength(0)
})

describe('malformed tokens: AuthInvalidJwtError, nothing sent', () => {
  const h = segment({ alg: 'ES256', kid: KID })
  const p = segment(CLAIMS)
  it.each([
    ['empty', ''],
    ['one segment', h],
    ['two segments', `${h}.${p}`],
    ['four segments', `${h}.${p}.c2ln.c2ln`],
    ['bad base64url in the header', `${h.slice(0, -2)}*!.${p}.c2ln`],
    ['standard base64 alphabet in the payload', `${h}.${p}+/.c2ln`],
    ['an impossible base64url length', `${h}.${p}x.c2ln`],
    ['padding in the signature', `${h}.${p}.c2ln==`],
    ['header JSON an array', `${segment([{ alg: 'ES256' }])}.${p}.c2ln`],
    ['header JSON a string', `${segment('ES256')}.${p}.c2ln`],
    ['header JSON null', `${segment(null)}.${p}.c2ln`],
    ['payload JSON a number', `${h}.${segment(42)}.c2ln`],
    ['payload not JSON', `${h}.${b64url('{"sub":')}.c2ln`],
    ['payload invalid UTF-8', `${h}.${b64url(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]))}.c2ln`],
    ['exp a string', `${h}.${segment({ ...CLAIMS, exp: String(CLAIMS.exp) })}.c2ln`],
    ['exp null', `${h}.${segment({ ...CLAIMS, exp: null })}.c2ln`],
    ['exp an array', `${h}.${segment({ ...CLAIMS, exp: [CLAIMS.exp] })}.c2ln`],
    ['exp true', `${h}.${segment({ ...CLAIMS, exp: true })}.c2ln`],
    ['exp 1e400 (Infinity once parsed)', `${h}.${b64url(`{"sub":"x","exp":1e400}`)}.c2ln`],
    ['nbf an object', `${h}.${segment({ ...CLAIMS, nbf: { at: 1 } })}.c2ln`],
    ['iat a string', `${h}.${segment({ ...CLAIMS, iat: 'now' })}.c2ln`],
    ['sub a number', `${h}.${segment({ ...CLAIMS, sub: 7 })}.c2ln`],
  ])('%s', async (_name, token) => {
    expect(await refusedLocally(token)).toMatchObject({ name: 'AuthInvalidJwtError', code: 'invalid_jwt' })
  })
})

describe('algorithms', () => {
  it.each([
    ['alg none, empty signature', { alg: 'none' }, ''],
    ['alg none with a kid', { alg: 'none', kid: KID }, ''],
    ['alg None', { alg: 'None' }, ''],
    ['no alg at all', {}, 'c2ln'],
    ['alg a number', { alg: 256, kid: KID }, 'c2ln'],
    ['alg PS256 (asymmetric, not GoTrue\'s)', { alg: 'PS256', kid: KID }, 'c2ln'],
    ['alg ES512', { alg: 'ES512', kid: KID }, 'c2ln'],
  ])('%s: refused without asking the server', async (_name, header, signature) => {
    const token = `${segment(header)}.${segment(CLAIMS)}.${signature}`
    const refusal = await refusedLocally(token)
    expect(refusal).toMatchObject({ name: 'AuthInvalidJwtError', code: 'invalid_jwt' })
    expect(refusal.message).toMatch(/^Unsupported JWT algorithm/)
  })

  it('an ES256 token without a kid is refused when keys are supplied (not sent to the server)', async () => {
    const token = await signRaw('ES256', signer, { alg: 'ES256', typ: 'JWT' }, CLAIMS)
    expect(await refusedLocally(token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'JWT has no kid to find its key by' })
  })

  it('HS256 made with the public key as the secret (algorithm confusion) goes to the server, which refuses it', async () => {
    for (const secret of [JSON.stringify(publicJwk), `${publicJwk.x}${publicJwk.y}`]) {
      const token = await signRaw('HS256', new TextEncoder().encode(secret), { alg: 'HS256', typ: 'JWT', kid: KID }, CLAIMS)
      project.requests.length = 0
      const refusal = await typedRefusal(getClaims(auth, token, { jwks }), token)
      expect(refusal).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt', status: 403 })
      expect(project.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user'])
    }
  })

  it('an HS256 token the server answers 401 for is an AuthApiError, never accepted', async () => {
    project.handler = (_req, res) => json(res, 401, { code: 401, error_code: 'no_authorization', msg: 'This endpoint requires a valid Bearer token' })
    const token = await signRaw('HS256', new TextEncoder().encode('not-the-secret'), { alg: 'HS256', typ: 'JWT' }, CLAIMS)
    expect(await typedRefusal(getClaims(auth, token), token)).toMatchObject({ name: 'AuthApiError', status: 401, code: 'no_authorization' })
    expect(project.requests).toHaveLength(1)
  })
})

describe('header parameters', () => {
  it.each([
    ['crit naming an unknown extension', { crit: ['https://evil/ext'], 'https://evil/ext': true }],
    ['crit b64 (RFC 7797 unencoded payload)', { crit: ['b64'], b64: false }],
    ['crit empty', { crit: [] }],
  ])('%s: refused although the signature is good', async (_name, header) => {
    expect(await refusedLocally(await sign(header))).toMatchObject({ name: 'AuthInvalidJwtError', message: 'JWT header lists critical extensions' })
  })

  it('jku, x5u, x5c and an embedded jwk are ignored: the attacker\'s key is never fetched nor used', async () => {
    const header = {
      kid: 'attacker-key',
      jku: `${project.url}/attacker/jwks.json`,
      x5u: `${project.url}/attacker/cert.pem`,
      jwk: attacker.publicJwk,
      x5c: ['MIIB'],
    }
    const unknownKid = await signRaw('ES256', attacker.privateKey, { alg: 'ES256', ...header }, CLAIMS)
    expect(await refusedLocally(unknownKid)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'No usable key in the supplied JWKS matches the JWT' })
    // The project's kid with the attacker's signature and key: verified against the project's key, so refused.
    const knownKid = await signRaw('ES256', attacker.privateKey, { alg: 'ES256', ...header, kid: KID }, CLAIMS)
    expect(await refusedLocally(knownKid)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
    // A kid that is the URL of a key set the project server would serve: a map key, not an address.
    const urlKid = await signRaw('ES256', attacker.privateKey, { alg: 'ES256', ...header, kid: `${project.url}/attacker/jwks.json` }, CLAIMS)
    expect(await refusedLocally(urlKid)).toMatchObject({ name: 'AuthInvalidJwtError' })
  })

  it.each([
    ['a relative path', '../../../etc/passwd'],
    ['an absolute path', '/.well-known/jwks.json'],
    ['a URL', 'http://evil/'],
    ['a very long string', 'k'.repeat(10_000)],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['NUL and newlines', 'a\u0000b\r\nc'],
  ])('kid that is %s: looked up as a plain string, not found, nothing fetched', async (_name, kid) => {
    const refusal = await refusedLocally(await sign({ kid }))
    expect(refusal).toMatchObject({ name: 'AuthInvalidJwtError', message: 'No usable key in the supplied JWKS matches the JWT' })
    expect(refusal.message).not.toContain(kid.slice(0, 20))
  })

  it('a kid of "__proto__" is an ordinary key id when the key set lists it', async () => {
    const { claims } = await getClaims(auth, await sign({ kid: '__proto__' }), { jwks: { keys: [{ ...publicJwk, kid: '__proto__' }] } })
    expect(claims.sub).toBe(CLAIMS.sub)
  })
})

describe('a key set entry that disagrees with the token is never used', () => {
  let rsaJwk: JWK
  let p384Jwk: JWK
  beforeAll(async () => {
    rsaJwk = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: KID }
    p384Jwk = { ...(await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)), kid: KID }
  })

  // Each of these lists the signer's own public key (or the kid's key) in a way that forbids this use.
  it.each<[string, () => JWK]>([
    ['alg RS256 on the EC key', () => ({ ...publicJwk, alg: 'RS256' })],
    ['alg HS256 on the EC key', () => ({ ...publicJwk, alg: 'HS256' })],
    ['use "enc"', () => ({ ...publicJwk, use: 'enc' })],
    ['key_ops without verify', () => ({ ...publicJwk, key_ops: ['encrypt'] })],
    ['key_ops not an array', () => ({ ...publicJwk, key_ops: 'verify' as unknown as string[] })],
    ['kty RSA (an RSA key under the kid)', () => rsaJwk],
    ['kty EC on curve P-384', () => p384Jwk],
    ['kty oct with the x coordinate as k', () => ({ kty: 'oct', kid: KID, k: publicJwk.x as string })],
    ['no kty', () => ({ ...publicJwk, kty: undefined as unknown as string })],
  ])('%s', async (_name, entry) => {
    const refusal = await refusedLocally(await sign({}), { keys: [entry()] })
    expect(refusal).toMatchObject({ name: 'AuthInvalidJwtError', message: 'No usable key in the supplied JWKS matches the JWT' })
  })

  it('a private key listed in the set is not used, though it could verify', async () => {
    const withPrivate = { ...(await exportJWK(signer)), kid: KID, alg: 'ES256' }
    expect(withPrivate.d).toBeDefined()
    expect(await refusedLocally(await sign({}), { keys: [withPrivate] })).toMatchObject({ name: 'AuthInvalidJwtError' })
  })

  it('a symmetric key in the set is never used: HS256 goes to the server, an HMAC under ES256 is refused', async () => {
    const secret = new TextEncoder().encode('symmetric-secret-in-jwks')
    const octSet = { keys: [{ kty: 'oct', kid: KID, alg: 'HS256', k: b64url(secret) }] }
    const hs = await signRaw('HS256', secret, { alg: 'HS256', typ: 'JWT', kid: KID }, CLAIMS)
    expect(await typedRefusal(getClaims(auth, hs, { jwks: octSet }), hs)).toMatchObject({ name: 'AuthApiError', code: 'bad_jwt' })
    expect(project.requests.map((r) => r.path)).toEqual(['/user'])
    project.requests.length = 0
    // The same HMAC bytes presented as an ES256 signature, against the same key without `alg`.
    const [, , mac] = hs.split('.')
    const disguised = `${segment({ alg: 'ES256', typ: 'JWT', kid: KID })}.${segment(CLAIMS)}.${mac}`
    const noAlg = { keys: [{ kty: 'oct', kid: KID, k: b64url(secret) }] }
    expect(await refusedLocally(disguised, noAlg)).toMatchObject({ name: 'AuthInvalidJwtError' })
  })

  it('control: the bare key (kty, crv, x, y, kid; no alg, use or key_ops) verifies', async () => {
    const { kty, crv, x, y } = publicJwk
    const { claims } = await getClaims(auth, await sign({}), { jwks: { keys: [{ kty, crv, x, y, kid: KID } as JWK] } })
    expect(claims.sub).toBe(CLAIMS.sub)
  })
})

describe('signatures and payloads', () => {
  it.each<[string, (sig: Buffer) => Buffer]>([
    ['empty', () => Buffer.alloc(0)],
    ['one byte short (63)', (s) => s.subarray(0, 63)],
    ['one byte long (65)', (s) => Buffer.concat([s, Buffer.from([0])])],
    ['doubled (128)', (s) => Buffer.concat([s, s])],
    ['all zeros (r = s = 0, "psychic signature")', () => Buffer.alloc(64)],
    ['DER-encoded instead of r||s', (s) => der(s)],
    ['one bit flipped', (s) => Buffer.from(s.map((b, i) => (i === 10 ? b ^ 1 : b)))],
  ])('an ES256 signature %s: Invalid JWT signature', async (_name, change) => {
    const [h, p, s] = (await sign({})).split('.') as [string, string, string]
    const token = `${h}.${p}.${b64url(change(Buffer.from(s, 'base64url')))}`
    expect(await refusedLocally(token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
  })

  it.each<[string, Parameters<typeof edited>[1]]>([
    ['payload: role raised', { payload: (c) => ({ ...c, role: 'service_role' }) }],
    ['payload: exp pushed out', { payload: (c) => ({ ...c, exp: (c['exp'] as number) + 86_400 }) }],
    ['header: typ changed', { header: (h) => ({ ...h, typ: 'at+jwt' }) }],
    ['header: jwk added', { header: (h) => ({ ...h, jwk: attacker.publicJwk }) }],
  ])('tampered %s: Invalid JWT signature', async (_name, change) => {
    const token = edited(await sign({}), change)
    expect(await refusedLocally(token)).toMatchObject({ name: 'AuthInvalidJwtError', message: 'Invalid JWT signature' })
  })
})

describe('times', () => {
  it.each([
    ['expired a second ago', { exp: NOW_S - 1 }, 'JWT has expired'],
    ['expiring now', { exp: NOW_S }, 'JWT has expired'],
    ['no exp', { exp: undefined }, 'JWT has expired'],
    ['exp hugely negative', { exp: -1e308 }, 'JWT has expired'],
    ['not valid for another minute', { nbf: NOW_S + 60 }, 'JWT is not valid yet'],
    ['nbf at the end of doubles', { nbf: Number.MAX_VALUE }, 'JWT is not valid yet'],
  ])('%s (well signed): refused', async (_name, change, message) => {
    const token = await sign({}, { ...CLAIMS, ...change })
    expect(await refusedLocally(token)).toMatchObject({ name: 'AuthInvalidJwtError', message })
  })

  it('huge but finite exp and iat in a well-signed token are taken as they are (nothing overflows)', async () => {
    const { claims } = await getClaims(auth, await sign({}, { ...CLAIMS, exp: Number.MAX_VALUE, iat: 1e300, nbf: -1e300 }), { jwks, now: Date.now() })
    expect(claims.exp).toBe(Number.MAX_VALUE)
  })
})

describe('size bounds', () => {
  it(`a token of ${MAX_JWT_LENGTH} characters is verified; one more is refused before decoding`, async () => {
    const padded = (pad: number): Promise<string> => sign({}, { ...CLAIMS, pad: 'x'.repeat(pad) })
    // base64url turns 3 bytes into 4 characters: start a little under the bound and grow one byte at a time.
    let pad = Math.floor(((MAX_JWT_LENGTH - (await padded(0)).length) * 3) / 4) - 4
    let within = await padded(pad)
    let over = within
    while (over.length <= MAX_JWT_LENGTH) {
      within = over
      pad += 1
      over = await padded(pad)
    }
    expect(within.length).toBeGreaterThanOrEqual(MAX_JWT_LENGTH - 2)
    expect(within.length).toBeLessThanOrEqual(MAX_JWT_LENGTH)
    expect((await getClaims(auth, within, { jwks })).claims.sub).toBe(CLAIMS.sub)
    expect(await refusedLocally(over)).toMatchObject({ name: 'AuthInvalidJwtError', message: `JWT is longer than ${MAX_JWT_LENGTH} characters` })
  })

  it('a 4 MB token is refused by its length alone: not decoded, not verified, not sent', async () => {
    // A header that is not base64url: any decoding would fail with a different message.
    const token = `*${'A'.repeat(2 * 1024 * 1024)}.${segment(CLAIMS)}.${'B'.repeat(2 * 1024 * 1024)}`
    const { value: refusal, ms } = await cpuMs(() => refusedLocally(token))
    expect(refusal).toMatchObject({ name: 'AuthInvalidJwtError', message: `JWT is longer than ${MAX_JWT_LENGTH} characters` })
    // Also without supplied keys: the server is not asked.
    await typedRefusal(getClaims(auth, token), token)
    expect(project.requests).toHaveLength(0)
    console.log(`[jwt-hostile] 4 MB token refused in ${ms.toFixed(2)} ms CPU`)
  })

  it('5,000 supplied keys with the right one last: verified, and indexed once for later calls', async () => {
    const filler = Array.from({ length: 4_999 }, (_, i) => ({ ...attacker.publicJwk, kid: `filler-${i}`, alg: 'ES256' }))
    const many = { keys: [...filler, publicJwk] }
    const token = await sign({})
    const first = await cpuMs(() => getClaims(auth, token, { jwks: many }))
    const again = await cpuMs(() => getClaims(auth, token, { jwks: many }))
    expect(first.value.claims.sub).toBe(CLAIMS.sub)
    expect(again.value.claims.sub).toBe(CLAIMS.sub)
    expect(project.requests).toHaveLength(0)
    console.log(`[jwt-hostile] 5,000 supplied keys: first call ${first.ms.toFixed(1)} ms CPU, second ${again.ms.toFixed(1)} ms`)
  })
})

describe('readAtMost (the JWKS body reader)', () => {
  const encoder = new TextEncoder()
  /** A body of `chunks` chunks of `size` bytes, counting how many were pulled and whether it was cancelled. */
  function counted(chunks: number, size: number) {
    const state = { pulled: 0, cancelled: false }
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled === chunks) return controller.close()
        state.pulled += 1
        controller.enqueue(new Uint8Array(size).fill(0x20))
      },
      cancel() {
        state.cancelled = true
      },
    })
    return { stream, state }
  }

  it('returns a body within the limit, multi-byte characters split across chunks intact', async () => {
    const bytes = encoder.encode('{"keys":["zoë 🚀"]}')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.subarray(i, i + 3))
        controller.close()
      },
    })
    expect(await readAtMost(new Response(stream), bytes.length)).toBe('{"keys":["zoë 🚀"]}')
  })

  it('stops at the limit on an endless body and cancels it', async () => {
    const { stream, state } = counted(Number.POSITIVE_INFINITY, 64 * 1024)
    expect(await readAtMost(new Response(stream), MAX_JWKS_BYTES)).toBeUndefined()
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThanOrEqual(MAX_JWKS_BYTES / (64 * 1024) + 2)
  })

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const { stream, state } = counted(4, 1024)
    const response = new Response(stream, { headers: { 'Content-Length': String(MAX_JWKS_BYTES + 1) } })
    expect(await readAtMost(response, MAX_JWKS_BYTES)).toBeUndefined()
    expect(state.pulled).toBeLessThanOrEqual(1) // a stream may pre-pull its first chunk; nothing is read
    expect(state.cancelled).toBe(true)
  })

  it('reads a body of exactly the limit; one byte more is refused', async () => {
    expect((await readAtMost(new Response(counted(4, 256).stream), 1024))?.length).toBe(1024)
    expect(await readAtMost(new Response(counted(5, 205).stream), 1024)).toBeUndefined()
  })
})

/** An r||s ECDSA signature as ASN.1 DER (what some libraries emit, and JWS forbids). */
function der(raw: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let v = b
    while (v.length > 1 && v[0] === 0 && (v[1] ?? 0) < 0x80) v = v.subarray(1)
    if ((v[0] ?? 0) >= 0x80) v = Buffer.concat([Buffer.from([0]), v])
    return Buffer.concat([Buffer.from([0x02, v.length]), v])
  }
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))])
  return Buffer.concat([Buffer.from([0x30, body.length]), body])
}
