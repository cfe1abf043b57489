/**
 * Supabase Auth as the OAuth 2.1 identity provider of a third-party app, end to end over HTTP: an admin
 * registers the app (raw admin API), the app starts an authorization with PKCE, the signed-in user's client
 * reads and approves it with `oauth(auth)`, the app trades the code, calls UserInfo and refreshes; the
 * user lists the grant and revokes it, after which the app's refresh token and access token stop working.
 * Also the deny path, consent remembered, typed errors, and bad input refused before any request.
 *
 * Against a real GoTrue these run when it has `GOTRUE_OAUTH_SERVER_ENABLED` (and an authorization path).
 */
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { AuthInvalidCredentialsError, AuthSessionMissingError } from '../../src/errors.js'
import { oauth } from '../../src/oauth/index.js'
import { claimsOf, countingFetch, rejection, signedInClient } from '../support/flows.js'
import { openTarget, realGotrue, type Target } from '../support/target.js'

const CALLBACK = 'http://localhost:4000/callback'

let target: Target
let available = true

/** A request of the third-party app, or the admin's, straight to the server (no client of ours involved). */
async function raw(path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { apikey: target.anonKey, ...init.headers }
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  let body: string | undefined
  if (init.body !== undefined) {
    headers['Content-Type'] ??= 'application/json'
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
  }
  const res = await fetch(`${target.url}${path}`, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
  const text = await res.text()
  return { status: res.status, location: res.headers.get('location') ?? '', body: (text ? JSON.parse(text) : undefined) as Record<string, any> }
}

beforeAll(async () => {
  target = await openTarget({ oauthServer: true })
  if (realGotrue) {
    const probe = await raw('/oauth/authorize')
    available = !(probe.status === 404 && (probe.body?.['error_code'] === 'feature_disabled' || probe.body?.['code'] === 'feature_disabled'))
  }
})
afterAll(async () => {
  await target?.close()
})

function needsOAuthServer(ctx: TestContext): void {
  if (!available) ctx.skip('the real GoTrue has the OAuth 2.1 server off (GOTRUE_OAUTH_SERVER_ENABLED)')
}

interface App {
  clientId: string
  secret: string
}

/** The admin registers a confidential app. */
async function registerApp(name: string): Promise<App> {
  const res = await raw('/admin/oauth/clients', { method: 'POST', token: target.serviceRoleKey, body: { client_name: name, redirect_uris: [CALLBACK] } })
  expect(res.status).toBe(201)
  return { clientId: res.body['client_id'], secret: res.body['client_secret'] }
}

/** The app sends the browser to `/oauth/authorize`; the server sends it on to the consent page. */
async function startAuthorization(app: App, scope: string, state: string) {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const params = new URLSearchParams({ client_id: app.clientId, redirect_uri: CALLBACK, response_type: 'code', scope, state, code_challenge: challenge, code_challenge_method: 'S256' })
  const res = await raw(`/oauth/authorize?${params}`)
  expect(res.status).toBe(302)
  const authorizationId = new URL(res.location).searchParams.get('authorization_id') ?? ''
  expect(authorizationId).not.toBe('')
  return { authorizationId, verifier }
}

/** The app's back end calling `/oauth/token`, authenticated with Basic. */
function appToken(app: App, params: Record<string, string>) {
  const basic = Buffer.from(`${app.clientId}:${app.secret}`).toString('base64')
  return raw('/oauth/token', { method: 'POST', body: new URLSearchParams(params).toString(), headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' } })
}

const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams)

describe('OAuth 2.1 server', () => {
  it('authorize → consent → code → tokens → userinfo → refresh; the grant listed, revoked, and the app cut off', async (ctx) => {
    needsOAuthServer(ctx)
    const app = await registerApp('Acme Notes')
    const { auth, user } = await signedInClient(target, 'oauth-consent')
    const { authorizationId, verifier } = await startAuthorization(app, 'email profile', 'xyz')

    const details = await oauth(auth).getAuthorizationDetails(authorizationId)
    expect(details).toMatchObject({
      authorization_id: authorizationId,
      redirect_uri: CALLBACK,
      client: { id: app.clientId, name: 'Acme Notes' },
      user: { id: user.id, email: user.email },
      scope: 'email profile',
    })
    const { redirect_url } = await oauth(auth).approveAuthorization(authorizationId, { skipBrowserRedirect: true })
    expect(redirect_url.startsWith(`${CALLBACK}?`)).toBe(true)
    const { code, state } = queryOf(redirect_url)
    expect(state).toBe('xyz')

    const tokens = await appToken(app, { grant_type: 'authorization_code', code: code ?? '', code_verifier: verifier, redirect_uri: CALLBACK })
    expect(tokens.status).toBe(200)
    expect(Object.keys(tokens.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type'])
    expect(claimsOf(tokens.body['access_token'])).toMatchObject({ sub: user.id, client_id: app.clientId, scope: 'email profile' })
    const info = await raw('/oauth/userinfo', { token: tokens.body['access_token'] })
    expect(info.body).toMatchObject({ sub: user.id, email: user.email })

    const refreshed = await appToken(app, { grant_type: 'refresh_token', refresh_token: tokens.body['refresh_token'] })
    expect(refreshed.status).toBe(200)
    expect(claimsOf(refreshed.body['access_token'])['session_id']).toBe(claimsOf(tokens.body['access_token'])['session_id'])

    const grants = await oauth(auth).listGrants()
    expect(grants).toContainEqual({ client: { id: app.clientId, name: 'Acme Notes' }, scopes: ['email', 'profile'], granted_at: expect.any(String) })
    expect(await oauth(auth).revokeGrant({ clientId: app.clientId })).toEqual({})
    expect((await oauth(auth).listGrants()).map((g) => g.client.id)).not.toContain(app.clientId)

    const afterRevoke = await appToken(app, { grant_type: 'refresh_token', refresh_token: refreshed.body['refresh_token'] })
    expect({ status: afterRevoke.status, error: afterRevoke.body['error'] }).toEqual({ status: 400, error: 'invalid_grant' })
    expect((await raw('/oauth/userinfo', { token: refreshed.body['access_token'] })).status).toBe(403)
    // The user's own session is not the app's: it carries on.
    expect((await auth.getUser()).user.id).toBe(user.id)
    expect(auth.snapshot.status).toBe('authenticated')
    expect(await rejection(oauth(auth).revokeGrant({ clientId: app.clientId }))).toMatchObject({ name: 'AuthApiError', status: 404, code: 'oauth_consent_not_found' })
  })

  it('deny sends access_denied and the state back to the app; the code path stays closed', async (ctx) => {
    needsOAuthServer(ctx)
    const app = await registerApp('Denied App')
    const { auth } = await signedInClient(target, 'oauth-deny')
    const { authorizationId } = await startAuthorization(app, 'email', 'st-9')
    await oauth(auth).getAuthorizationDetails(authorizationId)
    const { redirect_url } = await oauth(auth).denyAuthorization(authorizationId, { skipBrowserRedirect: true })
    expect(queryOf(redirect_url)).toEqual({ error: 'access_denied', error_description: 'User denied the request', state: 'st-9' })
    expect(await rejection(oauth(auth).approveAuthorization(authorizationId, { skipBrowserRedirect: true }))).toMatchObject({ status: 400, code: 'validation_failed' })
    expect(await oauth(auth).listGrants()).toEqual([])
  })

  it('remembers consent: the next request for the same scopes comes back as a redirect with a code', async (ctx) => {
    needsOAuthServer(ctx)
    const app = await registerApp('Returning App')
    const { auth } = await signedInClient(target, 'oauth-again')
    const first = await startAuthorization(app, 'email', 'one')
    await oauth(auth).getAuthorizationDetails(first.authorizationId)
    await oauth(auth).approveAuthorization(first.authorizationId, { skipBrowserRedirect: true })
    const second = await startAuthorization(app, 'email', 'two')
    const again = await oauth(auth).getAuthorizationDetails(second.authorizationId)
    expect('authorization_id' in again).toBe(false)
    const back = queryOf((again as { redirect_url: string }).redirect_url)
    expect({ code: typeof back['code'], state: back['state'] }).toEqual({ code: 'string', state: 'two' })
  })

  it('in a browser, approving goes to the redirect_url unless skipBrowserRedirect', async (ctx) => {
    needsOAuthServer(ctx)
    const app = await registerApp('Browser App')
    const { auth } = await signedInClient(target, 'oauth-browser')
    const visited: string[] = []
    const page = { location: { href: 'http://localhost:3000/oauth/consent', assign: (url: string) => visited.push(url) }, history: { state: null, replaceState: () => undefined } }
    const global = globalThis as { window?: unknown }
    const { authorizationId } = await startAuthorization(app, 'email', 'b')
    await oauth(auth).getAuthorizationDetails(authorizationId)
    global.window = page
    try {
      const { redirect_url } = await oauth(auth).approveAuthorization(authorizationId)
      // Compared, not printed: the URL carries the code.
      expect(visited.length === 1 && visited[0] === redirect_url).toBe(true)
    } finally {
      delete global.window
    }
  })

  it('answers typed errors: an unknown request, and no session at all', async (ctx) => {
    needsOAuthServer(ctx)
    const { auth } = await signedInClient(target, 'oauth-errors')
    expect(await rejection(oauth(auth).getAuthorizationDetails('nosuchauthorizationrequest00000'))).toMatchObject({ name: 'AuthApiError', status: 404, code: 'oauth_authorization_not_found' })
    await auth.signOut()
    expect(await rejection(oauth(auth).listGrants())).toBeInstanceOf(AuthSessionMissingError)
  })

  it('refuses bad input before any request', async (ctx) => {
    needsOAuthServer(ctx)
    const counter = countingFetch()
    const { auth } = await signedInClient(target, 'oauth-bad-input', { fetch: counter.fetch })
    counter.reset()
    const refused = [
      oauth(auth).getAuthorizationDetails(''),
      oauth(auth).approveAuthorization(undefined as unknown as string),
      oauth(auth).denyAuthorization('id', 'nope' as never),
      oauth(auth).revokeGrant({ clientId: 'not-a-uuid' }),
      oauth(auth).revokeGrant(null as never),
    ]
    for (const call of refused) expect(await rejection(call)).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(counter.count).toBe(0)
  })
})

describe.skipIf(realGotrue)('OAuth server off (the default)', () => {
  it('every call answers feature_disabled, typed, and the user stays signed in', async () => {
    const off = await openTarget()
    try {
      const { auth } = await signedInClient(off, 'oauth-off')
      expect(await rejection(oauth(auth).getAuthorizationDetails('abc'))).toMatchObject({ name: 'AuthApiError', status: 404, code: 'feature_disabled' })
      expect(await rejection(oauth(auth).listGrants())).toMatchObject({ code: 'feature_disabled' })
      expect(await rejection(oauth(auth).revokeGrant({ clientId: crypto.randomUUID() }))).toMatchObject({ code: 'feature_disabled' })
      expect(auth.snapshot.status).toBe('authenticated')
    } finally {
      await off.close()
    }
  })
})
