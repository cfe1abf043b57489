/**
 * The one way a call made with the user's access token goes out: `getUser`, `updateUser`,
 * `reauthenticate`, every `mfa.*` call, `signOut({ scope: 'others' })`. The token is fresh (refreshed
 * first when due), and an answer meaning the session or its user is gone (`session_not_found`,
 * `user_not_found`, `user_banned`) ends the session here the same way whichever call met it; the chart
 * takes that news once (later ones find it signed out already).
 * @module
 */
import { endsSession } from '../../machines/failures.js'
import type { Session } from '../types.js'
import type { ClientCore } from './core.js'

/**
 * Runs `call` with a usable session's access token.
 *
 * @example
 * const user = await withSession(core, (token) => api.getUser(core.io.transport, token, options))
 */
export async function withSession<T>(core: ClientCore, call: (accessToken: string, session: Session) => Promise<T>): Promise<T> {
  const session = await core.requireSession()
  try {
    return await call(session.access_token, session)
  } catch (error) {
    if (endsSession(error)) core.actor.send({ type: 'SESSION_REVOKED', error, token: session.access_token })
    throw error
  }
}
