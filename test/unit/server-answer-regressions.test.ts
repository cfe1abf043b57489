/**
 * Counterexamples the server-answer properties (`test/property/server-answers.test.ts`) shrank to, kept as
 * plain cases: each names the answer, and gives the body the property found, literally.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAdminClient } from '../../src/admin/index.js'
import { linkIdentity } from '../../src/identities/index.js'
import { createAuthClient, memoryStorage, type AuthClient } from '../../src/index.js'
import { mfa } from '../../src/mfa/index.js'
import type { AuthChangeEvent } from '../../src/types.js'
import { passkey, webauthn, type CredentialsLike } from '../../src/webauthn/index.js'
import { fakeSession } from '../support/fake-session.js'
import { json, startTestServer, tokenBody, userBody, type TestServer } from '../support/http-test-server.js'

const FACTOR_ID = '5f0e9d8c-7b6a-4958-8f7e-6d5c4b3a2910'
const CHALLENGE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
})

let clients = 0

/** A client signed in from storage (no request), recording the events it announces. */
async function signedIn(): Promise<{ auth: AuthClient; events: AuthChangeEvent[] }> {
  clients += 1
  const storageKey = `sb-regression-${clients}-auth-token`
  const auth = createAuthClient({ url: server.url, apiKey: 'anon', storage: memoryStorage({ [storageKey]: JSON.stringify(fakeSession()) }), storageKey, autoRefreshToken: false })
  const events: AuthChangeEvent[] = []
  auth.events$.subscribe(({ event }) => events.push(event))
  await auth.ready
  return { auth, events }
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; code: unknown; status: unknown }> {
  try {
    await promise
  } catch (error) {
    const { name, code, status } = error as { name: string; code: unknown; status: unknown }
    return { name, code, status }
  }
  throw new Error('expected a rejection')
}

const agreeable: CredentialsLike = {
  create: async () => null,
  get: async () => null,
}

describe('answers that are no verdict on the session keep it', () => {
  it('a refresh answered 429 naming refresh_token_not_found keeps the session', async () => {
    server.handler = (_req, res) => json(res, 429, { code: 429, error_code: 'refresh_token_not_found', msg: '' }, { 'Content-Type': 'application/json; charset=utf-8' })
    const { auth, events } = await signedIn()
    expect(await failure(auth.refreshSession())).toMatchObject({ name: 'AuthApiError', status: 429, code: 'refresh_token_not_found' })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(events).not.toContain('SIGNED_OUT')
    auth.dispose()
  })

  it('a refresh answered 500 naming refresh_token_not_found keeps the session', async () => {
    server.handler = (_req, res) => json(res, 500, { code: 500, error_code: 'refresh_token_not_found', msg: 'Invalid login credentials' })
    const { auth } = await signedIn()
    expect(await failure(auth.refreshSession())).toMatchObject({ name: 'AuthRetryableFetchError', status: 500 })
    expect(auth.snapshot.status).toBe('authenticated')
    auth.dispose()
  })

  it('getUser() answered 505 naming session_not_found keeps the session (any 5xx is retryable)', async () => {
    server.handler = (_req, res) => json(res, 505, { code: 505, error_code: 'session_not_found', msg: 'Invalid login credentials' })
    const { auth, events } = await signedIn()
    expect(await failure(auth.getUser())).toMatchObject({ name: 'AuthRetryableFetchError', status: 505, code: 'session_not_found' })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(events).not.toContain('SIGNED_OUT')
    auth.dispose()
  })
})

describe('calls made with the access token end the session on a "session gone" verdict', () => {
  it('mfa.verify answered 400 naming user_banned ends the session, once', async () => {
    server.handler = (_req, res) => json(res, 400, { code: 400, error_code: 'user_banned', msg: 'Invalid login credentials' }, { 'Content-Type': 'application/json; charset=utf-8' })
    const { auth, events } = await signedIn()
    expect(await failure(mfa(auth).verify({ factorId: FACTOR_ID, challengeId: CHALLENGE_ID, code: '123456' }))).toMatchObject({ name: 'AuthApiError', code: 'user_banned' })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
    expect(events.filter((event) => event === 'SIGNED_OUT')).toHaveLength(1)
    auth.dispose()
  })

  it('mfa.verify answered 400 naming session_not_found ends the session', async () => {
    server.handler = (_req, res) => json(res, 400, { code: 400, error_code: 'session_not_found', msg: 'Invalid login credentials' })
    const { auth } = await signedIn()
    expect(await failure(mfa(auth).verify({ factorId: FACTOR_ID, challengeId: CHALLENGE_ID, code: '123456' }))).toMatchObject({ name: 'AuthSessionMissingError' })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
    auth.dispose()
  })

  it('webauthn.verify answered 404 naming user_not_found ends the session', async () => {
    server.handler = (_req, res) => json(res, 404, { code: 404, error_code: 'user_not_found', msg: 'User not found' })
    const { auth } = await signedIn()
    const credential_response = { id: 'aWQ', rawId: 'aWQ', type: 'public-key' as const, response: { clientDataJSON: 'e30', authenticatorData: 'ZA', signature: 'cw' }, clientExtensionResults: {} }
    const verify = webauthn(auth).verify({ factorId: FACTOR_ID, challengeId: CHALLENGE_ID, webauthn: { type: 'request', rpId: 'example.com', credential_response } })
    expect(await failure(verify)).toMatchObject({ name: 'AuthApiError', code: 'user_not_found' })
    expect(auth.snapshot.status).toBe('signedOut')
    auth.dispose()
  })

  it('linkIdentity with an ID token answered 403 naming session_not_found ends the session', async () => {
    server.handler = (_req, res) => json(res, 403, { code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' }, { 'X-Supabase-Api-Version': '2024-01-01' })
    const { auth } = await signedIn()
    expect(await failure(linkIdentity(auth, { provider: 'google', token: 'id-token' }))).toMatchObject({ name: 'AuthSessionMissingError' })
    expect(auth.snapshot.status).toBe('signedOut')
    auth.dispose()
  })
})

describe('good-looking answers with one field broken', () => {
  it('passkey sign-in options whose allowCredentials is -1 reject typed, not with a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, { challenge_id: CHALLENGE_ID, options: { challenge: 'Y2hhbGxlbmdl', rpId: 'example.com', allowCredentials: -1 }, expires_at: 1 })
    const { auth } = await signedIn()
    expect(await failure(passkey(auth, { credentials: agreeable }).signIn())).toMatchObject({ name: 'AuthInvalidTokenResponseError' })
    auth.dispose()
  })

  it('passkey registration options without a user reject typed, not with a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, { challenge_id: CHALLENGE_ID, options: { challenge: 'Y2hhbGxlbmdl', rp: { name: 'Example' }, pubKeyCredParams: [] }, expires_at: 1 })
    const { auth } = await signedIn()
    expect(await failure(passkey(auth, { credentials: agreeable }).register())).toMatchObject({ name: 'AuthInvalidTokenResponseError' })
    auth.dispose()
  })

  it('a WebAuthn factor challenge whose allowCredentials is "" rejects typed, not with a TypeError', async () => {
    server.handler = (_req, res) =>
      json(res, 200, { id: CHALLENGE_ID, type: 'webauthn', expires_at: 1, webauthn: { type: 'request', credential_options: { publicKey: { challenge: 'Y2hhbGxlbmdl', allowCredentials: '' } } } })
    const { auth } = await signedIn()
    expect(await failure(webauthn(auth, { credentials: agreeable }).authenticate({ factorId: FACTOR_ID, webauthn: { rpId: 'example.com' } }))).toMatchObject({ name: 'AuthInvalidTokenResponseError' })
    auth.dispose()
  })

  it('a user whose factors is 0 (updateUser answered 299) leaves the chart running', async () => {
    server.handler = (_req, res) => json(res, 299, userBody({ factors: 0 }))
    const { auth } = await signedIn()
    await auth.updateUser({ data: { theme: 'dark' } })
    expect(auth.actor.getSnapshot().status).toBe('active')
    expect(auth.snapshot.status).toBe('authenticated')
    auth.dispose()
  })

  it('mfa.listFactors of a user whose factors is 1e308 lists none', async () => {
    server.handler = (_req, res) => json(res, 200, userBody({ factors: 1e308 }))
    const { auth } = await signedIn()
    expect(await mfa(auth).listFactors()).toEqual({ all: [], totp: [], phone: [], webauthn: [] })
    auth.dispose()
  })

  it('tokens answered with expires_in 0 are refreshed at most once a second, not in a loop', async () => {
    server.handler = (_req, res) => json(res, 200, tokenBody({ expires_in: 0 }))
    clients += 1
    const auth = createAuthClient({ url: server.url, apiKey: 'anon', storage: memoryStorage(), storageKey: `sb-regression-${clients}-auth-token` })
    await auth.ready
    await auth.refreshSession({ refresh_token: 'another-refresh-token' })
    await new Promise((resolve) => setTimeout(resolve, 400))
    // The sign-in, and at most one refresh at the next whole second.
    expect(server.requests.filter((request) => request.path === '/token').length).toBeLessThanOrEqual(3)
    auth.dispose()
  })
})

describe('admin answers', () => {
  it('a Link header whose target is no URL (<http://[::1>; rel="next">) gives no next page, not a TypeError', async () => {
    server.handler = (_req, res) => json(res, 200, { users: [userBody()], aud: 'authenticated' }, { Link: '<http://[::1>; rel="next"' })
    const admin = createAdminClient({ url: server.url, serviceRoleKey: 'service-role' })
    const page = await admin.listUsers({ page: 1, perPage: 50 })
    expect(page.nextPage).toBeNull()
    expect(page.users).toHaveLength(1)
  })
})
