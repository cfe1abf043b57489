/**
 * The answers of the precomputed server, built once: a real access token signed with an ES256 key that
 * `/.well-known/jwks.json` lists (as on a Supabase project with asymmetric keys, so `getClaims` verifies
 * locally), an HS256 anon key (as Supabase's), a GoTrue-shaped user, and token responses that both clients
 * accept. Also used to seed "signed-in" storage.
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { DEFAULT_JWT_SECRET } from '../../src/testing/config/options.js'

export const EMAIL = 'bench@example.com'
export const PASSWORD = 'bench-password'
export const STORAGE_KEY = 'sb-bench-auth-token'

const USER_ID = '6b1f0c2e-7d4a-4c6e-9a51-0f2b8e3d9c17'
const SESSION_ID = 'c0d8a3f1-52b9-4e77-8a6c-3e1f9b2d4a60'

export interface Bodies {
  anonKey: string
  user: Record<string, unknown>
  /** `POST /token?grant_type=password` */
  passwordGrant: string
  /** `POST /token?grant_type=refresh_token` */
  refreshGrant: string
  /** `GET /user` */
  userBody: string
  /** `GET /.well-known/jwks.json` */
  jwks: string
}

const KID = 'bench-es256'

type SigningKey = { alg: 'HS256'; key: Uint8Array } | { alg: 'ES256'; key: CryptoKey }

function sign(claims: Record<string, unknown>, expiresInSeconds: number, signer: SigningKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const header = signer.alg === 'ES256' ? { alg: 'ES256', kid: KID, typ: 'JWT' } : { alg: 'HS256', typ: 'JWT' }
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(signer.key)
}

/** Builds the precomputed answers; called once per process. */
export async function buildBodies(): Promise<Bodies> {
  const created = '2025-01-01T00:00:00.000000Z'
  const user = {
    id: USER_ID,
    aud: 'authenticated',
    role: 'authenticated',
    email: EMAIL,
    email_confirmed_at: created,
    phone: '',
    confirmed_at: created,
    last_sign_in_at: created,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: { email: EMAIL, email_verified: true, phone_verified: false, sub: USER_ID },
    identities: [
      {
        identity_id: '1d7a2b3c-4e5f-4a6b-8c9d-0e1f2a3b4c5d',
        id: USER_ID,
        user_id: USER_ID,
        identity_data: { email: EMAIL, email_verified: false, phone_verified: false, sub: USER_ID },
        provider: 'email',
        last_sign_in_at: created,
        created_at: created,
        updated_at: created,
        email: EMAIL,
      },
    ],
    created_at: created,
    updated_at: created,
    is_anonymous: false,
  }
  const yearSeconds = 365 * 24 * 3600
  const secret: SigningKey = { alg: 'HS256', key: new TextEncoder().encode(DEFAULT_JWT_SECRET) }
  const pair = await generateKeyPair('ES256', { extractable: true })
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig', key_ops: ['verify'] }] })
  const anonKey = await sign({ iss: 'supabase-demo', role: 'anon' }, 10 * yearSeconds, secret)
  const accessToken = await sign(
    {
      aud: 'authenticated',
      sub: USER_ID,
      email: EMAIL,
      phone: '',
      app_metadata: user.app_metadata,
      user_metadata: user.user_metadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: Math.floor(Date.now() / 1000) }],
      session_id: SESSION_ID,
      is_anonymous: false,
    },
    yearSeconds,
    { alg: 'ES256', key: pair.privateKey },
  )
  const tokenBody = (refreshToken: string) =>
    JSON.stringify({
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      refresh_token: refreshToken,
      user,
    })
  return {
    anonKey,
    user,
    passwordGrant: tokenBody('k3v7qz2mwx5p'),
    refreshGrant: tokenBody('r8n4tb6yhc1d'),
    userBody: JSON.stringify(user),
    jwks,
  }
}

/** A stored session in the auth-js v2 format (what both clients write), expiring `expiresInSeconds` from now. */
export function storedSession(tokenBody: string, expiresInSeconds = 3600): string {
  const parsed = JSON.parse(tokenBody) as Record<string, unknown>
  return JSON.stringify({ ...parsed, expires_in: 3600, expires_at: Math.floor(Date.now() / 1000) + expiresInSeconds })
}
