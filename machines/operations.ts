/**
 * The operations the chart runs, as data: what a `SIGN_IN` or `VERIFY_MFA` event carries, with the real
 * argument types of the server call it stands for. The client's `signIn` actor switches on `kind`; the
 * public methods build these in `src/client/arguments.ts`. A new way of signing in (a PKCE code exchange)
 * is a new member here and a new case there, or a `grant` a companion entry builds; the chart does not change.
 * @module
 */
import type { AuthorizeParams, MfaProof, PasswordGrantParams, SessionRequest, SignUpParams, SsoRequestBody, VerifyOtpRequest } from '../src/api/index.js'
import type { Http } from '../src/http/index.js'
import type { CallOptions, TokenResponse } from '../src/types.js'

/** Every way of trading something the user holds for a session. */
export type SignInOperation =
  | { kind: 'signUp'; params: SignUpParams; options?: CallOptions }
  | { kind: 'password'; params: PasswordGrantParams; options?: CallOptions }
  | { kind: 'verifyOtp'; params: VerifyOtpRequest; options?: CallOptions }
  /**
   * The `code` a PKCE redirect brought back, traded with the verifier stored when the flow began (the
   * flow id, when the redirect carried one, says which).
   */
  | { kind: 'exchangeCode'; authCode: string; flowId: string | null; options?: CallOptions }
  /**
   * Tokens obtained elsewhere: those an implicit-flow redirect put in the URL's fragment (`recovery` for a
   * password-recovery link), or those handed to `setSession` (by a server, another app). `check` trades them
   * for a session the server vouches for; it comes with the operation from `supabase-auth-machine/handoff`,
   * which made it, so the main entry carries none of it.
   */
  | { kind: 'tokens'; tokens: GivenTokens; recovery: boolean; check: TokenCheck; options?: CallOptions }
  /**
   * A credential posted as a request already built and checked, answered with a session. `via` says what it
   * is: an OIDC ID token from the provider's own SDK (`linkWith`, an access token, links it to that user
   * instead), an anonymous sign-up, a passkey's signed answer to a sign-in challenge, a wallet's signature
   * over a Sign-In with Ethereum / Solana message (those three from the companion entries that build them),
   * or a refresh token other than the current session's. The passkey or wallet prompt happens before, outside
   * the chart: it can stay open for minutes, and the status should not be `signingIn` all that time.
   */
  | { kind: 'grant'; via: GrantVia; request: SessionRequest; linkWith?: string; options?: CallOptions }

/** What a `grant` sign-in trades for a session. */
export type GrantVia = 'idToken' | 'anonymous' | 'passkey' | 'web3' | 'refreshToken'

export type SignInKind = SignInOperation['kind']

/**
 * A second factor's answer to a challenge (a TOTP or phone code, or a WebAuthn credential); the result
 * replaces the session with an `aal2` one.
 */
export interface MfaVerifyOperation {
  kind: 'mfaVerify'
  factorId: string
  challengeId: string
  proof: MfaProof
  options?: CallOptions
}

/** Checks tokens obtained elsewhere with the server, at `receivedAt` (this device's clock), and answers their session. */
export type TokenCheck = (transport: Http, tokens: GivenTokens, receivedAt: number, options: CallOptions) => Promise<TokenResponse>

/**
 * Session fields obtained elsewhere. `setSession` is given the two tokens; an implicit-flow redirect's
 * fragment also says when they expire (`expires_at`, epoch seconds, which wins over the token's own `exp`)
 * and may carry the identity provider's tokens.
 */
export interface GivenTokens {
  access_token: string
  refresh_token: string
  expires_in?: number
  expires_at?: number
  token_type?: string
  provider_token?: string
  provider_refresh_token?: string
}

/**
 * Sending the user to an identity provider: the URL is built (OAuth) or asked for (SSO), a PKCE verifier
 * stored first when `pkce`, and the browser sent there unless `navigate` is false.
 */
export type RedirectOperation =
  | { kind: 'oauth'; params: Omit<AuthorizeParams, 'codeChallenge' | 'codeChallengeMethod'>; pkce: boolean; navigate: boolean; options?: CallOptions }
  | { kind: 'sso'; body: SsoRequestBody; pkce: boolean; navigate: boolean; options?: CallOptions }
