/**
 * How each way of signing in talks to the server. The chart's `signIn` actor hands the operation here;
 * the switch on `kind` is the whole dispatch, checked for exhaustiveness by the compiler.
 * @module
 */
import type { SignInOutput } from '../../machines/lifecycle-types.js'
import type { SignInOperation } from '../../machines/operations.js'
import * as api from '../api/index.js'
import { decodeJwt } from '../encoding/jwt.js'
import type { Http } from '../http/index.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { toSession } from './session.js'

function signedIn(response: TokenResponse, receivedAt: number, event: SignInOutput['event'] = 'SIGNED_IN'): SignInOutput {
  const session = toSession(response, receivedAt)
  return { session, user: session.user, event }
}

/** Trades the operation's credential for a session (unsaved), or learns that none is due yet. */
export async function callSignIn(transport: Http, now: () => number, operation: SignInOperation, options: CallOptions): Promise<SignInOutput> {
  switch (operation.kind) {
    case 'signUp': {
      const result = await api.signUp(transport, operation.params, options)
      if (result.kind === 'session') return signedIn(result.response, now())
      return { session: null, user: result.user, event: 'SIGNED_IN' }
    }
    case 'password': {
      const response = await api.signInWithPassword(transport, operation.params, options)
      const output = signedIn(response, now())
      return response.weak_password ? { ...output, weakPassword: response.weak_password } : output
    }
    case 'anonymous':
      return signedIn(await api.signInAnonymously(transport, operation.params, options), now())
    case 'verifyOtp': {
      const result = await api.verifyOtp(transport, operation.params, options)
      if (result.kind === 'session') return signedIn(result.response, now(), operation.params.type === 'recovery' ? 'PASSWORD_RECOVERY' : 'SIGNED_IN')
      if (result.kind === 'user') return { session: null, user: result.user, event: 'SIGNED_IN' }
      return { session: null, user: null, event: 'SIGNED_IN', message: result.message }
    }
    case 'setSession':
      return adoptTokens(transport, now(), operation.accessToken, operation.refreshToken, options)
    case 'refreshToken':
      return signedIn(await api.refreshAccessToken(transport, operation.refreshToken, options), now())
  }
}

/**
 * Adopts tokens obtained elsewhere. An unexpired access token is checked with `GET /user` (which also
 * proves the session still exists); an expired one is traded in with its refresh token.
 */
async function adoptTokens(transport: Http, receivedAt: number, accessToken: string, refreshToken: string, options: CallOptions): Promise<SignInOutput> {
  const exp = decodeJwt(accessToken).payload.exp
  if (exp === undefined || exp * 1000 <= receivedAt) {
    return signedIn(await api.refreshAccessToken(transport, refreshToken, options), receivedAt)
  }
  const user = await api.getUser(transport, accessToken, options)
  const expires_in = Math.max(0, exp - Math.floor(receivedAt / 1000))
  return signedIn({ access_token: accessToken, refresh_token: refreshToken, token_type: 'bearer', expires_in, user }, receivedAt)
}
