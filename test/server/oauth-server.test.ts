/**
 * The OAuth 2.1 server over raw HTTP (contract §4.22): off by default behind `404 feature_disabled`;
 * `/oauth/authorize` with its JSON and redirected refusals; the consent page's read (binding, auto-approve)
 * and decision; the code exchange with PKCE S256 and plain and every `invalid_grant`; the app's refresh
 * and UserInfo; grants listed and revoked (which ends the app's sessions). Admin clients, dynamic
 * registration and client authentication are in `oauth-server-clients.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { query } from './oauth-helpers.js'
import {
  APP_CALLBACK, approvedCode, basic, decide, exchange, failure, readAuthorization, registerApp, SITE, startAuthorize, tokenCall,
  type RegisteredClient,
} from './oauth-server-helpers.js'
import { call, claims, fakeClock, signUp, start, uniqueEmail } from '../support/server-helpers.js'

describe('OAuth server switched off (the default)', () => {
  let server: AuthServer
  beforeAll(async () => {
    server = await start()
  })
  afterAll(() => server.close())

  it('answers 404 feature_disabled on every route, after the user or admin token where GoTrue checks that first', async () => {
    const s = await signUp(server)
    const disabled = { code: 404, error_code: 'feature_disabled', msg: 'OAuth server is disabled' }
    const id = crypto.randomUUID()
    const open: Array<[string, string]> = [
      ['GET', '/oauth/authorize?client_id=x'],
      ['POST', '/oauth/token'],
      ['GET', '/oauth/userinfo'],
      ['POST', '/oauth/clients/register'],
      ['GET', '/oauth/authorizations/abc'],
      ['POST', '/oauth/authorizations/abc/consent'],
    ]
    for (const [method, path] of open) expect((await call(server, method, path)).body, `${method} ${path}`).toEqual(disabled)
    for (const [method, path] of [['GET', '/user/oauth/grants'], ['DELETE', `/user/oauth/grants?client_id=${id}`]] as const) {
      expect((await call(server, method, path)).body.error_code, `${method} ${path} without a token`).toBe('no_authorization')
      expect((await call(server, method, path, { token: s.access_token })).body).toEqual(disabled)
    }
    const admin: Array<[string, string]> = [
      ['GET', '/admin/oauth/clients'],
      ['POST', '/admin/oauth/clients'],
      ['GET', `/admin/oauth/clients/${id}`],
      ['PUT', `/admin/oauth/clients/${id}`],
      ['DELETE', `/admin/oauth/clients/${id}`],
      ['POST', `/admin/oauth/clients/${id}/regenerate_secret`],
    ]
    for (const [method, path] of admin) {
      expect((await call(server, method, path, { token: s.access_token })).body.error_code, `${method} ${path}`).toBe('not_admin')
      expect((await call(server, method, path, { token: server.serviceRoleKey })).body, `${method} ${path}`).toEqual(disabled)
    }
  })
})

describe('OAuth server switched on', () => {
  const clock = fakeClock()
  let server: AuthServer
  let app: RegisteredClient
  beforeAll(async () => {
    server = await start({ oauthServer: true, jwtAlgorithm: 'ES256', siteUrl: SITE, now: clock.now })
    app = await registerApp(server)
  })
  afterAll(() => server.close())

  describe('GET /oauth/authorize', () => {
    it('refuses as JSON what comes before the redirect URI is trusted', async () => {
      const cases: Array<[Record<string, string>, unknown]> = [
        [{}, { code: 400, error_code: 'validation_failed', msg: 'client_id is required' }],
        [{ client_id: app.client_id }, { code: 400, error_code: 'validation_failed', msg: 'redirect_uri is required' }],
        [{ client_id: 'nope', redirect_uri: APP_CALLBACK }, { code: 400, error_code: 'oauth_client_not_found', msg: 'invalid client_id format' }],
        [{ client_id: crypto.randomUUID(), redirect_uri: APP_CALLBACK }, { code: 400, error_code: 'oauth_client_not_found', msg: 'invalid client_id' }],
        [{ client_id: app.client_id, redirect_uri: `${APP_CALLBACK}/` }, { code: 400, error_code: 'validation_failed', msg: 'invalid redirect_uri' }],
      ]
      for (const [params, expected] of cases) {
        const res = await call(server, 'GET', `/oauth/authorize?${new URLSearchParams(params)}`)
        expect(res.body, JSON.stringify(params)).toEqual(expected)
      }
    })

    it('redirects the rest to the app as invalid_request, with the state', async () => {
      const good = { client_id: app.client_id, redirect_uri: APP_CALLBACK, state: 's1', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }
      const cases: Array<[Record<string, string>, string]> = [
        [{ response_type: 'token' }, 'only response_type=code is supported'],
        [{ scope: 'email admin' }, 'unsupported scope: admin'],
        [{ scope: '   ' }, 'scope parameter cannot be empty'],
        [{ resource: 'https://api.example.com/#x' }, 'resource must not include a fragment component'],
        [{ resource: 'api.example.com' }, 'resource must be an absolute URI'],
        [{ code_challenge: '' }, 'PKCE flow requires both code_challenge and code_challenge_method'],
        [{ code_challenge_method: 'S512' }, "code_challenge_method must be 'S256' or 'plain'"],
        [{ code_challenge: 'short' }, 'code_challenge must be between 43 and 128 characters'],
      ]
      for (const [override, description] of cases) {
        const res = await call(server, 'GET', `/oauth/authorize?${new URLSearchParams({ ...good, ...override })}`)
        expect(res.status).toBe(302)
        const location = res.headers.get('location') ?? ''
        expect(location.startsWith(`${APP_CALLBACK}?`), location).toBe(true)
        expect(query(location)).toEqual({ error: 'invalid_request', error_description: description, state: 's1' })
      }
    })

    it('sends the user to the consent page on the site URL', async () => {
      const { location, authorizationId } = await startAuthorize(server, app.client_id)
      expect(location).toBe(`${SITE}/oauth/consent?authorization_id=${authorizationId}`)
      expect(authorizationId).toMatch(/^[a-z2-7]{32}$/)
    })

    it('without a consent page configured, redirects server_error to the app', async () => {
      const bare = await start({ oauthServer: true, oauthServerAuthorizationPath: '' })
      try {
        const client = await registerApp(bare)
        const res = await call(bare, 'GET', `/oauth/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: APP_CALLBACK, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`)
        expect(query(res.headers.get('location') ?? '')).toEqual({ error: 'server_error', error_description: 'oauth authorization path not configured' })
      } finally {
        await bare.close()
      }
    })
  })

  describe('the consent page', () => {
    it('reads the request (binding it to the user), approves once, and the app gets code and state', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, { scope: 'openid email' })
      expect((await readAuthorization(server, '', started.authorizationId)).body.error_code).toBe('no_authorization')
      const details = await readAuthorization(server, s.access_token, started.authorizationId)
      expect(details.body).toEqual({
        authorization_id: started.authorizationId,
        redirect_uri: APP_CALLBACK,
        client: { id: app.client_id, name: 'Acme' },
        user: { id: s.user.id, email: s.user.email },
        scope: 'openid email',
      })
      const other = await signUp(server)
      expect(failure(await readAuthorization(server, other.access_token, started.authorizationId))).toMatchObject({ status: 404, error_code: 'oauth_authorization_not_found', msg: 'authorization not found' })
      expect(failure(await decide(server, other.access_token, started.authorizationId, 'approve'))).toMatchObject({ status: 404, error_code: 'oauth_authorization_not_found' })
      expect(failure(await decide(server, s.access_token, started.authorizationId, 'maybe'))).toMatchObject({ status: 400, error_code: 'validation_failed', msg: "action must be 'approve' or 'deny'" })
      expect(failure(await decide(server, s.access_token, started.authorizationId, 7))).toMatchObject({ status: 400, error_code: 'bad_json', msg: 'invalid JSON body' })

      const approved = await decide(server, s.access_token, started.authorizationId, 'approve')
      expect(approved.status).toBe(200)
      const redirect = approved.body.redirect_url as string
      expect(redirect.startsWith(`${APP_CALLBACK}?`)).toBe(true)
      expect(Object.keys(query(redirect)).sort()).toEqual(['code', 'state'])
      expect(query(redirect)['state']).toBe('app-state')
      expect(failure(await decide(server, s.access_token, started.authorizationId, 'deny'))).toMatchObject({ status: 400, msg: 'authorization request is no longer pending' })
      expect(failure(await readAuthorization(server, s.access_token, started.authorizationId))).toMatchObject({ status: 400, msg: 'authorization request cannot be processed' })
    })

    it('deny sends access_denied back to the app', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id)
      await readAuthorization(server, s.access_token, started.authorizationId)
      const denied = await decide(server, s.access_token, started.authorizationId, 'deny')
      expect(query(denied.body.redirect_url as string)).toEqual({ error: 'access_denied', error_description: 'User denied the request', state: 'app-state' })
      expect(denied.body.redirect_url).toContain('error_description=User+denied+the+request')
    })

    it('refuses unknown and expired requests as not found, and a foreign Origin', async () => {
      const s = await signUp(server)
      expect(failure(await readAuthorization(server, s.access_token, 'nosuchauthorization'))).toMatchObject({ status: 404, error_code: 'oauth_authorization_not_found' })
      const started = await startAuthorize(server, app.client_id)
      expect(failure(await readAuthorization(server, s.access_token, started.authorizationId, { Origin: 'https://evil.example' }))).toMatchObject({ status: 400, msg: 'unauthorized request origin' })
      expect((await readAuthorization(server, s.access_token, started.authorizationId, { Origin: SITE })).status).toBe(200)
      clock.advance(10 * 60_000 + 1)
      expect(failure(await readAuthorization(server, s.access_token, started.authorizationId))).toMatchObject({ status: 404, error_code: 'oauth_authorization_not_found' })
      expect(failure(await decide(server, s.access_token, started.authorizationId, 'approve'))).toMatchObject({ status: 404 })
    })

    it('skips the page (answers a redirect_url with a code) when an earlier consent covers the scopes', async () => {
      const s = await signUp(server)
      await approvedCode(server, s.access_token, await startAuthorize(server, app.client_id, { scope: 'email profile' }))
      const again = await startAuthorize(server, app.client_id, { scope: 'email', state: 'second' })
      const read = await readAuthorization(server, s.access_token, again.authorizationId)
      expect(Object.keys(read.body)).toEqual(['redirect_url'])
      const back = query(read.body.redirect_url as string)
      expect({ code: typeof back['code'], state: back['state'] }).toEqual({ code: 'string', state: 'second' })
      const wider = await startAuthorize(server, app.client_id, { scope: 'email phone' })
      expect((await readAuthorization(server, s.access_token, wider.authorizationId)).body.authorization_id).toBe(wider.authorizationId)
    })
  })

  describe('POST /oauth/token', () => {
    it('trades an S256 code for the app’s session: OAuth-shaped, token with client_id, scope and the AMR', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, { scope: 'email profile' })
      const code = await approvedCode(server, s.access_token, started)
      const res = await exchange(server, basic(app), code, started.verifier)
      expect(failure(res)).toMatchObject({ status: 200 })
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type'])
      expect({ token_type: res.body.token_type, expires_in: res.body.expires_in }).toEqual({ token_type: 'bearer', expires_in: 3600 })
      const c = claims(res.body.access_token)
      expect(c).toMatchObject({ sub: s.user.id, client_id: app.client_id, scope: 'email profile', aal: 'aal1' })
      expect(c.amr.map((a: { method: string }) => a.method)).toEqual(['oauth_provider/authorization_code'])
      expect(c.session_id).not.toBe(claims(s.access_token).session_id)
    })

    it('trades a plain-PKCE code, JSON-encoded', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, {}, 'plain')
      const code = await approvedCode(server, s.access_token, started)
      const res = await exchange(server, basic(app), code, started.verifier)
      expect(res.status).toBe(200)
      const second = await startAuthorize(server, app.client_id, {}, 'plain')
      const code2 = await approvedCode(server, s.access_token, second)
      expect((await tokenCall(server, basic(app), { grant_type: 'authorization_code', code: code2, code_verifier: second.verifier }, true)).status).toBe(200)
    })

    it('refuses a wrong or missing verifier, a reused code, another redirect_uri, another client, a late exchange', async () => {
      const s = await signUp(server)
      const other = await registerApp(server, { client_name: 'Other' })
      const grant = (description: string) => ({ status: 400, error: 'invalid_grant', error_description: description })
      const started = await startAuthorize(server, app.client_id)
      const code = await approvedCode(server, s.access_token, started)
      expect(failure(await exchange(server, basic(app), code, 'x'.repeat(43)))).toMatchObject(grant('PKCE verification failed: code challenge does not match previously saved code verifier'))
      expect(failure(await exchange(server, basic(app), code, ''))).toMatchObject(grant('PKCE verification failed: code_verifier is required when PKCE challenge is present'))
      expect(failure(await exchange(server, basic(app), code, started.verifier, { redirect_uri: 'http://localhost:4000/other' }))).toMatchObject(grant('Invalid redirect_uri'))
      expect(failure(await exchange(server, basic(other), code, started.verifier))).toMatchObject(grant('Authorization code was not issued for this client'))
      expect((await exchange(server, basic(app), code, started.verifier)).status).toBe(200)
      expect(failure(await exchange(server, basic(app), code, started.verifier))).toMatchObject(grant('Invalid authorization code'))
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'authorization_code' }))).toMatchObject({ error: 'invalid_request', error_description: 'code is required for authorization_code grant' })

      const late = await startAuthorize(server, app.client_id)
      const lateCode = await approvedCode(server, s.access_token, late)
      clock.advance(10 * 60_000 + 1)
      expect(failure(await exchange(server, basic(app), lateCode, late.verifier))).toMatchObject(grant('Authorization code has expired'))
    })

    it('refuses a missing or unsupported grant_type', async () => {
      expect(failure(await tokenCall(server, basic(app), {}))).toMatchObject({ status: 400, error: 'invalid_request', error_description: 'grant_type is required' })
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'password' }))).toMatchObject({ error: 'unsupported_grant_type', error_description: 'Client is not allowed to use grant type: password' })
      const codeOnly = await registerApp(server, { grant_types: ['authorization_code'] })
      expect(failure(await tokenCall(server, basic(codeOnly), { grant_type: 'refresh_token', refresh_token: 'abc' }))).toMatchObject({ error: 'unsupported_grant_type' })
    })

    it('adds an ID token for openid, signed with the access-token key, aud the app, with the nonce', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, { scope: 'openid email', nonce: 'n-0S6' })
      const res = await exchange(server, basic(app), await approvedCode(server, s.access_token, started), started.verifier)
      const header = JSON.parse(Buffer.from((res.body.id_token as string).split('.')[0]!, 'base64url').toString())
      expect(header).toMatchObject({ alg: 'ES256', kid: expect.any(String) })
      expect(claims(res.body.id_token)).toMatchObject({
        sub: s.user.id, aud: app.client_id, client_id: app.client_id, nonce: 'n-0S6', email: s.user.email,
        email_verified: true, phone_number_verified: false, auth_time: expect.any(Number),
      })
    })

    it('with HS256 signing, openid fails with a 500 after the code was spent', async () => {
      const hs = await start({ oauthServer: true })
      try {
        const client = await registerApp(hs)
        const s = await signUp(hs)
        const started = await startAuthorize(hs, client.client_id, { scope: 'openid' })
        const code = await approvedCode(hs, s.access_token, started)
        expect(failure(await exchange(hs, basic(client), code, started.verifier))).toMatchObject({ status: 500, error_code: 'unexpected_failure', msg: 'Error generating ID token' })
        expect(failure(await exchange(hs, basic(client), code, started.verifier))).toMatchObject({ error: 'invalid_grant' })
      } finally {
        await hs.close()
      }
    })
  })

  describe('the app’s session', () => {
    async function appSession(scope: string) {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, { scope })
      const res = await exchange(server, basic(app), await approvedCode(server, s.access_token, started), started.verifier)
      return { user: s, tokens: res.body as { access_token: string; refresh_token: string } }
    }

    it('refreshes at /oauth/token only, and only for its own client', async () => {
      const { user, tokens } = await appSession('email')
      const other = await registerApp(server, { client_name: 'Other' })
      expect(failure(await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: tokens.refresh_token } }))).toMatchObject({ status: 400, error: 'invalid_client', error_description: 'Client authentication required for OAuth session' })
      expect(failure(await tokenCall(server, basic(other), { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }))).toMatchObject({ error: 'invalid_client', error_description: "Client does not match the session's OAuth client" })
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'refresh_token', refresh_token: user.refresh_token }))).toMatchObject({ error: 'invalid_client', error_description: 'Client authentication not allowed for non-OAuth session' })

      const refreshed = await tokenCall(server, basic(app), { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
      expect(refreshed.status).toBe(200)
      expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type'])
      expect(claims(refreshed.body.access_token)).toMatchObject({ client_id: app.client_id, scope: 'email', session_id: claims(tokens.access_token).session_id })
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'refresh_token' }))).toMatchObject({ error: 'invalid_request', error_description: 'refresh_token is required for refresh_token grant' })
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'refresh_token', refresh_token: 'zzzzzzzzzzzz' }))).toMatchObject({ error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.' })
    })

    it('UserInfo answers what the scopes allow', async () => {
      const email = uniqueEmail('userinfo')
      const s = await signUp(server, email)
      await call(server, 'PUT', '/user', { token: s.access_token, body: { data: { name: 'Ada', avatar_url: 'https://img.example/ada.png' } } })
      const started = await startAuthorize(server, app.client_id, { scope: 'profile' })
      const tokens = (await exchange(server, basic(app), await approvedCode(server, s.access_token, started), started.verifier)).body
      const profile = (await call(server, 'GET', '/oauth/userinfo', { token: tokens.access_token })).body
      expect(profile).toEqual({ sub: s.user.id, name: 'Ada', picture: 'https://img.example/ada.png', updated_at: expect.any(Number), user_metadata: expect.objectContaining({ name: 'Ada' }) })
      const emailOnly = await appSession('email')
      expect((await call(server, 'GET', '/oauth/userinfo', { token: emailOnly.tokens.access_token })).body).toEqual({ sub: emailOnly.user.user.id, email: emailOnly.user.user.email, email_verified: true })
      expect((await call(server, 'GET', '/oauth/userinfo', { token: s.access_token })).body).toEqual({ sub: s.user.id })
      expect((await call(server, 'GET', '/oauth/userinfo')).body.error_code).toBe('no_authorization')
    })
  })

  describe('grants', () => {
    it('lists the user’s grants and revokes one, which ends the app’s sessions', async () => {
      const s = await signUp(server)
      const started = await startAuthorize(server, app.client_id, { scope: 'email profile' })
      const tokens = (await exchange(server, basic(app), await approvedCode(server, s.access_token, started), started.verifier)).body
      const grants = await call(server, 'GET', '/user/oauth/grants', { token: s.access_token })
      expect(grants.body).toEqual([{ client: { id: app.client_id, name: 'Acme' }, scopes: ['email', 'profile'], granted_at: expect.any(String) }])

      expect(failure(await call(server, 'DELETE', '/user/oauth/grants', { token: s.access_token }))).toMatchObject({ status: 400, msg: 'client_id query parameter is required' })
      expect(failure(await call(server, 'DELETE', '/user/oauth/grants?client_id=nope', { token: s.access_token }))).toMatchObject({ status: 400, msg: 'invalid client_id format' })
      const revoked = await call(server, 'DELETE', `/user/oauth/grants?client_id=${app.client_id}`, { token: s.access_token })
      expect(revoked.status).toBe(204)
      expect(revoked.text).toBe('')
      expect(failure(await tokenCall(server, basic(app), { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }))).toMatchObject({ error: 'invalid_grant' })
      expect(failure(await call(server, 'GET', '/oauth/userinfo', { token: tokens.access_token }))).toMatchObject({ status: 403, error_code: 'session_not_found' })
      expect((await call(server, 'GET', '/user', { token: s.access_token })).status).toBe(200)
      expect((await call(server, 'GET', '/user/oauth/grants', { token: s.access_token })).body).toEqual([])
      expect(failure(await call(server, 'DELETE', `/user/oauth/grants?client_id=${app.client_id}`, { token: s.access_token }))).toMatchObject({ status: 404, error_code: 'oauth_consent_not_found', msg: 'No active grant found for this client' })

      // After a revocation the consent page is shown again.
      const again = await startAuthorize(server, app.client_id, { scope: 'email' })
      expect((await readAuthorization(server, s.access_token, again.authorizationId)).body.authorization_id).toBe(again.authorizationId)
    })
  })
})
