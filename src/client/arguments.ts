/**
 * Every public method's arguments, mapped from their auth-js shapes to what the chart or `src/api` takes:
 * the one place where `options.emailRedirectTo` becomes `redirectTo` and a phone sign-up gets its channel.
 * Shapes are checked here only as far as mapping needs (an object where one is expected); the API layer
 * checks the values themselves, so a bad value fails before any request with the same message whichever
 * method carried it.
 * @module
 */
import type { MfaVerifyOperation, RedirectOperation, SignInOperation } from '../../machines/operations.js'
import { anonymousSignInRequest, checkedProof, refreshRequest, type MfaProof, type RecoverParams, type ResendParams as ApiResendParams, type SendOtpParams, type UpdateUserParams } from '../api/index.js'
import { optionalString, requireObject, requireOneOf, requireString } from '../api/validate.js'
import type { CallOptions, SignOutScope } from '../types.js'
import type {
  ResendParams,
  SignInAnonymouslyCredentials,
  SignInWithOAuthCredentials,
  SignInWithPasswordCredentials,
  SignInWithPasswordlessCredentials,
  SignUpWithPasswordCredentials,
  VerifyOtpParams,
} from './types.js'

/**
 * The contact fields as given (both, if both are), so the API layer can refuse "email and phone" outright;
 * a field of the wrong type is refused here, by name.
 */
function contactOf(value: object): { email?: string; phone?: string } {
  const email = 'email' in value ? optionalString(value.email, 'email') : undefined
  const phone = 'phone' in value ? optionalString(value.phone, 'phone') : undefined
  return { email, phone }
}

/**
 * How the message reaches the user: a phone gets its channel (`sms` unless told), an email the address its
 * link leads back to (`options.emailRedirectTo` in auth-js).
 */
function deliveryOf(
  contact: { email?: string },
  extra: { channel?: 'sms' | 'whatsapp'; emailRedirectTo?: string } | object,
): { channel: 'sms' | 'whatsapp' } | { redirectTo: string | undefined } {
  // Read, not tested with `in`: options that are no object (a string, a number) then read as none, not throw.
  const { channel, emailRedirectTo } = extra as { channel?: 'sms' | 'whatsapp'; emailRedirectTo?: string }
  if (contact.email === undefined) return { channel: channel ?? 'sms' }
  return { redirectTo: emailRedirectTo }
}

export function signUpOperation(credentials: SignUpWithPasswordCredentials, options?: CallOptions): Extract<SignInOperation, { kind: 'signUp' }> {
  requireObject(credentials, 'credentials')
  const contact = contactOf(credentials)
  const extra = credentials.options ?? {}
  const byContact = deliveryOf(contact, extra)
  return {
    kind: 'signUp',
    params: { ...contact, password: credentials.password, data: extra.data ?? {}, captchaToken: extra.captchaToken, ...byContact },
    options,
  }
}

export function passwordOperation(credentials: SignInWithPasswordCredentials, options?: CallOptions): SignInOperation {
  requireObject(credentials, 'credentials')
  return {
    kind: 'password',
    params: { ...contactOf(credentials), password: credentials.password, captchaToken: credentials.options?.captchaToken },
    options,
  }
}

export function anonymousOperation(credentials: SignInAnonymouslyCredentials, options?: CallOptions): SignInOperation {
  requireObject(credentials, 'credentials')
  const request = anonymousSignInRequest({ data: credentials.options?.data, captchaToken: credentials.options?.captchaToken })
  return { kind: 'grant', via: 'anonymous', request, options }
}

export function verifyOtpOperation(params: VerifyOtpParams, options?: CallOptions): SignInOperation {
  requireObject(params, 'params')
  // Everything given goes through, so the API layer refuses mixes (a token hash must travel alone).
  const extra = 'options' in params ? params.options : undefined
  return {
    kind: 'verifyOtp',
    params: {
      type: params.type,
      token: 'token' in params ? params.token : undefined,
      token_hash: 'token_hash' in params ? params.token_hash : undefined,
      ...contactOf(params),
      redirectTo: extra?.redirectTo,
      captchaToken: extra?.captchaToken,
    },
    options,
  }
}

export function refreshTokenOperation(refreshToken: string, options?: CallOptions): SignInOperation {
  return { kind: 'grant', via: 'refreshToken', request: refreshRequest(refreshToken), options }
}

/** `mfa.verify`: a code, or a WebAuthn ceremony's serialized result, for a factor's challenge. */
export function mfaVerifyOperation(params: { factorId: string; challengeId: string } & MfaProof, options?: CallOptions): MfaVerifyOperation {
  requireObject(params, 'params')
  const proof = checkedProof('webauthn' in params ? { webauthn: params.webauthn } : { code: params.code })
  return { kind: 'mfaVerify', factorId: params.factorId, challengeId: params.challengeId, proof, options }
}

/** `signInWithOtp`: the code (and magic link) request. */
export function otpRequest(credentials: SignInWithPasswordlessCredentials): SendOtpParams {
  requireObject(credentials, 'credentials')
  const contact = contactOf(credentials)
  const extra = credentials.options ?? {}
  const byContact = deliveryOf(contact, extra)
  return { ...contact, shouldCreateUser: extra.shouldCreateUser, data: extra.data, captchaToken: extra.captchaToken, ...byContact }
}

export function resendRequest(params: ResendParams): ApiResendParams {
  requireObject(params, 'params')
  if ('email' in params) {
    return { type: params.type, email: params.email, captchaToken: params.options?.captchaToken, redirectTo: params.options?.emailRedirectTo }
  }
  return { type: params.type, phone: params.phone, captchaToken: params.options?.captchaToken }
}

export function recoverRequest(params: { redirectTo?: string; captchaToken?: string }): RecoverParams {
  requireObject(params, 'params')
  return { redirectTo: params.redirectTo, captchaToken: params.captchaToken }
}

/** `updateUser(attributes, { emailRedirectTo })`: where the email-change confirmation link leads. */
export function updateUserRequest(attributes: object, options: { emailRedirectTo?: string } | undefined): UpdateUserParams {
  requireObject(attributes, 'attributes')
  return { redirectTo: options?.emailRedirectTo }
}

/** `signOut({ scope })`: `others` keeps this session, so it is a plain call, not a chart operation. */
export function signOutScope(params: { scope?: SignOutScope }): SignOutScope {
  requireObject(params, 'params')
  return requireOneOf(params.scope ?? 'global', ['global', 'local', 'others'] as const, 'scope')
}

/** `signInWithOAuth` / `linkIdentity`: the redirect, PKCE unless the client uses the implicit flow. */
export function oauthOperation(
  credentials: SignInWithOAuthCredentials,
  flowType: 'pkce' | 'implicit',
  options?: CallOptions,
): Extract<RedirectOperation, { kind: 'oauth' }> {
  requireObject(credentials, 'credentials')
  const extra = credentials.options ?? {}
  return {
    kind: 'oauth',
    params: { provider: requireString(credentials.provider, 'provider'), redirectTo: extra.redirectTo, scopes: extra.scopes, queryParams: extra.queryParams },
    pkce: flowType === 'pkce',
    navigate: extra.skipBrowserRedirect !== true,
    options,
  }
}
