/**
 * The injection token the client is provided under.
 * @module
 */
import { InjectionToken } from '@angular/core'
import type { AuthClient } from '../index.js'

/**
 * The client `provideAuth` creates, for code that wants the client itself (its promise methods, `mfa(auth)`,
 * `getClaims(auth)`). Components usually call `injectAuth()`, which also carries signals.
 *
 * @example
 * ```ts
 * const auth = inject(AUTH_CLIENT)
 * await auth.signInWithPassword({ email, password })
 * ```
 */
export const AUTH_CLIENT = new InjectionToken<AuthClient>('supabase-auth-machine: AuthClient')
