/**
 * Finding and applying one-time tokens: the shared core of `POST /verify` and `GET /verify` (contract §4.6,
 * §8.3, §8.4).
 * @module
 */
import { clearOneTimeTokens, confirmEmail, confirmPhone } from './accounts.js'
import { hashPassword, randomPassword, tokenHash } from './crypto/hash.js'
import type { Ctx } from './server/context.js'
import type { AuthMethod, UserRow } from './store/records.js'

export type VerifyType = 'signup' | 'invite' | 'magiclink' | 'recovery' | 'email_change' | 'email' | 'sms' | 'phone_change'
/** `email` resolved to the concrete token it matched. */
export type ResolvedType = Exclude<VerifyType, 'email'>

export const EMAIL_TYPES: ReadonlySet<string> = new Set(['signup', 'invite', 'magiclink', 'recovery', 'email_change', 'email'])
export const ALL_TYPES: ReadonlySet<string> = new Set([...EMAIL_TYPES, 'sms', 'phone_change'])

export interface Match {
  user: UserRow
  type: ResolvedType
  /** Which address of a secure email change the token belonged to. */
  leg?: 'current' | 'new'
  pkce: boolean
}

export const FIRST_LEG_MESSAGE = 'Confirmation link accepted. Please proceed to confirm link sent to the other email'

type Matcher = (stored: string) => boolean

function candidates(user: UserRow, type: VerifyType, matches: Matcher): Match | undefined {
  const pkce = (stored: string) => stored.startsWith('pkce_')
  switch (type) {
    case 'signup':
    case 'invite':
    case 'sms':
      return matches(user.confirmationToken) ? { user, type, pkce: pkce(user.confirmationToken) } : undefined
    case 'magiclink':
    case 'recovery':
      return matches(user.recoveryToken) ? { user, type, pkce: pkce(user.recoveryToken) } : undefined
    case 'email':
      if (matches(user.confirmationToken)) return { user, type: 'signup', pkce: pkce(user.confirmationToken) }
      if (matches(user.recoveryToken)) return { user, type: 'magiclink', pkce: pkce(user.recoveryToken) }
      return undefined
    case 'email_change':
      if (matches(user.emailChangeTokenCurrent)) return { user, type, leg: 'current', pkce: pkce(user.emailChangeTokenCurrent) }
      if (matches(user.emailChangeTokenNew)) return { user, type, leg: 'new', pkce: pkce(user.emailChangeTokenNew) }
      return undefined
    case 'phone_change':
      return matches(user.phoneChangeToken) ? { user, type, pkce: false } : undefined
  }
}

/** Token path: the OTP of `address`, accepted with or without the `pkce_` prefix on the stored hash. */
export function findByOtp(ctx: Ctx, type: VerifyType, address: string, otp: string): Match | undefined {
  const h = tokenHash(address, otp)
  const matches: Matcher = (stored) => stored !== '' && (stored === h || stored === `pkce_${h}`)
  for (const user of ctx.store.users.values()) {
    const owns =
      type === 'email_change' ? user.email === address || user.newEmail === address
      : type === 'sms' ? user.phone === address
      : type === 'phone_change' ? user.newPhone === address
      : user.email === address
    if (!owns) continue
    // The hash binds the address, so only the leg sent to `address` can match.
    const m = candidates(user, type, matches)
    if (m) return m
  }
  return undefined
}

/** Token-hash path: the stored value verbatim. */
export function findByHash(ctx: Ctx, type: VerifyType, hash: string): Match | undefined {
  const matches: Matcher = (stored) => stored !== '' && stored === hash
  for (const user of ctx.store.users.values()) {
    const m = candidates(user, type, matches)
    if (m) return m
  }
  return undefined
}

/** True when the matched token's send time is older than its channel's OTP lifetime. */
export function isExpired(ctx: Ctx, m: Match): boolean {
  const { cfg } = ctx
  const u = m.user
  const [sentAt, ttl] =
    m.type === 'signup' || m.type === 'invite' ? [u.confirmationSentAt, cfg.mailerOtpExpiry]
    : m.type === 'magiclink' || m.type === 'recovery' ? [u.recoverySentAt, cfg.mailerOtpExpiry]
    : m.type === 'email_change' ? [u.emailChangeSentAt, cfg.mailerOtpExpiry]
    : m.type === 'sms' ? [u.confirmationSentAt, cfg.smsOtpExpiry]
    : [u.phoneChangeSentAt, cfg.smsOtpExpiry]
  return sentAt === undefined || ctx.now() > sentAt + ttl * 1000
}

/** `first_leg` = half of a secure email change; `done` = the user may get a session. */
export type Outcome = 'first_leg' | 'done'

/** Applies a matched token (confirm, recover, change email/phone) and consumes every one-time token. */
export function applyVerification(ctx: Ctx, m: Match): Outcome {
  const { user } = m
  const { store, cfg } = ctx
  switch (m.type) {
    case 'signup':
    case 'invite':
      confirmEmail(ctx, user)
      if (m.type === 'invite' && !user.passwordHash) user.passwordHash = hashPassword(randomPassword())
      break
    case 'magiclink':
    case 'recovery':
      if (user.emailConfirmedAt === undefined) confirmEmail(ctx, user)
      break
    case 'sms':
      confirmPhone(ctx, user)
      user.isAnonymous = false
      break
    case 'phone_change':
      user.phone = user.newPhone ?? user.phone
      delete user.newPhone
      user.phoneConfirmedAt = ctx.now()
      store.upsertIdentity(user, 'phone', { phone: user.phone, email_verified: false, phone_verified: true })
      user.isAnonymous = false
      break
    case 'email_change':
      if (cfg.secureEmailChange && user.emailChangeConfirmStatus === 0 && user.email && !cfg.mailerAutoconfirm) {
        if (m.leg === 'current') user.emailChangeTokenCurrent = ''
        else user.emailChangeTokenNew = ''
        user.emailChangeConfirmStatus = 1
        store.touch(user)
        return 'first_leg'
      }
      user.email = user.newEmail ?? user.email
      delete user.newEmail
      delete user.emailChangeSentAt
      user.emailChangeConfirmStatus = 0
      store.upsertIdentity(user, 'email', { email: user.email, email_verified: true, phone_verified: false })
      user.userMetadata = { ...(user.userMetadata ?? {}), email: user.email, email_verified: true }
      user.emailConfirmedAt ??= ctx.now()
      user.isAnonymous = false
      break
  }
  clearOneTimeTokens(user)
  store.recomputeProviders(user)
  store.touch(user)
  return 'done'
}

/** Authentication method a PKCE exchange records for a verify type; `undefined` = not a method name. */
export function pkceMethodOf(type: string): AuthMethod | undefined {
  switch (type) {
    case 'signup':
      return 'email/signup'
    case 'invite':
    case 'magiclink':
    case 'recovery':
    case 'email_change':
      return type
    default:
      return undefined
  }
}
