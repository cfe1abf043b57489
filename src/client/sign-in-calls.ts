/**
 * How each way of signing in talks to the server. The chart's `signIn` actor hands the operation here;
 * the switch on `kind` is the whole dispatch, checked for exhaustiveness by the compiler.
 * @module
 */
import type { LifecycleIo, SignInOutput } from '../../machines/lifecycle-types.js'
import type { SignInOperation } from '../../machines/operations.js'
import * as api from '../api/index.js'
import { AuthApiError, AuthPKCECodeVerifierMissingError } from '../errors.js'
import type { Http } from '../http/index.js'
import { finishPkceFlow, pendingPkceFlows, type SessionStore } from '../storage/index.js'
import type { CallOptions, TokenResponse } from '../types.js'
import { toSession } from './session.js'

function signedIn(response: TokenResponse, receivedAt: number, event: SignInOutput['event'] = 'SIGNED_IN'): SignInOutput {
  const session = toSession(response, receivedAt)
  return { session, user: session.user, event }
}

/** Trades the operation's credential for a session (unsaved), or learns that none is due yet. */
export async function callSignIn(io: LifecycleIo, operation: SignInOperation, options: CallOptions): Promise<SignInOutput> {
  const { transport } = io
  const now = () => io.clock.now()
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
    case 'verifyOtp': {
      const result = await api.verifyOtp(transport, operation.params, options)
      if (result.kind === 'session') return signedIn(result.response, now(), operation.params.type === 'recovery' ? 'PASSWORD_RECOVERY' : 'SIGNED_IN')
      if (result.kind === 'user') return { session: null, user: result.user, event: 'SIGNED_IN' }
      return { session: null, user: null, event: 'SIGNED_IN', message: result.message }
    }
    case 'exchangeCode':
      return exchangeCode(transport, io.store, now, operation.authCode, operation.flowId, options)
    case 'tokens': {
      const response = await operation.check(transport, operation.tokens, now(), options)
      return signedIn(response, now(), operation.recovery ? 'PASSWORD_RECOVERY' : 'SIGNED_IN')
    }
    case 'grant': {
      const response = await api.requestSession(transport, operation.request, { ...options, jwt: operation.linkWith })
      return signedIn(response, now(), operation.linkWith === undefined ? 'SIGNED_IN' : 'USER_UPDATED')
    }
  }
}

function isBadVerifier(error: unknown): boolean {
  return error instanceof AuthApiError && error.code === 'bad_code_verifier'
}

/**
 * Trades a PKCE code for a session. The stored verifiers are tried most likely first; the server keeps the
 * code when a verifier does not match, so a second flow's verifier may be tried after the first. A code
 * with no verifier here fails before any request.
 */
async function exchangeCode(
  transport: Http,
  store: SessionStore,
  now: () => number,
  authCode: string,
  flowId: string | null,
  options: CallOptions,
): Promise<SignInOutput> {
  const flows = await pendingPkceFlows(store, flowId)
  if (flows.length === 0) throw new AuthPKCECodeVerifierMissingError()
  for (const [index, flow] of flows.entries()) {
    try {
      const response = await api.exchangeCodeForSession(transport, { authCode, codeVerifier: flow.verifier }, options)
      await finishPkceFlow(store, flow)
      return signedIn(response, now(), flow.recovery ? 'PASSWORD_RECOVERY' : 'SIGNED_IN')
    } catch (error) {
      if (!isBadVerifier(error) || index === flows.length - 1) throw error
    }
  }
  throw new AuthPKCECodeVerifierMissingError()
}
