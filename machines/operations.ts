/**
 * The operations the chart runs, as data: what a `SIGN_IN` or `VERIFY_MFA` event carries, with the real
 * argument types of the server call it stands for. The client's `signIn` actor switches on `kind`; the
 * public methods build these in `src/client/arguments.ts`. A new way of signing in (a PKCE code exchange,
 * an ID token) is a new member here and a new case there, and the chart does not change.
 * @module
 */
import type {
  AnonymousSignInParams,
  AuthorizeParams,
  IdTokenGrantBody,
  MfaProof,
  PasskeySignInBody,
  PasswordGrantParams,
  SignUpParams,
  SsoRequestBody,
  VerifyOtpRequest,
} from '../src/api/index.js'
import type { Web3GrantBody } from '../src/api/web3.js'
import type { CallOptions } from '../src/types.js'

/** Every way of trading something the user holds for a session. */
export type SignInOperation =
  | { kind: 'signUp'; params: SignUpParams; options?: CallOptions }
  | { kind: 'password'; params: PasswordGrantParams; options?: CallOptions }
  | { kind: 'anonymous'; params: AnonymousSignInParams; options?: CallOptions }
  | { kind: 'verifyOtp'; params: VerifyOtpRequest; options?: CallOptions }
  /** Tokens obtained elsewhere (a server, another app): checked with the server before they are adopted. */
  | { kind: 'setSession'; accessToken: string; refreshToken: string; options?: CallOptions }
  /** A refresh token other than the current session's, traded for a session of its own. */
  | { kind: 'refreshToken'; refreshToken: string; options?: CallOptions }
  /**
   * The `code` a PKCE redirect brought back, traded with the verifier stored when the flow began (the
   * flow id, when the redirect carried one, says which).
   */
  | { kind: 'exchangeCode'; authCode: string; flowId: string | null; options?: CallOptions }
  /** Tokens an implicit-flow redirect put in the URL's fragment; checked with `GET /user` before adoption. */
  | { kind: 'redirectTokens'; tokens: RedirectTokens; recovery: boolean; options?: CallOptions }
  /** An OIDC ID token from the provider's own SDK; `linkWith` (an access token) links it to that user. */
  | { kind: 'idToken'; body: IdTokenGrantBody; linkWith?: string; options?: CallOptions }
  /**
   * A passkey's signed answer to a sign-in challenge. The browser ceremony before it happens outside the
   * chart: a passkey prompt (or autofill) can stay open for minutes, and the status should not be
   * `signingIn` all that time.
   */
  | { kind: 'passkey'; body: PasskeySignInBody; options?: CallOptions }
  /**
   * A wallet's signature over a Sign-In with Ethereum / Solana message. As with a passkey, the wallet prompt
   * happens before, outside the chart: it can stay open as long as the user leaves it.
   */
  | { kind: 'web3'; body: Web3GrantBody; options?: CallOptions }

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

/** The session fields of an implicit-flow redirect's fragment. */
export interface RedirectTokens {
  access_token: string
  refresh_token: string
  expires_in: number
  expires_at?: number
  token_type: string
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
