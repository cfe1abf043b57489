/** Sessions for machine unit tests: structurally real (the access token is a decodable JWT), never signed. */
import type { Factor, Session } from '../../src/types.js'

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export interface FakeSessionOptions {
  aal?: 'aal1' | 'aal2'
  anonymous?: boolean
  verifiedFactor?: boolean
  expiresAt?: number // epoch seconds
  refreshToken?: string
  userId?: string
  /** The server's session id (`session_id` claim): rotations of one sign-in share it. Default: a new one each call. */
  sessionId?: string
}

let counter = 0

export function fakeSession(options: FakeSessionOptions = {}): Session {
  counter += 1
  const now = Math.floor(Date.now() / 1000)
  const exp = options.expiresAt ?? now + 3600
  const userId = options.userId ?? '11111111-1111-4111-8111-111111111111'
  const factors: Factor[] | undefined = options.verifiedFactor
    ? [{ id: 'f1', factor_type: 'totp', status: 'verified', created_at: '', updated_at: '' }]
    : undefined
  const payload = { sub: userId, exp, iat: now, aal: options.aal ?? 'aal1', is_anonymous: options.anonymous ?? false, session_id: options.sessionId ?? `s${counter}` }
  return {
    access_token: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${Buffer.from(`sig${counter}`).toString("base64url")}`,
    token_type: 'bearer',
    expires_in: 3600, // the lifetime when issued, as stored sessions keep it
    expires_at: exp,
    refresh_token: options.refreshToken ?? `rt${counter}`,
    user: {
      id: userId,
      aud: 'authenticated',
      app_metadata: {},
      user_metadata: {},
      created_at: new Date().toISOString(),
      is_anonymous: options.anonymous ?? false,
      ...(factors ? { factors } : {}),
    },
  }
}

/**
 * A rotation of sign-in `sessionId` (sessions that share it are one sign-in): tokens expiring at `expiresAt`,
 * the user last updated at `updatedAt` when given.
 */
export function fakeRotation(sessionId: string, expiresAt: number, refreshToken: string, updatedAt?: string): Session {
  const session = fakeSession({ sessionId, expiresAt, refreshToken })
  return updatedAt === undefined ? session : { ...session, user: { ...session.user, updated_at: updatedAt } }
}
