/**
 * "Sending" emails and SMS: one-time tokens are generated and stored on the user row the way GoTrue stores
 * them, and the message lands in the outbox. Resend intervals and send budgets answer 429 (§1.8).
 * @module
 */
import { generateOtp, tokenHash } from './crypto/hash.js'
import type { MessageType } from './store/outbox.js'
import type { Ctx } from './server/context.js'
import { goQueryEscape, linkRedirectParam } from './wire/go-url.js'
import { HttpError, unexpectedFailure } from './server/respond.js'
import type { UserRow } from './store/records.js'

export interface SendOptions {
  redirectTo: string
  /** Prefix the stored/linked hash with `pkce_`. */
  pkce?: boolean
}

const EMAIL_LIMIT = 'over_email_send_rate_limit'
const SMS_LIMIT = 'over_sms_send_rate_limit'

function checkInterval(ctx: Ctx, sentAt: number | undefined, seconds: number, code: string): void {
  if (sentAt === undefined) return
  const until = sentAt + seconds * 1000 - ctx.now()
  if (until > 0) {
    throw new HttpError(429, code, `For security purposes, you can only request this after ${Math.trunc(until / 1000)} seconds.`)
  }
}

function checkBudget(ctx: Ctx, channel: 'email' | 'sms'): void {
  const { cfg } = ctx
  const autoconfirm = channel === 'email' ? cfg.mailerAutoconfirm : cfg.smsAutoconfirm
  const limit = channel === 'email' ? cfg.rateLimitEmailSent : cfg.rateLimitSmsSent
  if (autoconfirm || !Number.isFinite(limit)) return
  const hourAgo = ctx.now() - 3_600_000
  const recent = ctx.app.sent[channel].filter((t) => t > hourAgo)
  ctx.app.sent[channel] = recent
  if (recent.length >= limit) {
    throw channel === 'email'
      ? new HttpError(429, EMAIL_LIMIT, 'email rate limit exceeded')
      : new HttpError(429, SMS_LIMIT, 'SMS rate limit exceeded')
  }
}

interface Delivery {
  channel: 'email' | 'sms'
  to: string
  type: MessageType
  /** `type=` value of the emailed link; no link when absent. */
  linkType?: string
  pkce?: boolean
  redirectTo?: string
}

/** Puts one message in the outbox and returns the stored token hash. */
function deliver(ctx: Ctx, d: Delivery): string {
  const otp = generateOtp(ctx.cfg.otpLength)
  const stored = (d.pkce ? 'pkce_' : '') + tokenHash(d.to, otp)
  const link =
    d.linkType === undefined
      ? undefined
      : `${ctx.cfg.url}/verify?token=${goQueryEscape(stored)}&type=${d.linkType}&redirect_to=${linkRedirectParam(d.redirectTo ?? '')}`
  ctx.app.sent[d.channel].push(ctx.now())
  ctx.app.outbox.push({
    channel: d.channel,
    to: d.to,
    type: d.type,
    otp,
    tokenHash: stored,
    ...(link === undefined ? {} : { link }),
    sentAt: ctx.now(),
  })
  return stored
}

function emailInterval(ctx: Ctx, sentAt: number | undefined): void {
  checkInterval(ctx, sentAt, ctx.cfg.smtpMaxFrequency, EMAIL_LIMIT)
  checkBudget(ctx, 'email')
}

/** Before any SMS limit: GoTrue looks its provider up first. */
function smsInterval(ctx: Ctx, sentAt: number | undefined): void {
  if (!ctx.cfg.smsProvider) throw unexpectedFailure('Unable to get SMS provider')
  checkInterval(ctx, sentAt, ctx.cfg.smsMaxFrequency, SMS_LIMIT)
  checkBudget(ctx, 'sms')
}

/** Sign-up confirmation email, stored in `confirmation_token`. */
export function sendConfirmation(ctx: Ctx, user: UserRow, o: SendOptions): void {
  emailInterval(ctx, user.confirmationSentAt)
  user.confirmationToken = deliver(ctx, { channel: 'email', to: user.email, type: 'signup', linkType: 'signup', ...o })
  user.confirmationSentAt = ctx.now()
}

/** Invite email; only the global send budget applies, not the per-user resend interval. */
export function sendInvite(ctx: Ctx, user: UserRow, o: SendOptions): void {
  checkBudget(ctx, 'email')
  user.confirmationToken = deliver(ctx, { channel: 'email', to: user.email, type: 'invite', linkType: 'invite', ...o })
  user.invitedAt = ctx.now()
  user.confirmationSentAt = ctx.now()
}

/** Magic link and recovery share `recovery_token` / `recovery_sent_at`. */
export function sendRecoveryLike(ctx: Ctx, user: UserRow, type: 'magiclink' | 'recovery', o: SendOptions): void {
  emailInterval(ctx, user.recoverySentAt)
  user.recoveryToken = deliver(ctx, { channel: 'email', to: user.email, type, linkType: type, ...o })
  user.recoverySentAt = ctx.now()
}

/** Secure mode with a current address: one code to each address; otherwise one to the new address. */
export function sendEmailChange(ctx: Ctx, user: UserRow, newEmail: string, o: SendOptions): void {
  emailInterval(ctx, user.emailChangeSentAt)
  user.newEmail = newEmail
  if (ctx.cfg.secureEmailChange && user.email) {
    user.emailChangeTokenCurrent = deliver(ctx, { channel: 'email', to: user.email, type: 'email_change_current', linkType: 'email_change', ...o })
    user.emailChangeTokenNew = deliver(ctx, { channel: 'email', to: newEmail, type: 'email_change_new', linkType: 'email_change', ...o })
  } else {
    user.emailChangeTokenCurrent = ''
    user.emailChangeTokenNew = deliver(ctx, { channel: 'email', to: newEmail, type: 'email_change', linkType: 'email_change', ...o })
  }
  user.emailChangeConfirmStatus = 0
  user.emailChangeSentAt = ctx.now()
}

/** Reauthentication nonce, by email when the user has one, else by SMS. */
export function sendReauthentication(ctx: Ctx, user: UserRow): void {
  if (user.email) {
    emailInterval(ctx, user.reauthenticationSentAt)
    user.reauthenticationToken = deliver(ctx, { channel: 'email', to: user.email, type: 'reauthentication' })
  } else {
    smsInterval(ctx, user.reauthenticationSentAt)
    user.reauthenticationToken = deliver(ctx, { channel: 'sms', to: user.phone, type: 'reauthentication' })
  }
  user.reauthenticationSentAt = ctx.now()
}

/** Phone confirmation / SMS login code, kept in `confirmation_token` like GoTrue. */
export function sendSmsOtp(ctx: Ctx, user: UserRow): void {
  smsInterval(ctx, user.confirmationSentAt)
  user.confirmationToken = deliver(ctx, { channel: 'sms', to: user.phone, type: 'sms' })
  user.confirmationSentAt = ctx.now()
}

/** Code to the new phone number; the change applies only once it is verified. */
export function sendPhoneChange(ctx: Ctx, user: UserRow, newPhone: string): void {
  smsInterval(ctx, user.phoneChangeSentAt)
  user.newPhone = newPhone
  user.phoneChangeToken = deliver(ctx, { channel: 'sms', to: newPhone, type: 'phone_change' })
  user.phoneChangeSentAt = ctx.now()
}
