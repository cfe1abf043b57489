/**
 * `supabase-auth-machine/identities`: the identity calls few apps make, kept out of the main entry so the
 * apps that do not make them do not carry them: single sign-on, ID tokens, anonymous users (who become
 * permanent by linking an identity or adding an email), and linking. Each takes the client first and keeps
 * auth-js's name and `data` shape (`auth.signInWithSSO(p)` in auth-js is `signInWithSSO(auth, p)` here).
 * Sign-ins run through the client's chart like its own methods; the rest through its session gateway.
 *
 * @example
 * ```ts
 * import { signInWithSSO, linkIdentity } from 'supabase-auth-machine/identities'
 * await signInWithSSO(auth, { domain: 'acme.com', options: { redirectTo: location.origin } })
 * ```
 * @module
 */
import * as api from '../api/index.js'
import { anonymousOperation, oauthOperation } from '../client/arguments.js'
import { coreOf } from '../client/core-key.js'
import { withSession } from '../client/gateway.js'
import { navigateTo } from '../client/page-url.js'
import { withPkceChallenge } from '../client/pkce-start.js'
import { authResponse } from '../client/responses.js'
import type {
  AuthResponse,
  OAuthResponse,
  SignInAnonymouslyCredentials,
  SignInWithIdTokenCredentials,
  SignInWithOAuthCredentials,
  SignInWithSSO,
} from '../client/types.js'
import { requireObject } from '../api/validate.js'
import type { CallOptions, UserIdentity } from '../types.js'
import type { AuthClient } from '../client/auth-client.js'

export type { SignInAnonymouslyCredentials, SignInWithIdTokenCredentials, SignInWithSSO } from '../client/types.js'

function idTokenBody(credentials: SignInWithIdTokenCredentials, link: boolean): api.IdTokenGrantBody {
  requireObject(credentials, 'credentials')
  const params = { provider: credentials.provider, token: credentials.token, accessToken: credentials.access_token, nonce: credentials.nonce }
  return api.idTokenGrantBody({ ...params, captchaToken: credentials.options?.captchaToken }, link)
}

/**
 * Starts a SAML single sign-on, by the identity provider's id or the user's email domain. In a browser
 * the page leaves for the provider unless `skipBrowserRedirect`; the user comes back as from OAuth.
 *
 * @example
 * ```ts
 * const { url } = await signInWithSSO(auth, { domain: 'acme.com', options: { skipBrowserRedirect: true } })
 * ```
 */
export async function signInWithSSO(auth: AuthClient, params: SignInWithSSO, options?: CallOptions): Promise<{ url: string }> {
  const core = coreOf(auth)
  requireObject(params, 'params')
  const extra = params.options ?? {}
  const target = 'providerId' in params ? { providerId: params.providerId } : { domain: params.domain }
  const body = api.ssoRequestBody({ ...target, redirectTo: extra.redirectTo, captchaToken: extra.captchaToken })
  const operation = { kind: 'sso' as const, body, pkce: core.flowType === 'pkce', navigate: extra.skipBrowserRedirect !== true, options }
  const { url } = await core.redirect(operation, 'sign in with SSO')
  return { url }
}

/**
 * Signs in with an OIDC ID token from the provider's own SDK (Google One Tap, Sign in with Apple).
 *
 * @example
 * ```ts
 * await signInWithIdToken(auth, { provider: 'google', token: response.credential })
 * ```
 */
export async function signInWithIdToken(auth: AuthClient, credentials: SignInWithIdTokenCredentials, options?: CallOptions): Promise<AuthResponse> {
  const core = coreOf(auth)
  const request = api.grantRequest('id_token', idTokenBody(credentials, false))
  const output = await core.signIn({ kind: 'grant', via: 'idToken', request, options }, 'sign in with an ID token')
  return authResponse(output)
}

/**
 * Signs in as a new anonymous user (the server must allow anonymous sign-ins). The status becomes
 * `anonymous`; the user becomes permanent by adding an email or phone (`updateUser`) or linking an identity.
 *
 * @example
 * ```ts
 * await signInAnonymously(auth, { options: { data: { cart: cartId } } })
 * ```
 */
export async function signInAnonymously(auth: AuthClient, credentials: SignInAnonymouslyCredentials = {}, options?: CallOptions): Promise<AuthResponse> {
  const core = coreOf(auth)
  return authResponse(await core.signIn(anonymousOperation(credentials, options), 'sign in anonymously'))
}

/**
 * Links another identity to the signed-in user (manual linking must be on at the server): with a
 * provider, through its sign-in page as `signInWithOAuth` goes; with an ID token, at once.
 *
 * @example
 * ```ts
 * await linkIdentity(auth, { provider: 'github', options: { redirectTo: location.href } })
 * ```
 */
export async function linkIdentity(auth: AuthClient, credentials: SignInWithOAuthCredentials, options?: CallOptions): Promise<OAuthResponse>
export async function linkIdentity(auth: AuthClient, credentials: SignInWithIdTokenCredentials, options?: CallOptions): Promise<AuthResponse>
export async function linkIdentity(
  auth: AuthClient,
  credentials: SignInWithOAuthCredentials | SignInWithIdTokenCredentials,
  options?: CallOptions,
): Promise<OAuthResponse | AuthResponse> {
  const core = coreOf(auth)
  requireObject(credentials, 'credentials')
  if ('token' in credentials) {
    const request = api.grantRequest('id_token', idTokenBody(credentials, true))
    // Made with the user's token, so through the session gateway: an answer that the session is gone ends it.
    const link = (token: string) => core.signIn({ kind: 'grant', via: 'idToken', request, linkWith: token, options }, 'link the identity')
    return authResponse(await withSession(core, link))
  }
  const { params, navigate } = oauthOperation(credentials, core.flowType, options)
  const { url } = await withSession(core, (token) =>
    withPkceChallenge(core, {}, (pkce) => api.linkIdentityUrl(core.io.transport, token, { ...params, ...pkce }, options)),
  )
  if (navigate) navigateTo(url)
  return { provider: credentials.provider, url }
}

/**
 * Removes an identity from the user (never the last one), then re-reads the user from the server.
 *
 * @example
 * ```ts
 * const { identities } = await getUserIdentities(auth)
 * await unlinkIdentity(auth, identities.find((i) => i.provider === 'github')!)
 * ```
 */
export async function unlinkIdentity(auth: AuthClient, identity: UserIdentity, options?: CallOptions): Promise<Record<string, never>> {
  const core = coreOf(auth)
  requireObject(identity, 'identity')
  await withSession(core, (token) => api.unlinkIdentity(core.io.transport, token, identity.identity_id, options))
  const user = await withSession(core, (token) => api.getUser(core.io.transport, token, options))
  core.actor.send({ type: 'USER_UPDATED', user })
  return {}
}

/**
 * The user's identities, as the server knows them now.
 *
 * @example
 * ```ts
 * const { identities } = await getUserIdentities(auth)
 * ```
 */
export async function getUserIdentities(auth: AuthClient, options?: CallOptions): Promise<{ identities: UserIdentity[] }> {
  const core = coreOf(auth)
  const user = await withSession(core, (token) => api.getUser(core.io.transport, token, options))
  return { identities: user.identities ?? [] }
}
