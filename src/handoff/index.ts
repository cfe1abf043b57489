/**
 * `supabase-auth-machine/handoff`: sessions handed over to the client rather than asked for by it, each
 * checked with the server before it is adopted. `exchangeCodeForSession` finishes a PKCE redirect on a
 * callback route of your own (a server route, a page that reads the URL itself); `setSession` takes tokens
 * from a server or another app; `implicitFlow` is the implicit OAuth flow, whose redirect brings the tokens
 * back in the URL's fragment. Kept out of the main entry: an app that signs in through the client, with the
 * PKCE flow (the default) and `detectSessionInUrl` finishing redirects, needs none of them. Each keeps
 * auth-js's shapes, the client first (`auth.setSession(t)` in auth-js is `setSession(auth, t)` here).
 *
 * @example
 * ```ts
 * import { createAuthClient } from 'supabase-auth-machine'
 * import { exchangeCodeForSession, implicitFlow, setSession } from 'supabase-auth-machine/handoff'
 *
 * await exchangeCodeForSession(auth, new URL(request.url).searchParams.get('code')!)
 * await setSession(auth, { access_token, refresh_token })
 * const legacy = createAuthClient({ url, apiKey, flowType: implicitFlow })   // auth-js: flowType: 'implicit'
 * ```
 * @module
 */
import type { GivenTokens, SignInOperation, TokenCheck } from '../../machines/operations.js'
import * as api from '../api/index.js'
import { requireObject, requireString } from '../api/validate.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../errors.js'
import { validFlowId } from '../storage/index.js'
import type { AuthClient } from '../client/auth-client.js'
import { coreOf } from '../client/core-key.js'
import type { ImplicitFlow } from '../client/page-url.js'
import { authResponse } from '../client/responses.js'
import type { AuthCodeExchangeResponse, AuthResponse } from '../client/types.js'
import { decodeJwt } from '../encoding/jwt.js'
import type { CallOptions } from '../types.js'

export type { GivenTokens, ImplicitFlow }

type TokensOperation = Extract<SignInOperation, { kind: 'tokens' }>

/**
 * Adopts tokens obtained elsewhere. An unexpired access token is checked with `GET /user` (which also proves
 * the session still exists); an expired one is traded in with its refresh token. The expiry the tokens came
 * with (a redirect fragment's `expires_at`) wins over the access token's own `exp`.
 */
const checkTokens: TokenCheck = async (transport, tokens, receivedAt, options) => {
  const exp = decodeJwt(tokens.access_token).payload.exp
  if (exp === undefined || exp * 1000 <= receivedAt) return api.refreshAccessToken(transport, tokens.refresh_token, options)
  const user = await api.getUser(transport, tokens.access_token, options)
  const expires_in = Math.max(0, (tokens.expires_at ?? exp) - Math.floor(receivedAt / 1000))
  return { token_type: 'bearer', ...tokens, expires_in, user }
}

/** The session fields of an implicit flow's fragment; without both tokens it is no session at all. */
function fragmentTokens(params: Readonly<Record<string, string>>): GivenTokens | null {
  const { access_token, refresh_token, token_type, provider_token, provider_refresh_token } = params
  if (!access_token || !refresh_token) return null
  const tokens: GivenTokens = { access_token, refresh_token }
  const expiresAt = Number(params['expires_at'])
  if (Number.isFinite(expiresAt)) tokens.expires_at = expiresAt
  if (token_type) tokens.token_type = token_type
  if (provider_token) tokens.provider_token = provider_token
  if (provider_refresh_token) tokens.provider_refresh_token = provider_refresh_token
  return tokens
}

/**
 * The implicit flow, for `createAuthClient({ flowType: implicitFlow })`: sign-ins (OAuth, magic links,
 * password recovery) leave without a PKCE challenge, and the tokens the redirect puts in the URL's fragment
 * are checked and adopted while the client initializes (a `type=recovery` link announces
 * `PASSWORD_RECOVERY`). A `?code=` is then someone else's callback and left alone.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ url, apiKey, flowType: implicitFlow })
 * await auth.signInWithOAuth({ provider: 'github' })   // back with #access_token=…, signed in
 * ```
 */
export const implicitFlow: ImplicitFlow = {
  flowType: 'implicit',
  tokensLanding(params): TokensOperation | null {
    const tokens = fragmentTokens(params)
    return tokens === null ? null : { kind: 'tokens', tokens, recovery: params['type'] === 'recovery', check: checkTokens }
  },
}

/**
 * Adopts a session obtained elsewhere (from a server, another app, a native deep link): `SIGNED_IN`, and
 * every tab sharing the storage follows. An unexpired access token is checked with the server first; an
 * expired one is refreshed with the refresh token.
 *
 * @example
 * ```ts
 * const { session } = await setSession(auth, { access_token, refresh_token })
 * ```
 */
export async function setSession(auth: AuthClient, tokens: { access_token: string; refresh_token: string }, options?: CallOptions): Promise<AuthResponse> {
  const core = coreOf(auth)
  requireObject(tokens, 'tokens')
  const given = { access_token: requireString(tokens.access_token, 'access_token'), refresh_token: requireString(tokens.refresh_token, 'refresh_token') }
  const operation: TokensOperation = { kind: 'tokens', tokens: given, recovery: false, check: checkTokens, options }
  return authResponse(await core.signIn(operation, 'set the session'))
}

/**
 * Trades the `code` of a PKCE redirect for a session, with the verifier this storage holds for it (on a
 * server: the request's cookies). `flowId`: the redirect's `sb_flow_id`, when it carried one. In a browser
 * page `detectSessionInUrl` does this by itself while the client initializes.
 *
 * @example
 * ```ts
 * const { session } = await exchangeCodeForSession(auth, new URL(request.url).searchParams.get('code')!)
 * ```
 */
export async function exchangeCodeForSession(
  auth: AuthClient,
  authCode: string,
  options?: CallOptions & { flowId?: string },
): Promise<AuthCodeExchangeResponse> {
  const core = coreOf(auth)
  const { flowId, ...callOptions } = options ?? {}
  // A flow id names a storage key: anything but the shape auth-js gives them is refused, not looked up.
  if (flowId !== undefined && validFlowId(flowId) === null) throw new AuthInvalidCredentialsError('flowId is not a PKCE flow id')
  const operation = { kind: 'exchangeCode' as const, authCode: requireString(authCode, 'authCode'), flowId: flowId ?? null, options: callOptions }
  const output = await core.signIn(operation, 'exchange the code')
  if (output.session === null || output.user === null) throw new AuthInvalidTokenResponseError()
  return { user: output.user, session: output.session, redirectType: output.event === 'PASSWORD_RECOVERY' ? 'recovery' : null }
}
