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
