/**
 * The wire shapes of the OAuth 2.1 server's user calls (`src/api/oauth-server.ts`) against a scripted
 * server: what goes out, how answers are read (details vs redirect, absent fields left absent), and bad
 * arguments refused before any request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  consentToAuthorization, getAuthorizationDetails, listOAuthGrants, parseAuthorizationDetails, parseGrants, revokeOAuthGrant,
} from '../../src/api/oauth-server.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../../src/errors.js'
import { createHttp, type Http } from '../../src/http/client.js'
import { json, startTestServer, type TestServer } from '../support/http-test-server.js'

const JWT = 'user-access-jwt'
const CLIENT = '0b9c1a52-8d64-4f0e-a3a5-2f4d6c7e8f90'

let server: TestServer
let http: Http
beforeAll(async () => {
  server = await startTestServer()
  http = createHttp({ url: server.url, apiKey: 'anon-key-value' })
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
})

const rejection = (call: Promise<unknown>): Promise<unknown> => call.then(() => 'resolved', (e: unknown) => e)

describe('OAuth server user calls', () => {
  it('reads details to consent to, the client fields the server left out staying absent', async () => {
    server.handler = (_req, res) => json(res, 200, { authorization_id: 'abc', redirect_uri: 'https://app.example/cb', client: { id: CLIENT, name: 'Acme' }, user: { id: 'u1' }, scope: 'email' })
    const details = await getAuthorizationDetails(http, JWT, 'abc')
    expect(server.last()).toMatchObject({ method: 'GET', path: '/oauth/authorizations/abc' })
    expect(server.last().headers['authorization']).toBe(`Bearer ${JWT}`)
    expect(details).toEqual({ authorization_id: 'abc', redirect_uri: 'https://app.example/cb', client: { id: CLIENT, name: 'Acme' }, user: { id: 'u1' }, scope: 'email' })
  })

  it('reads an already-consented request as a redirect; anything else is malformed', () => {
    expect(parseAuthorizationDetails({ redirect_url: 'https://app.example/cb?code=x' })).toEqual({ redirect_url: 'https://app.example/cb?code=x' })
    for (const body of [null, [], {}, { authorization_id: 'a', scope: 'email' }, { authorization_id: 'a', scope: 'email', user: { id: 'u' }, client: {} }]) {
      expect(() => parseAuthorizationDetails(body), JSON.stringify(body)).toThrow(AuthInvalidTokenResponseError)
    }
  })

  it('sends the decision as { action } to the consent path, the id escaped as one segment', async () => {
    server.handler = (_req, res) => json(res, 200, { redirect_url: 'https://app.example/cb?error=access_denied' })
    const answer = await consentToAuthorization(http, JWT, 'a/b', 'deny')
    expect(server.last()).toMatchObject({ method: 'POST', path: '/oauth/authorizations/a%2Fb/consent', body: { action: 'deny' } })
    expect(answer).toEqual({ redirect_url: 'https://app.example/cb?error=access_denied' })
  })

  it('lists grants, and revokes one by client_id in the query (204)', async () => {
    server.handler = (_req, res) => json(res, 200, [{ client: { id: CLIENT }, scopes: ['email', 7], granted_at: '2026-01-01T00:00:00Z' }])
    expect(await listOAuthGrants(http, JWT)).toEqual([{ client: { id: CLIENT }, scopes: ['email'], granted_at: '2026-01-01T00:00:00Z' }])
    expect(() => parseGrants({ clients: [] })).toThrow(AuthInvalidTokenResponseError)
    server.handler = (_req, res) => {
      res.writeHead(204)
      res.end()
    }
    await revokeOAuthGrant(http, JWT, CLIENT)
    expect(server.last()).toMatchObject({ method: 'DELETE', path: '/user/oauth/grants' })
    expect(server.last().query.get('client_id')).toBe(CLIENT)
  })

  it('refuses an empty authorization id and a client id that is no UUID, before any request', async () => {
    expect(await rejection(getAuthorizationDetails(http, JWT, ''))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(consentToAuthorization(http, JWT, undefined as never, 'approve'))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(await rejection(revokeOAuthGrant(http, JWT, 'client'))).toBeInstanceOf(AuthInvalidCredentialsError)
    expect(server.requests).toHaveLength(0)
  })
})
