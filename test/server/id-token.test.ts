/**
 * `POST /token?grant_type=id_token` against the local OIDC issuer (`server.oidc`), contract §4.3 and §8.2.
 */
import { SignJWT, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, signUp, start, uniqueEmail } from '../support/server-helpers.js'
import { sha256Hex, uniqueSub } from './oauth-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

const grant = (body: unknown, token?: string, srv = server) =>
  call(srv, 'POST', '/token?grant_type=id_token', { body, ...(token ? { token } : {}) })
const invalid = (description: string) => ({ error: 'invalid request', error_description: description })

describe('signing in', () => {
  it('creates a user with a google identity, AMR oauth, and signs the same identity in again', async () => {
    const sub = uniqueSub('g')
    const email = uniqueEmail('g')
    const idToken = await server.oidc.issueIdToken({ sub, email, name: 'Ada', avatar_url: 'https://img.test/a.png' })
    const res = await grant({ provider: 'google', id_token: idToken })
    expect(res.status).toBe(200)
    expect(res.body.provider_token).toBeUndefined()
    expect(claims(res.body.access_token).amr).toEqual([{ method: 'oauth', timestamp: expect.any(Number) }])
    expect(res.body.user).toMatchObject({ email, app_metadata: { provider: 'google', providers: ['google'] } })
    expect(res.body.user.identities[0]).toMatchObject({
      id: sub,
      provider: 'google',
      identity_data: { iss: 'https://accounts.google.com', sub, email, email_verified: true, name: 'Ada', picture: 'https://img.test/a.png' },
    })
    const again = await grant({ provider: 'google', id_token: await server.oidc.issueIdToken({ sub, email }) })
    expect(again.body.user.id).toBe(res.body.user.id)
  })

  it('accepts each provider with its own issuer, and the legacy issuer + client_id form', async () => {
    for (const provider of ['apple', 'azure', 'facebook', 'kakao', 'snapchat', 'vercel_marketplace', 'keycloak', 'custom:acme']) {
      const idToken = await server.oidc.issueIdToken({ sub: uniqueSub(provider), email: uniqueEmail(), provider })
      const res = await grant({ provider, id_token: idToken })
      expect(res.status, provider).toBe(200)
      expect(res.body.user.identities[0].provider).toBe(provider)
    }
    const keycloak = await grant({ provider: 'keycloak', id_token: await server.oidc.issueIdToken({ sub: uniqueSub(), provider: 'keycloak', email: uniqueEmail() }) })
    expect(keycloak.body.user.identities[0].identity_data.iss).toBe(server.oidc.issuer)
    const legacy = await grant({
      issuer: 'https://accounts.google.com',
      client_id: 'ignored',
      id_token: await server.oidc.issueIdToken({ sub: uniqueSub(), email: uniqueEmail() }),
    })
    expect(legacy.status).toBe(200)
  })

  it('publishes the issuer key as a JWKS and a discovery document', async () => {
    const jwks = (await fetch(server.oidc.jwksUrl).then((r) => r.json())) as { keys: Array<{ kid: string; kty: string }> }
    const token = await server.oidc.issueIdToken({ sub: 's' })
    const { kid } = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }
    expect(jwks.keys).toEqual([expect.objectContaining({ kid, kty: 'RSA', alg: 'RS256', use: 'sig' })])
    expect(server.oidc.jwksUrl).toBe(`${server.url}/idp/.well-known/jwks.json`)
    const discovery = await fetch(`${server.url}/idp/.well-known/openid-configuration`).then((r) => r.json())
    expect(discovery).toMatchObject({ issuer: `${server.url}/idp`, jwks_uri: server.oidc.jwksUrl })
  })

  it('checks the nonce: both or neither, and the token carries hex SHA-256 of the body nonce', async () => {
    const sub = uniqueSub()
    const withNonce = await server.oidc.issueIdToken({ sub, email: uniqueEmail(), nonce: sha256Hex('raw-nonce') })
    expect((await grant({ provider: 'google', id_token: withNonce })).body).toEqual(invalid('Passed nonce and nonce in id_token should either both exist or not.'))
    const without = await server.oidc.issueIdToken({ sub, email: uniqueEmail() })
    expect((await grant({ provider: 'google', id_token: without, nonce: 'raw-nonce' })).body).toEqual(
      invalid('Passed nonce and nonce in id_token should either both exist or not.'),
    )
    expect((await grant({ provider: 'google', id_token: withNonce, nonce: 'other' })).body).toEqual({ error: 'invalid nonce', error_description: 'Nonces mismatch' })
    expect((await grant({ provider: 'google', id_token: withNonce, nonce: 'raw-nonce' })).status).toBe(200)
  })
})

describe('bad tokens and requests', () => {
  it('answers "Bad ID token" for a foreign signature, an expired token and the wrong issuer', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT({ sub: 'x', aud: server.oidc.clientId })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://accounts.google.com')
      .setExpirationTime('1h')
      .sign(privateKey)
    for (const idToken of [
      forged,
      await server.oidc.issueIdToken({ sub: 'x', expiresIn: -10 }),
      await server.oidc.issueIdToken({ sub: 'x', provider: 'facebook' }),
      'a.b.c',
    ]) {
      const res = await grant({ provider: 'google', id_token: idToken })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(invalid('Bad ID token'))
    }
  })

  it('needs a sub and the configured audience', async () => {
    expect((await grant({ provider: 'google', id_token: await server.oidc.issueIdToken({ sub: '' }) })).body).toEqual(invalid('Missing sub claim in id_token'))
    const aud = await server.oidc.issueIdToken({ sub: 'x', aud: ['web', 'ios'] })
    expect((await grant({ provider: 'google', id_token: aud })).body).toEqual(invalid('Unacceptable audience in id_token: [web ios]'))
  })

  it('validates the request with the OAuth-style errors', async () => {
    expect((await grant({ provider: 'google' })).body).toEqual(invalid('id_token required'))
    expect((await grant({ id_token: 'a.b.c', issuer: 'https://accounts.google.com' })).body).toEqual(invalid('provider or client_id and issuer required'))
    expect((await grant({ provider: 'google', id_token: 'a.b.c', link_identity: true })).body).toEqual(
      invalid('Linking requires a valid user access token in Authorization'),
    )
    const other = await grant({ issuer: 'https://issuer.test', client_id: 'c', id_token: 'a.b.c' })
    expect(other.body).toMatchObject({ code: 400, error_code: 'validation_failed' })
  })

  it('keeps providers that are off answering provider_disabled', async () => {
    const some = await start({ externalProviders: ['github'], oauthClientId: 'my-app' })
    try {
      expect(some.oidc.clientId).toBe('my-app')
      const res = await grant({ provider: 'google', id_token: await some.oidc.issueIdToken({ sub: 'x' }) }, undefined, some)
      expect(res.body).toEqual({ code: 400, error_code: 'provider_disabled', msg: 'Provider (issuer "https://accounts.google.com") is not enabled' })
      const custom = await grant({ provider: 'custom:acme', id_token: 'a.b.c' }, undefined, some)
      expect(custom.body).toMatchObject({ error_code: 'validation_failed', msg: 'Custom provider "custom:acme" not found' })
    } finally {
      await some.close()
    }
  })

  it('answers account errors as JSON HTTP errors: signup_disabled, provider_email_needs_verification', async () => {
    const closed = await start({ disableSignup: true })
    const strict = await start({ mailerAutoconfirm: false })
    try {
      const a = await grant({ provider: 'google', id_token: await closed.oidc.issueIdToken({ sub: 'x', email: uniqueEmail() }) }, undefined, closed)
      expect(a.body).toEqual({ code: 422, error_code: 'signup_disabled', msg: 'Signups not allowed for this instance' })
      const email = uniqueEmail()
      const b = await grant({ provider: 'apple', id_token: await strict.oidc.issueIdToken({ sub: 'y', email, email_verified: false, provider: 'apple' }) }, undefined, strict)
      expect(b.body).toEqual({
        code: 422,
        error_code: 'provider_email_needs_verification',
        msg: 'Unverified email with apple. A confirmation email has been sent to your apple email',
      })
      expect(strict.outbox.latest(email, 'signup')).toBeDefined()
    } finally {
      await Promise.all([closed.close(), strict.close()])
    }
  })
})

describe('link_identity', () => {
  it('links the identity to the bearer, then refuses it again for the same or another user', async () => {
    const session = await signUp(server)
    const sub = uniqueSub('link')
    const idToken = await server.oidc.issueIdToken({ sub, email: uniqueEmail('other') })
    const res = await grant({ provider: 'google', id_token: idToken, link_identity: true }, session.access_token)
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(session.user.id)
    expect(res.body.user.email).toBe(session.user.email)
    expect(res.body.user.identities.map((i: { provider: string }) => i.provider)).toEqual(['email', 'google'])
    const same = await grant({ provider: 'google', id_token: idToken, link_identity: true }, session.access_token)
    expect(same.body).toEqual({ code: 422, error_code: 'identity_already_exists', msg: 'Identity is already linked' })
    const other = await signUp(server)
    const taken = await grant({ provider: 'google', id_token: idToken, link_identity: true }, other.access_token)
    expect(taken.body).toEqual({ code: 422, error_code: 'identity_already_exists', msg: 'Identity is already linked to another user' })
    expect((await grant({ provider: 'google', id_token: idToken, link_identity: true }, 'not-a-jwt')).body.error_code).toBe('bad_jwt')
  })

  it('gives an anonymous user the verified email of the linked identity', async () => {
    const anon = await call(server, 'POST', '/signup', { body: {} })
    const email = uniqueEmail('anon')
    const res = await grant(
      { provider: 'google', id_token: await server.oidc.issueIdToken({ sub: uniqueSub(), email }), link_identity: true },
      anon.body.access_token,
    )
    expect(res.body.user).toMatchObject({ id: anon.body.user.id, email, is_anonymous: false })
    expect(res.body.user.email_confirmed_at).toBeDefined()
  })
})
