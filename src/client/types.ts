/**
 * Arguments and results of the public methods, named and shaped as in auth-js so code moves over unchanged.
 * @module
 */
import type { EmailOtpType, MobileOtpType, Session, User, WeakPassword } from '../types.js'

export type SignUpWithPasswordCredentials =
  | {
      email: string
      password: string
      options?: { emailRedirectTo?: string; data?: Record<string, unknown>; captchaToken?: string }
    }
  | {
      phone: string
      password: string
      options?: { data?: Record<string, unknown>; captchaToken?: string; channel?: 'sms' | 'whatsapp' }
    }

export type SignInWithPasswordCredentials =
  | { email: string; password: string; options?: { captchaToken?: string } }
  | { phone: string; password: string; options?: { captchaToken?: string } }

export interface SignInAnonymouslyCredentials {
  options?: { data?: Record<string, unknown>; captchaToken?: string }
}

export type SignInWithPasswordlessCredentials =
  | {
      email: string
      options?: { emailRedirectTo?: string; shouldCreateUser?: boolean; data?: Record<string, unknown>; captchaToken?: string }
    }
  | {
      phone: string
      options?: { shouldCreateUser?: boolean; data?: Record<string, unknown>; captchaToken?: string; channel?: 'sms' | 'whatsapp' }
    }

export type VerifyOtpParams =
  | { email: string; token: string; type: EmailOtpType; options?: { redirectTo?: string; captchaToken?: string } }
  | { phone: string; token: string; type: MobileOtpType; options?: { redirectTo?: string; captchaToken?: string } }
  | { token_hash: string; type: EmailOtpType }

export type ResendParams =
  | { type: 'signup' | 'email_change'; email: string; options?: { emailRedirectTo?: string; captchaToken?: string } }
  | { type: 'sms' | 'phone_change'; phone: string; options?: { captchaToken?: string } }

/** Resolved by every call that may sign in. `session` is null when the server created no session yet. */
export interface AuthResponse {
  user: User | null
  session: Session | null
  /** Set when the step succeeded but another is needed (the second address of a secure email change). */
  message?: string
}

export interface AuthTokenResponsePassword {
  user: User
  session: Session
  weakPassword?: WeakPassword
}

export interface AuthOtpResponse {
  user: null
  session: null
  messageId: string | null
}

export interface AuthStateChangeSubscription {
  id: symbol
  callback: (event: import('../types.js').AuthChangeEvent, session: Session | null) => void
  unsubscribe(): void
}

export interface FactorsList {
  all: import('../types.js').Factor[]
  totp: import('../types.js').Factor[]
  phone: import('../types.js').Factor[]
  webauthn: import('../types.js').Factor[]
}

export interface AssuranceLevel {
  currentLevel: import('../types.js').AuthenticatorAssuranceLevel | null
  nextLevel: import('../types.js').AuthenticatorAssuranceLevel | null
  currentAuthenticationMethods: import('../types.js').AMREntry[]
}

/** The OAuth providers Supabase Auth has built in, or a custom one (`custom:<id>`). */
export type Provider =
  | 'apple' | 'azure' | 'bitbucket' | 'discord' | 'facebook' | 'figma' | 'fly' | 'github' | 'gitlab' | 'google'
  | 'kakao' | 'keycloak' | 'linkedin' | 'linkedin_oidc' | 'notion' | 'slack' | 'slack_oidc' | 'snapchat'
  | 'spotify' | 'twitch' | 'twitter' | 'x' | 'vercel_marketplace' | 'workos' | 'zoom' | `custom:${string}`

export interface SignInWithOAuthCredentials {
  provider: Provider
  options?: {
    /** Where the provider sends the user back (must pass the project's redirect allow list). */
    redirectTo?: string
    /** Space-separated scopes to ask the provider for, beyond its defaults. */
    scopes?: string
    /** Extra query parameters for the provider (`access_type: 'offline'`, `prompt: 'consent'`, …). */
    queryParams?: Record<string, string>
    /** Only make the URL; do not send the browser there. */
    skipBrowserRedirect?: boolean
  }
}

export type SignInWithSSO = ({ providerId: string } | { domain: string }) & {
  options?: { redirectTo?: string; captchaToken?: string; skipBrowserRedirect?: boolean }
}

export interface SignInWithIdTokenCredentials {
  /** `google`, `apple`, `azure`, `facebook`, `kakao`, `keycloak`, … or `custom:<id>`. */
  provider: string
  /** The ID token from the provider's SDK. */
  token: string
  /** The provider's access token, when the ID token has an `at_hash`. */
  access_token?: string
  /** The raw nonce, when the ID token's `nonce` is its SHA-256. */
  nonce?: string
  options?: { captchaToken?: string }
}

/** Where the browser goes (or would go) to sign in with a provider. */
export interface OAuthResponse {
  provider: Provider
  url: string
}

/** A code exchanged for a session; `redirectType` is `recovery` for a password-reset link. */
export interface AuthCodeExchangeResponse {
  user: User
  session: Session
  redirectType: 'recovery' | null
}
