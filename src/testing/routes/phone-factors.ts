/**
 * Phone factors (contract §4.16, §7): the number rules of enrolment, the code a challenge sends to the
 * outbox, and checking that code. The routes in `factors.ts` call these for `factor_type: 'phone'`.
 * @module
 */
import { timingSafeEqual } from 'node:crypto'
import { generateOtp, tokenHash, uuid } from '../crypto/hash.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, HttpError, unexpectedFailure, unprocessable } from '../server/respond.js'
import type { FactorRow, Json } from '../store/records.js'
import { userJson } from '../store/serialize.js'
import { validateChannel, validatePhone } from '../validate.js'

/** GoTrue's messages for a phone factor type that is switched off. */
export const PHONE_ENROLL_DISABLED = (): HttpError => unprocessable('MFA enroll is disabled for Phone', 'mfa_phone_enroll_not_enabled')
export const PHONE_VERIFY_DISABLED = (): HttpError =>
  unprocessable('MFA verification is disabled for Phone', 'mfa_phone_verify_not_enabled')

/**
 * The normalized number of a phone enrolment (digits without `+`). A verified phone factor with the same
 * number refuses the enrolment; unverified ones with it are dropped, so re-enrolling replaces them.
 *
 * @example
 * const phone = phoneForEnroll(ctx, user.id, '+1 555 0100')   // '15550100'
 */
export function phoneForEnroll(ctx: Ctx, userId: string, raw: string): string {
  if (!raw) throw badRequest('Phone number required to enroll Phone factor')
  const phone = validatePhone(raw)
  for (const f of ctx.store.factorsOf(userId)) {
    if (f.factorType !== 'phone' || f.phone !== phone) continue
    if (f.status === 'verified') {
      throw unprocessable('A verified phone factor already exists, unenroll the existing factor to continue', 'mfa_verified_factor_exists')
    }
    ctx.store.deleteFactor(f.id)
  }
  return phone
}

/**
 * Sends a phone factor's challenge code to the outbox (type `sms`, `via` the channel) and returns the code
 * to keep on the challenge. The resend interval counts from the factor's `last_challenged_at`, not from the
 * user's SMS columns: GoTrue keeps MFA codes apart from sign-in codes.
 *
 * @example
 * const otp = sendPhoneChallenge(ctx, factor, ctx.body())   // then server.outbox.latest(factor.phone)
 */
export function sendPhoneChallenge(ctx: Ctx, factor: FactorRow, body: Json): string {
  const channel = str(body, 'channel')
  validateChannel(channel)
  const last = factor.lastChallengedAt
  if (last !== undefined) {
    const until = last + ctx.cfg.mfaPhoneMaxFrequency * 1000 - ctx.now()
    if (until > 0) {
      throw new HttpError(429, 'over_sms_send_rate_limit', `For security purposes, you can only request this after ${Math.trunc(until / 1000)} seconds.`)
    }
  }
  // The MFA path looks the provider up after the interval and words it differently from `POST /otp`.
  if (!ctx.cfg.smsProvider) throw unexpectedFailure('Failed to get SMS provider')
  const to = factor.phone ?? ''
  const otp = generateOtp(ctx.cfg.mfaPhoneOtpLength)
  const user = ctx.store.users.get(factor.userId)
  const metadata = { uuid: uuid(), time: new Date(ctx.now()).toISOString(), name: 'send-sms' as const, ip_address: ctx.ip }
  ctx.app.outbox.push({
    channel: 'sms',
    via: channel === 'whatsapp' ? 'whatsapp' : 'sms',
    to,
    type: 'sms',
    otp,
    tokenHash: tokenHash(to, otp),
    sentAt: ctx.now(),
    smsHook: { metadata, user: user ? userJson(ctx.store, user) : {}, sms: { otp, sms_type: 'mfa', phone: to } },
  })
  return otp
}

/** The code sent for the challenge, compared in constant time; GoTrue's message when it differs. */
export function checkPhoneCode(sent: string | undefined, code: string): void {
  const a = Buffer.from(sent ?? '')
  const b = Buffer.from(code)
  if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw unprocessable('Invalid MFA Phone code entered', 'mfa_verification_failed')
  }
}
