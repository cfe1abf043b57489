/**
 * The public client: auth-js method names and `data` shapes over the lifecycle chart, plus RxJS streams.
 * @module
 */
import type { Observable } from 'rxjs'
import type { Actor } from 'xstate'
import type { LifecycleMachine } from '../../machines/lifecycle.js'
import * as api from '../api/index.js'
import { requireObject } from '../api/validate.js'
import { type AuthError, AuthInvalidCredentialsError, isAuthApiError, isAuthSessionMissingError } from '../errors.js'
import type { AuthChangeEvent, CallOptions, Session, SignOutScope, User, UserAttributes } from '../types.js'
import type { Http } from '../http/index.js'
import { ClientCore } from './core.js'
import { MfaApi } from './mfa.js'
import type { AuthClientOptions } from './options.js'
import { type AuthState, toAuthState } from './state.js'
import type { AuthEventItem } from './streams.js'
import { TRANSPORT } from './transport-key.js'
import type {
  AuthOtpResponse,
  AuthResponse,
  AuthStateChangeSubscription,
  AuthTokenResponsePassword,
  ResendParams,
  SignInAnonymouslyCredentials,
  SignInWithPasswordCredentials,
  SignInWithPasswordlessCredentials,
  SignUpWithPasswordCredentials,
  VerifyOtpParams,
} from './types.js'

/** The server says the session (or its user) no longer exists: nothing this client holds can work again. */
function sessionIsGone(error: unknown): error is AuthError {
  if (isAuthSessionMissingError(error)) return true
  return isAuthApiError(error) && (error.code === 'user_not_found' || error.code === 'user_banned')
}

/**
 * A Supabase Auth client whose lifecycle is a statechart.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ url: 'https://<ref>.supabase.co/auth/v1', apiKey: '<anon key>' })
 * auth.state$.subscribe((s) => console.log(s.status))
 * await auth.signInWithPassword({ email, password })
 * ```
 */
export class AuthClient {
  readonly #core: ClientCore
  /** Multi-factor authentication (TOTP). */
  readonly mfa: MfaApi

  constructor(options: AuthClientOptions) {
    this.#core = new ClientCore(options)
    this.mfa = new MfaApi(this.#core)
  }

  /** Status, session, user, assurance level and last error; the current value on subscribe, then each change. */
  get state$(): Observable<AuthState> {
    return this.#core.streams.state$
  }
  get session$(): Observable<Session | null> {
    return this.#core.streams.session$
  }
  get user$(): Observable<User | null> {
    return this.#core.streams.user$
  }
  /** `INITIAL_SESSION` once initialized, then `SIGNED_IN`, `TOKEN_REFRESHED`, … as auth-js names them. */
  get events$(): Observable<AuthEventItem> {
    return this.#core.streams.events$
  }
  /** The current state, synchronously. */
  get snapshot(): AuthState {
    return toAuthState(this.#core.actor.getSnapshot())
  }
  /** The XState actor running the lifecycle chart (for the inspector, or `actor.getSnapshot()`). */
  get actor(): Actor<LifecycleMachine> {
    return this.#core.actor
  }
  /** Resolves once the stored session was restored (or found absent). */
  get ready(): Promise<void> {
    return this.#core.ready
  }
  /** @internal This client's transport, for `supabase-auth-machine/jwt` (the JWKS request); not public API. */
  get [TRANSPORT](): Http {
    return this.#core.http
  }

  /**
   * Creates a user. Resolves with a session when the server confirms sign-ups automatically, else with
   * the user only (a confirmation email or SMS was sent).
   * @example await auth.signUp({ email: 'a@example.com', password: 'correct horse' })
   */
  async signUp(credentials: SignUpWithPasswordCredentials, options?: CallOptions): Promise<AuthResponse> {
    requireObject(credentials, 'credentials')
    return this.#core.command({ type: 'SIGN_IN', request: { method: 'signUp', params: credentials, options } }, 'sign up')
  }

  /** @example const { session, weakPassword } = await auth.signInWithPassword({ email, password }) */
  async signInWithPassword(credentials: SignInWithPasswordCredentials, options?: CallOptions): Promise<AuthTokenResponsePassword> {
    requireObject(credentials, 'credentials')
    return this.#core.command({ type: 'SIGN_IN', request: { method: 'password', params: credentials, options } }, 'sign in')
  }

  /** @example await auth.signInAnonymously({ options: { data: { theme: 'dark' } } }) */
  async signInAnonymously(credentials: SignInAnonymouslyCredentials = {}, options?: CallOptions): Promise<AuthResponse> {
    requireObject(credentials, 'credentials')
    return this.#core.command({ type: 'SIGN_IN', request: { method: 'anonymous', params: credentials, options } }, 'sign in anonymously')
  }

  /**
   * Sends a one-time code (and magic link) by email, or a code by SMS. No session yet: finish with `verifyOtp`.
   * @example await auth.signInWithOtp({ email: 'a@example.com' })
   */
  async signInWithOtp(credentials: SignInWithPasswordlessCredentials, options?: CallOptions): Promise<AuthOtpResponse> {
    this.#core.assertLive()
    requireObject(credentials, 'credentials')
    const o = (credentials.options ?? {}) as { emailRedirectTo?: string; shouldCreateUser?: boolean; data?: Record<string, unknown>; captchaToken?: string; channel?: 'sms' | 'whatsapp' }
    const { email, phone } = credentials as { email?: string; phone?: string }
    // Both contact fields go through as given, so the API layer refuses "email and phone" outright.
    const { messageId } = await api.sendOtp(
      this.#core.http,
      {
        email,
        phone,
        shouldCreateUser: o.shouldCreateUser,
        data: o.data,
        captchaToken: o.captchaToken,
        ...(email === undefined ? { channel: o.channel ?? 'sms' } : { redirectTo: o.emailRedirectTo }),
      },
      options,
    )
    return { user: null, session: null, messageId }
  }

  /**
   * Trades a code (or an email link's token hash) for a session. A `recovery` code announces `PASSWORD_RECOVERY`.
   * @example await auth.verifyOtp({ email, token: '123456', type: 'email' })
   */
  async verifyOtp(params: VerifyOtpParams, options?: CallOptions): Promise<AuthResponse> {
    requireObject(params, 'params')
    return this.#core.command({ type: 'SIGN_IN', request: { method: 'verifyOtp', params, options } }, 'verify the code')
  }

  /**
   * Adopts a session obtained elsewhere (e.g. from a server). An expired access token is refreshed.
   * @example await auth.setSession({ access_token, refresh_token })
   */
  async setSession(tokens: { access_token: string; refresh_token: string }, options?: CallOptions): Promise<AuthResponse> {
    requireObject(tokens, 'tokens')
    if (typeof tokens.access_token !== 'string' || typeof tokens.refresh_token !== 'string' || !tokens.access_token || !tokens.refresh_token) {
      throw new AuthInvalidCredentialsError('setSession needs access_token and refresh_token')
    }
    return this.#core.command({ type: 'SIGN_IN', request: { method: 'setSession', params: tokens, options } }, 'set the session')
  }

  /**
   * Rotates the refresh token now, even if the access token is still fresh. With `current`, trades that
   * refresh token for a session instead.
   * @example const { session } = await auth.refreshSession()
   */
  async refreshSession(current?: { refresh_token: string }, options?: CallOptions): Promise<AuthResponse> {
    if (current?.refresh_token && current.refresh_token !== this.#core.actor.getSnapshot().context.session?.refresh_token) {
      return this.#core.command({ type: 'SIGN_IN', request: { method: 'refreshToken', params: current, options } }, 'refresh')
    }
    const session = await this.#core.command<Session>({ type: 'REFRESH', force: true }, 'refresh the session')
    return { session, user: session.user }
  }

  /** The session, refreshed first if it is about to expire. `null` when signed out. */
  async getSession(): Promise<{ session: Session | null }> {
    return { session: await this.#core.getSession() }
  }

  /**
   * The user as the server sees it now (`GET /user`). If the server no longer knows the session, the
   * client signs out with reason `revoked`.
   */
  async getUser(jwt?: string, options?: CallOptions): Promise<{ user: User }> {
    const token = jwt ?? (await this.#core.requireSession()).access_token
    try {
      return { user: await api.getUser(this.#core.http, token, options) }
    } catch (error) {
      if (jwt === undefined && sessionIsGone(error)) this.#core.actor.send({ type: 'SESSION_REVOKED', error })
      throw error
    }
  }

  /**
   * Changes email, phone, password or metadata. Email/phone changes stay pending until confirmed.
   * @example await auth.updateUser({ data: { name: 'Ada' } })
   */
  async updateUser(attributes: UserAttributes, options?: CallOptions & { emailRedirectTo?: string }): Promise<{ user: User }> {
    requireObject(attributes, 'attributes')
    const session = await this.#core.requireSession()
    const user = await api.updateUser(this.#core.http, session.access_token, attributes, { redirectTo: options?.emailRedirectTo }, options)
    this.#core.actor.send({ type: 'USER_UPDATED', user })
    return { user }
  }

  /** Sends a password-reset email; finish with `verifyOtp({ type: 'recovery', … })` or the emailed link. */
  async resetPasswordForEmail(email: string, params: { redirectTo?: string; captchaToken?: string } = {}, options?: CallOptions): Promise<Record<string, never>> {
    this.#core.assertLive()
    requireObject(params, 'params')
    return api.recover(this.#core.http, email, { redirectTo: params.redirectTo, captchaToken: params.captchaToken }, options)
  }

  /** Re-sends a sign-up confirmation, or the code of a pending email/phone change. */
  async resend(params: ResendParams, options?: CallOptions): Promise<AuthOtpResponse> {
    this.#core.assertLive()
    requireObject(params, 'params')
    const { messageId } = await api.resend(
      this.#core.http,
      'email' in params
        ? { type: params.type, email: params.email, captchaToken: params.options?.captchaToken, redirectTo: params.options?.emailRedirectTo }
        : { type: params.type, phone: params.phone, captchaToken: params.options?.captchaToken },
      options,
    )
    return { user: null, session: null, messageId }
  }

  /** Sends a nonce to the user's email or phone, for `updateUser({ password, nonce })`. */
  async reauthenticate(options?: CallOptions): Promise<AuthResponse> {
    const session = await this.#core.requireSession()
    await api.reauthenticate(this.#core.http, session.access_token, options)
    return { user: null, session: null }
  }

  /**
   * Signs out. `local` and `global` end this session here whatever the server answers (a server failure
   * is reported in `error`, not thrown); `others` keeps this session and ends the user's other ones.
   */
  async signOut(params: { scope?: SignOutScope } = {}, options?: CallOptions): Promise<{ error: AuthError | null }> {
    const scope = params.scope ?? 'global'
    if (scope !== 'global' && scope !== 'local' && scope !== 'others') throw new AuthInvalidCredentialsError('scope must be global, local or others')
    if (scope === 'others') {
      const session = await this.#core.requireSession()
      await api.logout(this.#core.http, session.access_token, 'others', options)
      return { error: null }
    }
    const result = await this.#core.command<{ error: AuthError | null }>({ type: 'SIGN_OUT', scope }, 'sign out')
    return { error: result?.error ?? null }
  }

  /**
   * auth-js compatible listener. The callback gets `INITIAL_SESSION` once the client is ready, then every
   * event. It is never awaited, and a callback that throws or calls back into the client stalls nothing.
   */
  onAuthStateChange(callback: (event: AuthChangeEvent, session: Session | null) => void): { data: { subscription: AuthStateChangeSubscription } } {
    if (typeof callback !== 'function') throw new AuthInvalidCredentialsError('onAuthStateChange needs a callback function')
    const subscription = this.#core.streams.events$.subscribe(({ event, session }) => {
      try {
        callback(event, session)
      } catch (error) {
        console.error('onAuthStateChange callback threw:', error instanceof Error ? error.message : 'non-error value')
      }
    })
    return { data: { subscription: { id: Symbol('auth-subscription'), callback, unsubscribe: () => subscription.unsubscribe() } } }
  }

  /** Stops timers, listeners and in-flight work; pending calls reject with code `disposed`. Idempotent. */
  dispose(): void {
    this.#core.dispose()
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.dispose()
    return Promise.resolve()
  }
}

/**
 * Creates a client. Nothing runs at import time; the stored session is restored as soon as it is created.
 * @example
 * ```ts
 * const auth = createAuthClient({ url, apiKey })
 * const { session } = await auth.getSession()
 * ```
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  return new AuthClient(options)
}
