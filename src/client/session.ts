/**
 * Turning token responses into stored sessions, and judging their age. Expiry is always counted from the
 * moment this device received the token (`receivedAt + expires_in`), never from the server's clock.
 * @module
 */
import { refreshMarginFor } from '../../machines/refresh-policy.js'
import type { Session, TokenResponse } from '../types.js'

export function toSession(response: TokenResponse, receivedAt: number): Session {
  const session: Session = {
    access_token: response.access_token,
    token_type: response.token_type,
    expires_in: response.expires_in,
    expires_at: Math.floor(receivedAt / 1000) + response.expires_in,
    refresh_token: response.refresh_token,
    user: response.user,
  }
  if (response.provider_token !== undefined) session.provider_token = response.provider_token
  if (response.provider_refresh_token !== undefined) session.provider_refresh_token = response.provider_refresh_token
  return session
}

/** Within the refresh margin of expiry (or past it): time to refresh before handing the token out. */
export function isExpiringSoon(session: Session, now: number, marginMs: number): boolean {
  return session.expires_at * 1000 - refreshMarginFor(session, marginMs) <= now
}

export function isExpired(session: Session, now: number): boolean {
  return session.expires_at * 1000 <= now
}
