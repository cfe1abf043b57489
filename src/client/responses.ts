/**
 * The auth-js `data` of a finished sign-in, shared by the client and the companion entries.
 * @module
 */
import type { SignInOutput } from '../../machines/lifecycle-types.js'
import type { AuthResponse } from './types.js'

/** The user and session, and the message of a step that needs another. */
export function authResponse(output: SignInOutput): AuthResponse {
  return output.message === undefined ? { user: output.user, session: output.session } : { user: output.user, session: output.session, message: output.message }
}
