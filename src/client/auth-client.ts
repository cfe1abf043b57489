/**
 * The public client: auth-js method names and `data` shapes over the lifecycle chart, plus RxJS streams.
 * Arguments are mapped in `arguments.ts`, calls made with the user's token go through `gateway.ts`, and
 * everything that changes the session is an operation of the chart (`core.ts`).
 * @module
 */
import type { Observable } from 'rxjs'
import type { Actor } from 'xstate'
import type { LifecycleMachine } from '../../machines/lifecycle.js'
import * as api from '../api/index.js'
import { type AuthError, AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../errors.js'
import type { AuthChangeEvent, CallOptions, Session, SignOutScope, User, UserAttributes } from '../types.js'
import {
  oauthOperation,
  otpRequest,
  passwordOperation,
  refreshTokenOperation,
  signOutScope,
  signUpOperation,
  updateUserRequest,
  verifyOtpOperation,
} from './arguments.js'
import { ClientCore } from './core.js'
import { attachCore } from './core-key.js'
import { withSession } from './gateway.js'
import type { AuthClientOptions } from './options.js'
import { withPkceChallenge } from './pkce-start.js'
import { authResponse } from './responses.js'
import { type AuthState, toAuthState } from './state.js'
import type { AuthEventItem } from './streams.js'
import type {
  AuthOtpResponse,
  AuthResponse,
  AuthStateChangeSubscription,
  AuthTokenResponsePassword,
  OAuthResponse,
  SignInWithOAuthCredentials,
  SignInWithPasswordCredentials,
  SignInWithPasswordlessCredentials,
  SignUpWithPasswordCredentials,
  VerifyOtpParams,
} from './types.js'

/**
 * `[Symbol.asyncDispose](): Promise<void>` where the app's TypeScript lib declares `Symbol.asyncDispose`
 * (`esnext.disposable`, `@types/node`), and nothing where it does not: the client's type compiles under any
 * `lib` with `skipLibCheck: false`, and `await using` works wherever the lib knows the symbol.
 */
export type AsyncDisposableWhereDeclared = SymbolConstructor extends { readonly asyncDispose: infer K extends symbol }
  ? { [P in K]: () => Promise<void> }
  : {}

// Merged into the class's instance type; the method itself is attached in the class's static block.
export interface AuthClient extends AsyncDisposableWhereDeclared {}

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
  static {
    // `await using auth = createAuthClient(…)` where the runtime has the symbol (Node 20, current browsers). Set here
    // rather than declared as a method: the declaration would need `Symbol.asyncDispose` in every app's TypeScript lib.
    if (typeof Symbol.asyncDispose === 'symbol') {
      Object.defineProperty(AuthClient.prototype, Symbol.asyncDispose, {
        value(this: AuthClient): Promise<void> {
          this.dispose()
          return Promise.resolve()
        },
        writable: true,
        configurable: true,
      })
    }
  }

  readonly #core: ClientCore

  constructor(options: AuthClientOptions) {
    this.#core = new ClientCore(options)
    // For the companion entries (`/mfa`, `/identities`, `/jwt`' key requests, …), whose calls run through this
    // client's chart and transport, without a member in this class's public type.
    attachCore(this, this.#core)
  }

  /** Status, session, user, assurance level and last error; the current value on subscribe, then each change. */
  get state$(): Observable<AuthState> {
    return this.#core.streams.state$
  }
  /** The session; the current value on subscribe, then each change. */
  get session$(): Observable<Session | null> {
    return this.#core.streams.session$
  }
  /** The signed-in user; the current value on subscribe, then each change. */
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

  /**
   * Creates a user. Resolves with a session when the server confirms sign-ups automatically, else with
   * the user only (a confirmation email or SMS was sent).
   * @example await auth.signUp({ email: 'a@example.com', password: 'correct horse' })
   */
  async signUp(credentials: SignUpWithPasswordCredentials, options?: CallOptions): Promise<AuthResponse> {
    const operation = signUpOperation(credentials, options)
    const output = await withPkceChallenge(this.#core, { applies: operation.params.email !== undefined }, (pkce) =>
      this.#core.signIn({ ...operation, params: { ...operation.params, ...pkce } }, 'sign up'),
    )
    return authResponse(output)
  }

  /** @example const { session, weakPassword } = await auth.signInWithPassword({ email, password }) */
  async signInWithPassword(credentials: SignInWithPasswordCredentials, options?: CallOptions): Promise<AuthTokenResponsePassword> {
    const output = await this.#core.signIn(passwordOperation(credentials, options), 'sign in')
    if (output.session === null || output.user === null) throw new AuthInvalidTokenResponseError()
    const data = { user: output.user, session: output.session }
    return output.weakPassword ? { ...data, weakPassword: output.weakPassword } : data
  }

  /**
   * Sends a one-time code (and magic link) by email, or a code by SMS. No session yet: finish with `verifyOtp`.
   * @example await auth.signInWithOtp({ email: 'a@example.com' })
   */
  async signInWithOtp(credentials: SignInWithPasswordlessCredentials, options?: CallOptions): Promise<AuthOtpResponse> {
    this.#core.assertLive()
    const request = otpRequest(credentials)
    const { messageId } = await withPkceChallenge(this.#core, { applies: request.email !== undefined }, (pkce) =>
      api.sendOtp(this.#core.io.transport, { ...request, ...pkce }, options),
    )
    return { user: null, session: null, messageId }
  }

  /**
   * Trades a code (or an email link's token hash) for a session. A `recovery` code announces `PASSWORD_RECOVERY`.
   * @example await auth.verifyOtp({ email, token: '123456', type: 'email' })
   */
  async verifyOtp(params: VerifyOtpParams, options?: CallOptions): Promise<AuthResponse> {
    const output = await this.#core.signIn(verifyOtpOperation(params, options), 'verify the code')
    return authResponse(output)
  }

  /**
   * Rotates the refresh token now, even if the access token is still fresh. With `current`, trades that
   * refresh token for a session instead.
   * @example const { session } = await auth.refreshSession()
   */
  async refreshSession(current?: { refresh_token: string }, options?: CallOptions): Promise<AuthResponse> {
    if (current?.refresh_token && current.refresh_token !== this.#core.actor.getSnapshot().context.session?.refresh_token) {
      const output = await this.#core.signIn(refreshTokenOperation(current.refresh_token, options), 'refresh')
      return authResponse(output)
    }
    const session = await this.#core.refresh(true)
    return { session, user: session.user }
  }

  /**
   * Starts a sign-in with an OAuth provider. In a browser the page leaves for the provider (unless
   * `skipBrowserRedirect`); back at `redirectTo`, `detectSessionInUrl` completes the sign-in.
   * @example await auth.signInWithOAuth({ provider: 'github', options: { redirectTo: location.origin } })
   */
  async signInWithOAuth(credentials: SignInWithOAuthCredentials, options?: CallOptions): Promise<OAuthResponse> {
    const { url } = await this.#core.redirect(oauthOperation(credentials, this.#core.flowType, options), 'sign in with OAuth')
    return { provider: credentials.provider, url }
  }

  /** The session, refreshed first if it is about to expire. `null` when signed out. */
  async getSession(): Promise<{ session: Session | null }> {
    return { session: await this.#core.getSession() }
  }

  /**
   * The user as the server sees it now (`GET /user`). If the server no longer knows the session, the
   * client signs out with reason `revoked`. With `jwt`, checks that token instead and changes nothing here.
   * @example const { user } = await auth.getUser()
   */
  async getUser(jwt?: string, options?: CallOptions): Promise<{ user: User }> {
    const transport = this.#core.io.transport
    if (jwt !== undefined) return { user: await api.getUser(transport, jwt, options) }
    return { user: await withSession(this.#core, (token) => api.getUser(transport, token, options)) }
  }

  /**
   * Changes email, phone, password or metadata. Email/phone changes stay pending until confirmed.
   * @example await auth.updateUser({ data: { name: 'Ada' } })
   */
  async updateUser(attributes: UserAttributes, options?: CallOptions & { emailRedirectTo?: string }): Promise<{ user: User }> {
    const request = updateUserRequest(attributes, options)
    const user = await withSession(this.#core, (token) =>
      withPkceChallenge(this.#core, { applies: attributes.email !== undefined }, (pkce) =>
        api.updateUser(this.#core.io.transport, token, attributes, { ...request, ...pkce }, options),
      ),
    )
    this.#core.actor.send({ type: 'USER_UPDATED', user })
    return { user }
  }

  /**
   * Signs out. `local` and `global` end this session here whatever the server answers (a server failure
   * is reported in `error`, not thrown); `others` keeps this session and ends the user's other ones.
   * @example await auth.signOut({ scope: 'local' })
   */
  async signOut(params: { scope?: SignOutScope } = {}, options?: CallOptions): Promise<{ error: AuthError | null }> {
    const scope = signOutScope(params)
    if (scope === 'others') {
      await withSession(this.#core, (token) => api.logout(this.#core.io.transport, token, 'others', options))
      return { error: null }
    }
    return this.#core.signOut(scope)
  }

  /**
   * auth-js compatible listener. The callback gets `INITIAL_SESSION` once the client is ready, then every
   * event. It is never awaited, and a callback that throws or calls back into the client stalls nothing.
   * @example const { data: { subscription } } = auth.onAuthStateChange((event, session) => console.log(event))
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
