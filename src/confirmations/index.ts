/**
 * `supabase-auth-machine/confirmations`: the calls that (re)send the user a code or link to confirm
 * something, kept out of the main entry because many apps never make them. `resetPasswordForEmail` sends a
 * password-recovery link (and code); `resend` sends again a sign-up confirmation or the code of a pending
 * email/phone change; `reauthenticate` sends the nonce that confirms a password change when the project asks
 * for one. Each takes the client first and keeps auth-js's shapes (`auth.resend(p)` in auth-js is
 * `resend(auth, p)` here).
 *
 * @example
 * ```ts
 * import { resend, resetPasswordForEmail } from 'supabase-auth-machine/confirmations'
 * await resetPasswordForEmail(auth, 'a@example.com', { redirectTo: `${location.origin}/reset` })
 * await resend(auth, { type: 'signup', email: 'a@example.com' })
 * ```
 * @module
 */
import * as api from '../api/index.js'
import { recoverRequest, resendRequest } from '../client/arguments.js'
import type { AuthClient } from '../client/auth-client.js'
import { coreOf } from '../client/core-key.js'
import { withSession } from '../client/gateway.js'
import { withPkceChallenge } from '../client/pkce-start.js'
import type { AuthOtpResponse, AuthResponse, ResendParams } from '../client/types.js'
import type { CallOptions } from '../types.js'

export type { ResendParams } from '../client/types.js'

/**
 * Sends again a sign-up confirmation (`signup`), or the code of a pending email or phone change
 * (`email_change`, `phone_change`; `sms` for a phone sign-up). With the PKCE flow an email carries a fresh
 * code challenge, so its link signs in as `signUp`'s would.
 *
 * @example
 * ```ts
 * await resend(auth, { type: 'signup', email: 'a@example.com', options: { emailRedirectTo: location.origin } })
 * ```
 */
export async function resend(auth: AuthClient, params: ResendParams, options?: CallOptions): Promise<AuthOtpResponse> {
  const core = coreOf(auth)
  core.assertLive()
  const request = resendRequest(params)
  const { messageId } = await withPkceChallenge(core, { applies: request.email !== undefined }, (pkce) =>
    api.resend(core.io.transport, { ...request, ...pkce }, options),
  )
  return { user: null, session: null, messageId }
}

/**
 * Sends the signed-in user a nonce (by email, else SMS) to pass as `updateUser({ password, nonce })` when
 * the project requires a recent sign-in for a password change.
 *
 * @example
 * ```ts
 * await reauthenticate(auth)
 * await auth.updateUser({ password: newPassword, nonce: codeFromTheEmail })
 * ```
 */
export async function reauthenticate(auth: AuthClient, options?: CallOptions): Promise<AuthResponse> {
  const core = coreOf(auth)
  await withSession(core, (token) => api.reauthenticate(core.io.transport, token, options))
  return { user: null, session: null }
}

/**
 * Sends a password-reset email. With the PKCE flow its link comes back with a code that signs in announcing
 * `PASSWORD_RECOVERY`; or finish with `verifyOtp({ type: 'recovery', … })`. Resolves the same for an
 * address the server does not know (no enumeration).
 *
 * @example
 * ```ts
 * await resetPasswordForEmail(auth, 'a@example.com', { redirectTo: 'https://app.example.com/reset' })
 * ```
 */
export async function resetPasswordForEmail(
  auth: AuthClient,
  email: string,
  params: { redirectTo?: string; captchaToken?: string } = {},
  options?: CallOptions,
): Promise<Record<string, never>> {
  const core = coreOf(auth)
  core.assertLive()
  const request = recoverRequest(params)
  return withPkceChallenge(core, { recovery: true }, (pkce) => api.recover(core.io.transport, email, { ...request, ...pkce }, options))
}
