/**
 * OAuth sign-in through the built-in identity provider: `GET /authorize`, the provider page, `/callback`
 * and the PKCE exchange (contract §4.13, §4.14, §6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, start, uniqueEmail } from '../support/server-helpers.js'
import { APP, fragment, hop, pkcePair, query, uniqueSub, walk } from './oauth-helpers.js'

let server: AuthServer
const clock = fakeClock()
beforeAll(async () => {
  server = await start({ now: clock.now, uriAllowList: ['https://app.example.com/**'] })
})
afterAll(() => server.close())

const authorize = (q: string, headers: Record<string, string> = {}) => call(server, 'GET', `/authorize?${q}`, { headers })

describe('GET /authorize', () => {
  it('302s to the identity provider with a flow state, forwarding extra keys but not reserved ones', async () => {
    const res = await authorize('provider=GitHub&scopes=repo%20read:org&login_hint=ada&nonce=n1&client_id=evil&state=evil&workos_provider=GoogleOAuth')
    expect(res.status).toBe(302)
    const location = res.headers.get('location') ?? ''
    expect(location.startsWith(`${server.url}/idp/authorize?`)).toBe(true)
    const q = query(location)
    expect(q).toMatchObject({
      client_id: server.provider.clientId,
      redirect_uri: `${server.url}/callback`,
      response_type: 'code',
      scope: 'email repo read:org',
      login_hint: 'ada',
      nonce: 'n1',
      provider: 'GoogleOAuth',
    })
    expect(q.state).toMatch(/^[0-9a-f-]{36}$/)
    expect(server.provider.clientId).toBe('local-auth-client')
  })

  it('accepts every built-in provider name and custom:<id>', async () => {
    for (const p of ['apple', 'x', 'vercel_marketplace', 'linkedin_oidc', 'workos', 'custom:acme']) {
      expect((await authorize(`provider=${p}`)).status).toBe(302)
    }
  })

  it('answers unknown providers, PKCE mistakes and unknown invites with GoTrue errors', async () => {
    const unknown = await authorize('provider=Myspace')
    expect(unknown.body).toEqual({ code: 400, error_code: 'validation_failed', msg: 'Unsupported provider: Provider myspace could not be found' })
    expect((await authorize('')).body.msg).toBe('Unsupported provider: Provider  could not be found')
    const { challenge } = pkcePair()
    expect((await authorize(`provider=github&code_challenge=${challenge}`)).body.msg).toBe('PKCE flow requires code_challenge_method and code_challenge')
    expect((await authorize('provider=github&code_challenge=short&code_challenge_method=s256')).body.msg).toBe(
      'code challenge has to be between 43 and 128 characters',
    )
    expect((await authorize(`provider=github&code_challenge=${'!'.repeat(43)}&code_challenge_method=s256`)).body.msg).toBe(
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    )
    const method = await authorize(`provider=github&code_challenge=${challenge}&code_challenge_method=md5`)
    expect(method.body).toEqual({ code: 400, error_code: 'validation_failed', msg: 'Invalid code_challenge_method' })
    const invite = await authorize('provider=github&invite_token=nope')
    expect(invite.body).toEqual({ code: 404, error_code: 'user_not_found', msg: 'User identified by token not found' })
  })
})

describe('implicit flow', () => {
  it('signs in and redirects with the session and provider tokens in the fragment', async () => {
    const email = uniqueEmail('gh')
    server.provider.nextUser({ sub: uniqueSub('gh'), email, name: 'Ada', avatar_url: 'https://img.test/ada.png' })
    const end = await walk(server, `/authorize?provider=github&redirect_to=${encodeURIComponent(`${APP}/cb`)}`)
    expect(end.status).toBe(302)
    expect(end.location.startsWith(`${APP}/cb#`)).toBe(true)
    const keys = end.location.split('#')[1]!.split('&').map((kv) => kv.split('=')[0])
    expect(keys).toEqual(['access_token', 'expires_at', 'expires_in', 'provider_refresh_token', 'provider_token', 'refresh_token', 'sb', 'token_type'])
    const f = fragment(end.location)
    expect(f).toMatchObject({ token_type: 'bearer', expires_in: '3600', sb: '' })
    expect(claims(f.access_token!).amr).toEqual([{ method: 'oauth', timestamp: expect.any(Number) }])
    const user = (await call(server, 'GET', '/user', { token: f.access_token })).body
    expect(user).toMatchObject({ email, app_metadata: { provider: 'github', providers: ['github'] }, user_metadata: { name: 'Ada', email_verified: true } })
    expect(user.email_confirmed_at).toBeDefined()
    expect(user.identities).toHaveLength(1)
    expect(user.identities[0]).toMatchObject({
      provider: 'github',
      email,
      identity_data: {
        iss: `${server.url}/idp`, name: 'Ada', full_name: 'Ada', email, email_verified: true, phone_verified: false,
        avatar_url: 'https://img.test/ada.png', picture: 'https://img.test/ada.png',
      },
    })
    expect(user.identities[0].identity_data.sub).toBe(user.identities[0].id)
    const refreshed = await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: f.refresh_token } })
    expect(refreshed.status).toBe(200)
  })

  it('uses the Referer when redirect_to is not allowed, else the site URL, and accepts allow-listed targets', async () => {
    const target = async (q: string, headers: Record<string, string> = {}) => {
      server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
      const first = await hop(`${server.url}/authorize?provider=gitlab&${q}`, { headers })
      return (await walk(server, first.location)).location.split('#')[0]
    }
    expect(await target('redirect_to=https://evil.test/x', { Referer: `${APP}/from` })).toBe(`${APP}/from`)
    expect(await target('redirect_to=https://evil.test/x')).toBe(APP)
    expect(await target(`redirect_to=${encodeURIComponent('https://app.example.com/a/b?x=1')}`)).toBe('https://app.example.com/a/b?x=1')
  })

  it('consumes the state: a replayed callback goes to the site URL', async () => {
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
    const toIdp = await authorize('provider=discord')
    const toCallback = await hop(toIdp.headers.get('location')!)
    expect((await hop(toCallback.location)).status).toBe(302)
    const replay = await hop(toCallback.location)
    expect(replay.status).toBe(303)
    expect(replay.location).toBe(`${APP}?error=invalid_request&error_code=bad_oauth_state&error_description=OAuth+state+not+found+or+expired`)
  })

  it('accepts the provider answer as a POST form', async () => {
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
    const toCallback = await hop((await authorize('provider=apple')).headers.get('location')!)
    const { state, code } = query(toCallback.location)
    const res = await hop(`${server.url}/callback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state: state!, code: code! }).toString(),
    })
    expect(res.status).toBe(302)
    expect(fragment(res.location).access_token).toBeDefined()
  })
})

describe('PKCE flow', () => {
  it('redirects with ?code=, which grant_type=pkce exchanges once for a session with provider tokens', async () => {
    const { verifier, challenge } = pkcePair()
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
    const end = await walk(server, `/authorize?provider=google&code_challenge=${challenge}&code_challenge_method=S256&redirect_to=${encodeURIComponent(`${APP}/cb?next=%2Fhome`)}`)
    expect(end.status).toBe(302)
    const q = query(end.location)
    expect(end.location).toBe(`${APP}/cb?code=${q.code}&next=%2Fhome`)
    const bad = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: q.code, code_verifier: 'x'.repeat(43) } })
    expect(bad.body).toMatchObject({ error_code: 'bad_code_verifier' })
    const res = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: q.code, code_verifier: verifier } })
    expect(res.status).toBe(200)
    expect(res.body.provider_token).toMatch(/^idp_at_/)
    expect(res.body.provider_refresh_token).toMatch(/^idp_rt_/)
    expect(res.body.user.app_metadata.provider).toBe('google')
    expect(claims(res.body.access_token).amr[0].method).toBe('oauth')
    const again = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: q.code, code_verifier: verifier } })
    expect(again.body).toMatchObject({ code: 404, error_code: 'flow_state_not_found', msg: 'invalid flow state, no valid flow state found' })
  })

  it('refuses a second callback for the same state with flow_state_already_used', async () => {
    const { challenge } = pkcePair()
    server.provider.setUser({ sub: uniqueSub(), email: uniqueEmail() })
    try {
      const toIdp = (await authorize(`provider=google&code_challenge=${challenge}&code_challenge_method=plain`)).headers.get('location')!
      const first = await hop((await hop(toIdp)).location)
      expect(query(first.location).code).toBeDefined()
      const second = await hop((await hop(toIdp)).location)
      expect(second.status).toBe(303)
      expect(query(second.location)).toEqual({ error: 'invalid_request', error_code: 'flow_state_already_used', error_description: 'State has already been used' })
    } finally {
      server.provider.setUser(null)
    }
  })
})

describe('GET /callback errors', () => {
  const siteError = async (path: string, code: string, description: string) => {
    const res = await hop(`${server.url}${path}`)
    expect(res.status).toBe(303)
    expect(query(res.location)).toEqual({ error: 'invalid_request', error_code: code, error_description: description })
  }

  it('sends state problems to the site URL with 303', async () => {
    await siteError('/callback?code=x', 'bad_oauth_callback', 'OAuth state parameter missing')
    await siteError('/callback?state=nope', 'bad_oauth_state', 'OAuth state parameter is invalid')
    await siteError('/callback?state=1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'bad_oauth_state', 'OAuth state not found or expired')
    const toIdp = (await authorize('provider=github')).headers.get('location')!
    clock.advance(301_000)
    await siteError(`/callback?state=${query(toIdp).state}&code=x`, 'bad_oauth_state', 'OAuth state has expired')
  })

  it('sends later errors to the flow redirect, in the query and the fragment', async () => {
    const at = async (extra: string) => {
      const state = query((await authorize(`provider=github&redirect_to=${encodeURIComponent(`${APP}/cb?keep=1`)}`)).headers.get('location')!).state
      return hop(`${server.url}/callback?state=${state}&${extra}`)
    }
    const denied = await at('error=access_denied&error_description=User+said+no')
    expect(denied.status).toBe(302)
    expect(denied.location).toBe(`${APP}/cb?error=access_denied&error_description=User+said+no&keep=1#error=access_denied&error_description=User+said+no&keep=1&sb=`)
    const missing = await at('')
    expect(query(missing.location)).toEqual({
      error: 'invalid_request', error_code: 'bad_oauth_callback', error_description: 'OAuth callback with missing authorization code missing', keep: '1',
    })
    const badCode = await at('code=forged')
    expect(query(badCode.location)).toMatchObject({ error: 'server_error', error_code: 'unexpected_failure' })
    expect(fragment(badCode.location)).toMatchObject({ error: 'server_error', sb: '' })
  })

  it('fails a provider that shares no email with a 500 in the redirect', async () => {
    server.provider.nextUser({ sub: uniqueSub() })
    const end = await walk(server, '/authorize?provider=twitter')
    expect(query(end.location)).toEqual({
      error: 'server_error', error_code: 'unexpected_failure', error_description: 'Error getting user email from external provider',
    })
  })

  it('passes a provider error through: nextError', async () => {
    server.provider.nextError({ error: 'access_denied', error_description: 'Cancelled' })
    const end = await walk(server, '/authorize?provider=github')
    expect(end.location).toBe(`${APP}?error=access_denied&error_description=Cancelled#error=access_denied&error_description=Cancelled&sb=`)
    server.provider.nextError()
    expect(query((await walk(server, '/authorize?provider=github')).location).error).toBe('access_denied')
  })
})

describe('the identity provider page', () => {
  it('serves a form when nobody is configured, and signs in whoever fills it in', async () => {
    const page = await walk(server, `/authorize?provider=github&redirect_to=${encodeURIComponent(`${APP}/cb`)}`)
    expect(page.status).toBe(200)
    for (const field of ['name="sub"', 'name="email"', 'name="email_verified"', 'name="name"', 'name="state"']) expect(page.text).toContain(field)
    const hidden = Object.fromEntries([...page.text.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]!.replace(/&#38;/g, '&')]))
    const email = uniqueEmail('form')
    const submit = (fields: Record<string, string>) =>
      hop(`${server.url}/idp/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...hidden, ...fields }).toString(),
      })
    const posted = await submit({ sub: uniqueSub('form'), email, email_verified: 'true', name: 'Grace' })
    expect(posted.status).toBe(303)
    expect(posted.location.startsWith(`${server.url}/callback?code=`)).toBe(true)
    const end = await walk(server, posted.location)
    const user = (await call(server, 'GET', '/user', { token: fragment(end.location).access_token })).body
    expect(user).toMatchObject({ email, user_metadata: { name: 'Grace' } })

    const again = await walk(server, '/authorize?provider=github')
    const state = /name="state" value="([^"]+)"/.exec(again.text)![1]!
    const cancel = await hop(`${server.url}/idp/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, state, deny: '1' }).toString(),
    })
    expect(query((await walk(server, cancel.location)).location)).toMatchObject({ error: 'access_denied' })
  })

  it('refuses requests that are not from its auth server', async () => {
    const res = await hop(`${server.url}/idp/authorize?client_id=other&redirect_uri=${encodeURIComponent(`${server.url}/callback`)}&state=s`)
    expect(res.status).toBe(400)
    const elsewhere = await hop(`${server.url}/idp/authorize?client_id=local-auth-client&redirect_uri=https://evil.test&state=s`)
    expect(elsewhere.status).toBe(400)
  })
})
