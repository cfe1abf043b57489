/**
 * Turning token responses into stored sessions. Expiry is always counted from the moment this device
 * received the token (`receivedAt + expires_in`), never from the server's clock; when a session counts as
 * expiring is the refresh policy's rule (`machines/refresh-policy.ts`).
 * @module
 */
import type { Session, TokenResponse } from '../types.js'

export function toSession(response: TokenResponse, receivedAt: number): Session {
  const session: Session = {
    access_token: response.access_token,
    token_type: response.token_type,
    expires_in: response.expires_in,
    // Rounded up: a token whose lifetime is under a second (`expires_in: 0`) is then due at the next whole
    // second at the earliest, not at once, so a server handing such tokens out gets one refresh a second from
    // this client instead of an endless run of them.
    expires_at: Math.ceil(receivedAt / 1000) + response.expires_in,
    refresh_token: response.refresh_token,
    user: response.user,
  }
  if (response.provider_token !== undefined) session.provider_token = response.provider_token
  if (response.provider_refresh_token !== undefined) session.provider_refresh_token = response.provider_refresh_token
  return session
}
