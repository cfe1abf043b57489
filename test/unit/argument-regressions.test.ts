/**
 * Counterexamples the argument properties (`test/property/arguments.test.ts`) shrank to, kept as plain cases
 * with the arguments literally. Each is refused with a typed error before any request, or makes its request
 * and settles typed; none may reject with a `TypeError`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdminClient } from '../../src/admin/index.js'
import { signInAnonymously, unlinkIdentity } from '../../src/identities/index.js'
import { createAuthClient, memoryStorage, type AuthClient } from '../../src/index.js'
import { getClaims } from '../../src/jwt/index.js'
import { mfa } from '../../src/mfa/index.js'
import { oauth } from '../../src/oauth/index.js'
import { signInWithPasskey } from '../../src/webauthn/index.js'
import { fakeSession } from '../support/fake-session.js'
import { json, startTestServer, tokenBody, userBody, type TestServer } from '../support/http-test-server.js'
import { reauthenticate, resend } from '../../src/confirmations/index.js'

const EMAIL = 'ada@example.com'
const PASSWORD = 'correct-horse-battery'
const UUID = '00000000-0000-4000-8000-000000000000'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  server.handler = (request, res) => {
    if (request.path === '/passkeys/authentication/options') json(res, 200, { challenge_id: UUID, options: { challenge: 'Y2hhbGxlbmdl' }, expires_at: 1 })
    else if (request.path === '/user') json(res, 200, userBody())
    else json(res, 200, tokenBody())
  }
})

let clients = 0

async function signedIn(): Promise<AuthClient> {
  clients += 1
  const storageKey = `sb-arguments-${clients}-auth-token`
  const auth = createAuthClient({ url: server.url, apiKey: 'anon', storage: memoryStorage({ [storageKey]: JSON.stringify(fakeSession()) }), storageKey, autoRefreshToken: false })
  await auth.ready
  return auth
}

/** What a call came to: its error's class and code, or `resolved`. */
async function outcome(call: () => Promise<unknown>): Promise<{ name: string; code?: unknown }> {
  try {
    await call()
    return { name: 'resolved' }
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: unknown }).code }
  }
}

/** Arguments a caller without types could pass. */
const junk = <T,>(value: unknown): T => value as T

describe('options that are not objects are read as none', () => {
  it('signUp({ email, password, options: 1.5 }, []) signs up, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => auth.signUp(junk({ email: EMAIL, password: PASSWORD, options: 1.5 }), junk([])))).toEqual({ name: 'resolved' })
    auth.dispose()
  })

  it('signUp({ phone, password, options: "\\u0000" }) signs up, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => auth.signUp(junk({ phone: '+15550100', password: PASSWORD, options: '\u0000' })))).toEqual({ name: 'resolved' })
    auth.dispose()
  })

  it('signInWithOtp({ phone, options: "{}" }) sends the code, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => auth.signInWithOtp(junk({ phone: '+15550100', options: '{}' })))).toEqual({ name: 'resolved' })
    expect(server.requests.map((request) => request.body)).toMatchObject([{ phone: '+15550100', channel: 'sms' }])
    auth.dispose()
  })
})

describe('a signal that is not an AbortSignal is no signal', () => {
  it('resend(params, { timeout: 5000, signal: "{}" }) sends, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => resend(auth, { type: 'signup', email: EMAIL }, junk({ timeout: 5000, signal: '{}' })))).toEqual({ name: 'resolved' })
    auth.dispose()
  })

  it('reauthenticate({ timeout: 5000, signal: new Promise(() => {}) }) sends, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => reauthenticate(auth, junk({ timeout: 5000, signal: new Promise(() => {}) })))).toEqual({ name: 'resolved' })
    auth.dispose()
  })

  it('admin.listUsers(Float32Array.from([]), { signal: {} }) lists, not a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, { users: [], aud: 'authenticated' })
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    expect(await outcome(() => admin.listUsers(junk(Float32Array.from([])), junk({ signal: {} })))).toEqual({ name: 'resolved' })
  })
})

describe('companion entries', () => {
  it('signInWithPasskey with credentials that answer undefined (a Map) rejects with WebAuthnError, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => signInWithPasskey(auth, junk({ options: { credentials: new Map([]), captchaToken: undefined } })))).toMatchObject({ name: 'WebAuthnError' })
    auth.dispose()
  })

  it('createAuthClient({ url: "constructor" }) refuses with AuthInvalidCredentialsError, not a TypeError', () => {
    expect(() => createAuthClient({ url: 'constructor', apiKey: 'anon' })).toThrow(expect.objectContaining({ name: 'AuthInvalidCredentialsError' }))
  })
})

describe('ids that cannot be a URL path segment, and nulls where options go', () => {
  it('unlinkIdentity({ identity_id: "\\ud800", … }) is refused with AuthInvalidCredentialsError, not a URIError', async () => {
    const auth = await signedIn()
    const identity = { identity_id: '\ud800', id: UUID, user_id: UUID, provider: 'github', identity_data: {} }
    expect(await outcome(() => unlinkIdentity(auth, junk(identity)))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
    auth.dispose()
  })

  it('oauth.getAuthorizationDetails("\\ud800", { timeout: 5000 }) is refused with AuthInvalidCredentialsError, not a URIError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => oauth(auth).getAuthorizationDetails('\ud800', { timeout: 5000 }))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('admin.oauth.getClient("\\ud800") is refused with AuthInvalidCredentialsError, not a URIError', async () => {
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    expect(await outcome(() => admin.oauth.getClient('\ud800', { timeout: 5000 }))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
  })

  it('mfa.challenge({ factorId, channel: "sms", webauthn: null }) is refused with AuthInvalidCredentialsError, not a TypeError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => mfa(auth).challenge(junk({ factorId: UUID, channel: 'sms', webauthn: null }), { signal: new AbortController().signal }))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('admin.inviteUserByEmail(email, null, …) is refused with AuthInvalidCredentialsError, not a TypeError', async () => {
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    expect(await outcome(() => admin.inviteUserByEmail(EMAIL, junk(null), junk({ timeout: [], signal: new AbortController().signal })))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
  })

  it('admin.mfa.listFactors({ userId }, null) lists, not a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, [])
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    expect(await outcome(() => admin.mfa.listFactors({ userId: UUID }, junk(null)))).toEqual({ name: 'resolved' })
  })

  it('admin.sso.listProviders(null) lists, not a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, { items: [] })
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    expect(await outcome(() => admin.sso.listProviders(junk(null)))).toEqual({ name: 'resolved' })
  })
})

describe('the admin transport refuses what it cannot send, before sending', () => {
  const admin = () => createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })

  it('createUser({ email: 0n, … }) is refused with AuthInvalidCredentialsError and sends nothing', async () => {
    const attributes = { email: 0n, password: PASSWORD, email_confirm: true, user_metadata: new Set([]), app_metadata: {}, id: UUID }
    expect(await outcome(() => admin().createUser(junk(attributes), { timeout: 5000 }))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
  })

  it('generateLink({ …, options: { data: { a: 10n } } }) is refused with AuthInvalidCredentialsError and sends nothing', async () => {
    const params = { type: 'magiclink', email: EMAIL, options: { redirectTo: 'http://localhost:3000/welcome', data: { a: 10n } } }
    expect(await outcome(() => admin().generateLink(junk(params), { timeout: 5000 }))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
  })

  it('signOut(\'{"Ā":new Number(0)}\', "global") is refused with AuthInvalidCredentialsError and sends nothing', async () => {
    expect(await outcome(() => admin().signOut('{"Ā":new Number(0)}', 'global'))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
  })
})

/**
 * Found by the argument properties: the browser transport serialized the body and set the headers inside
 * `fetch`'s own try, so a body JSON cannot hold (a BigInt) or a header value HTTP cannot carry (a control
 * character, a character above U+00FF in a token) failed there and was reported as a retryable
 * `network_error` without a request: an app that retries network errors would retry forever. Now both are
 * checked before the request starts and refused with `AuthInvalidCredentialsError`.
 */
describe('the browser transport refuses what it cannot send, before sending', () => {
  it('updateUser({ data: [0n], … }) is refused with AuthInvalidCredentialsError, not a network_error', async () => {
    const auth = await signedIn()
    const attributes = { data: [0n], email: 'new@example.com', phone: '+15550101', nonce: '123456' }
    Object.defineProperty(attributes, '__proto__', { value: new Number(0), enumerable: true })
    expect(await outcome(() => auth.updateUser(junk(attributes)))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    expect(server.requests).toHaveLength(0)
    auth.dispose()
  })

  it('signInAnonymously({ options: { data: { theme: { "": { "": 0n } } } } }) is refused with AuthInvalidCredentialsError', async () => {
    const auth = await signedIn()
    expect(await outcome(() => signInAnonymously(auth, junk({ options: { data: { theme: { '': { '': 0n } } }, captchaToken: 't' } })))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('mfa.verify with a WebAuthn credential whose rawId is 10n is refused with AuthInvalidCredentialsError', async () => {
    const auth = await signedIn()
    const credential_response = { id: 'Y3JlZGVudGlhbA', rawId: 10n, type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'ZGF0YQ', signature: 'c2ln' }, clientExtensionResults: {} }
    const params = { factorId: UUID, challengeId: UUID, webauthn: { type: 'request', rpId: 'example.com', rpOrigins: ['https://example.com'], credential_response } }
    expect(await outcome(() => mfa(auth).verify(junk(params)))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('getUser("\\u0000") is refused with AuthInvalidCredentialsError, not a network_error', async () => {
    const auth = await signedIn()
    expect(await outcome(() => auth.getUser('\u0000'))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('getUser(\'{"Ā":new Number(0)}\') is refused with AuthInvalidCredentialsError, not a network_error', async () => {
    const auth = await signedIn()
    expect(await outcome(() => auth.getUser('{"Ā":new Number(0)}'))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })
})

/**
 * Found by the argument properties: `getClaims` computed `Math.floor(now / 1000)` from its `now` option
 * unchecked, so a `now` that is no number (here an object without a prototype) rejected with a TypeError.
 * Now a `now` that is not a finite number is refused with `AuthInvalidCredentialsError`, as are options that
 * are no object (`null` threw a TypeError too; found by a later run).
 */
describe('getClaims options', () => {
  it('getClaims(auth, jwt, null) rejects typed, not with a TypeError', async () => {
    const auth = await signedIn()
    const { session } = await auth.getSession()
    expect(await outcome(() => getClaims(auth, session?.access_token, junk(null)))).toMatchObject({ name: 'AuthInvalidCredentialsError' })
    auth.dispose()
  })

  it('getClaims(auth, jwt, { allowExpired: true, now: Object.create(null), timeout: 5000 }) rejects typed, not with a TypeError', async () => {
    const auth = await signedIn()
    const { session } = await auth.getSession()
    const result = await outcome(() => getClaims(auth, session?.access_token, junk({ allowExpired: true, now: Object.create(null), timeout: 5000 })))
    expect(result.name).toBe('AuthInvalidCredentialsError')
    auth.dispose()
  })
})
