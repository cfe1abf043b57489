/**
 * Good GoTrue bodies for the property tests, and the signed-in session they start from. Tokens are
 * structurally real (decodable JWTs) and never signed: no check in these tests depends on a signature.
 * Every secret carries a marker, so a scan of error messages can tell one apart from prose.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { JsonValue } from '../arbitraries/answers.js'
import type { Session } from '../../../src/types.js'

export const USER_ID = '2b7c0a9e-5d1f-4c3b-8e6a-1f2d3c4b5a69'
export const OTHER_ID = '8d3e1f20-7a6b-4c5d-9e8f-0a1b2c3d4e5f'
export const FACTOR_ID = '5f0e9d8c-7b6a-4958-8f7e-6d5c4b3a2910'
export const CHALLENGE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'
export const CLIENT_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f'

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

let serial = 0

/** A fresh marked secret: unique per call, long enough that the client's redaction considers it. */
export function secret(kind: string): string {
  serial += 1
  return `${kind}-SECRET-${process.pid}-${serial}-${Math.random().toString(36).slice(2, 10)}`
}

/** An access token for `sub`, expiring `ttl` seconds from now. `alg`/`kid` make it one `getClaims` checks with a JWKS. */
export function accessToken(options: { sub?: string; ttl?: number; aal?: 'aal1' | 'aal2'; alg?: string; kid?: string } = {}): string {
  const now = Math.floor(Date.now() / 1000)
  const header = { alg: options.alg ?? 'HS256', typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) }
  const payload = {
    sub: options.sub ?? USER_ID,
    exp: now + (options.ttl ?? 3600),
    iat: now,
    aal: options.aal ?? 'aal1',
    role: 'authenticated',
    session_id: 'c0ffee00-0000-4000-8000-000000000001',
    amr: [{ method: 'password', timestamp: now }],
  }
  return `${b64url(header)}.${b64url(payload)}.${Buffer.from(secret('sig')).toString('base64url')}`
}

export function userBody(id = USER_ID): { [key: string]: JsonValue } {
  return {
    id,
    aud: 'authenticated',
    role: 'authenticated',
    email: 'ada@example.com',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: { name: 'Ada' },
    identities: [{ identity_id: OTHER_ID, id: USER_ID, user_id: USER_ID, provider: 'email', identity_data: {}, created_at: '2026-01-01T00:00:00Z' }],
    factors: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    is_anonymous: false,
  }
}

/** A token response as GoTrue sends it from `/token`, `/verify`, `/signup` (autoconfirm) and MFA verify. */
export function tokenBody(options: { aal?: 'aal1' | 'aal2' } = {}): { [key: string]: JsonValue } {
  return {
    access_token: accessToken({ aal: options.aal }),
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    refresh_token: secret('refresh'),
    user: userBody(),
  }
}

/** The session a client starts from, as auth-js stores it; `ttl` below the refresh margin makes restore refresh it. */
export function seededSession(ttl = 3600): Session {
  const now = Math.floor(Date.now() / 1000)
  return {
    access_token: accessToken({ ttl }),
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: now + ttl,
    refresh_token: secret('refresh'),
    user: { id: USER_ID, aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z', is_anonymous: false },
  }
}

/** WebAuthn registration options as GoTrue sends them (binary fields base64url). */
export function creationOptions(): { [key: string]: JsonValue } {
  return {
    challenge: Buffer.from('registration-challenge').toString('base64url'),
    rp: { id: 'example.com', name: 'Example' },
    user: { id: Buffer.from(USER_ID).toString('base64url'), name: 'ada@example.com', displayName: 'Ada' },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    timeout: 60_000,
    excludeCredentials: [{ id: Buffer.from('old-credential').toString('base64url'), type: 'public-key', transports: ['usb'] }],
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    attestation: 'none',
  }
}

export function requestOptions(): { [key: string]: JsonValue } {
  return {
    challenge: Buffer.from('assertion-challenge').toString('base64url'),
    rpId: 'example.com',
    timeout: 60_000,
    allowCredentials: [{ id: Buffer.from('credential').toString('base64url'), type: 'public-key' }],
    userVerification: 'preferred',
  }
}

export function passkeyBody(): { [key: string]: JsonValue } {
  return { id: OTHER_ID, friendly_name: 'Laptop', created_at: '2026-01-01T00:00:00Z', last_used_at: '2026-02-01T00:00:00Z' }
}

export function oauthClientBody(): { [key: string]: JsonValue } {
  return {
    client_id: CLIENT_ID,
    client_name: 'CLI',
    client_secret: secret('client'),
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    registration_type: 'manual',
    redirect_uris: ['http://localhost:8976/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  }
}

/** An ES256 key whose public half a JWKS can list, and a signer of access tokens `getClaims` verifies with it. */
export async function es256Signer(kid: string): Promise<{ jwk: JsonValue; sign(): Promise<string> }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } as JsonValue
  return {
    jwk,
    sign: () =>
      new SignJWT({ aal: 'aal1', role: 'authenticated', session_id: 'c0ffee00-0000-4000-8000-000000000001' })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setSubject(USER_ID)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  }
}
