/**
 * How each way of signing in talks to the server. The chart's `signIn` actor picks one of these by
 * `request.method`; each returns the session (unsaved) plus the `data` the promise resolves with.
 * @module
 */
import * as api from '../api/index.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import type { Http } from '../http/index.js'
import { combineSignals } from '../http/signals.js'
import { decodeJwt } from '../jwt/decode.js'
import type { SignInMethod, SignInRequest } from '../../machines/lifecycle-types.js'
import type { CallOptions, Session, TokenResponse } from '../types.js'
import { toSession } from './session.js'
import type {
  SignInAnonymouslyCredentials,
  SignInWithPasswordCredentials,
  SignUpWithPasswordCredentials,
  VerifyOtpParams,
} from './types.js'

export interface SignInCallResult {
  session: Session | null
  data: unknown
  event: 'SIGNED_IN' | 'PASSWORD_RECOVERY'
}

export interface SignInDeps {
  http: Http
  now(): number
}

type Call = (deps: SignInDeps, params: unknown, options: CallOptions) => Promise<SignInCallResult>

function signedIn(response: TokenResponse, now: number, event: SignInCallResult['event'] = 'SIGNED_IN'): SignInCallResult {
  const session = toSession(response, now)
  return { session, data: { user: session.user, session }, event }
}

/** Both contact fields go through as given, so the API layer can refuse "email and phone" outright. */
function contactOf(credentials: object): { email?: string; phone?: string } {
  const { email, phone } = credentials as { email?: string; phone?: string }
  return { email, phone }
}

const signUp: Call = async ({ http, now }, params, options) => {
  const credentials = params as SignUpWithPasswordCredentials
  const o = (credentials.options ?? {}) as { emailRedirectTo?: string; data?: Record<string, unknown>; captchaToken?: string; channel?: 'sms' | 'whatsapp' }
  const contact = contactOf(credentials)
  const result = await api.signUp(
    http,
    {
      ...contact,
      password: credentials.password,
      data: o.data ?? {},
      captchaToken: o.captchaToken,
      ...(contact.email === undefined ? { channel: o.channel ?? 'sms' } : { redirectTo: o.emailRedirectTo }),
    },
    options,
  )
  if (result.kind === 'session') return signedIn(result.response, now())
  return { session: null, data: { user: result.user, session: null }, event: 'SIGNED_IN' }
}

const password: Call = async ({ http, now }, params, options) => {
  const credentials = params as SignInWithPasswordCredentials
  const response = await api.signInWithPassword(
    http,
    { ...contactOf(credentials), password: credentials.password, captchaToken: credentials.options?.captchaToken },
    options,
  )
  const result = signedIn(response, now())
  const data = result.data as { user: unknown; session: Session }
  return response.weak_password ? { ...result, data: { ...data, weakPassword: response.weak_password } } : result
}

const anonymous: Call = async ({ http, now }, params, options) => {
  const credentials = (params ?? {}) as SignInAnonymouslyCredentials
  const response = await api.signInAnonymously(
    http,
    { data: credentials.options?.data, captchaToken: credentials.options?.captchaToken },
    options,
  )
  return signedIn(response, now())
}

const verifyOtp: Call = async ({ http, now }, params, options) => {
  const p = params as VerifyOtpParams & { token?: string; email?: string; phone?: string; options?: { redirectTo?: string; captchaToken?: string } }
  // Everything given goes through, so the API layer refuses mixes (a token hash must travel alone).
  const result = await api.verifyOtp(
    http,
    {
      type: p.type,
      token: p.token,
      token_hash: 'token_hash' in p ? p.token_hash : undefined,
      ...contactOf(p),
      redirectTo: p.options?.redirectTo,
      captchaToken: p.options?.captchaToken,
    },
    options,
  )
  if (result.kind === 'session') return signedIn(result.response, now(), p.type === 'recovery' ? 'PASSWORD_RECOVERY' : 'SIGNED_IN')
  if (result.kind === 'user') return { session: null, data: { user: result.user, session: null }, event: 'SIGNED_IN' }
  return { session: null, data: { user: null, session: null, message: result.message }, event: 'SIGNED_IN' }
}

/**
 * Adopts tokens obtained elsewhere. An unexpired access token is checked with `GET /user` (which also
 * proves the session still exists); an expired one is traded in with its refresh token.
 */
const setSession: Call = async ({ http, now }, params, options) => {
  const { access_token, refresh_token } = params as { access_token: string; refresh_token: string }
  const exp = decodeJwt(access_token).payload.exp
  const receivedAt = now()
  if (typeof exp !== 'number' || exp * 1000 <= receivedAt) {
    return signedIn(await api.refreshAccessToken(http, refresh_token, options), receivedAt)
  }
  const user = await api.getUser(http, access_token, options)
  const expires_in = Math.max(0, exp - Math.floor(receivedAt / 1000))
  return signedIn({ access_token, refresh_token, token_type: 'bearer', expires_in, user }, receivedAt)
}

const refreshToken: Call = async ({ http, now }, params, options) => {
  const { refresh_token } = params as { refresh_token: string }
  return signedIn(await api.refreshAccessToken(http, refresh_token, options), now())
}

const CALLS: Record<SignInMethod, Call> = { signUp, password, anonymous, verifyOtp, setSession, refreshToken }

export function callSignIn(deps: SignInDeps, request: SignInRequest, signal: AbortSignal): Promise<SignInCallResult> {
  const call = CALLS[request.method]
  if (!call) throw new AuthInvalidCredentialsError(`Unknown sign-in method`)
  const combined = combineSignals([signal, request.options?.signal])
  return call(deps, request.params, { ...request.options, signal: combined.signal }).finally(combined.dispose)
}
