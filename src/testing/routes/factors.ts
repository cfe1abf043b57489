/**
 * MFA: enroll, challenge, verify, unenroll for TOTP, phone and WebAuthn factors (contract §4.16, §7). The
 * phone specifics (number rules, the SMS code) are in `phone-factors.ts`, the WebAuthn ones (ceremony
 * options, checking the authenticator's response) in `webauthn-factors.ts`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { base32Encode, isUuid, uuid } from '../crypto/hash.js'
import { qrSvg } from '../crypto/qr.js'
import { otpauthUri, verifyTotp } from '../crypto/totp.js'
import { requireNonAnonymousUser } from '../server/auth.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, HttpError, json, notFound, unexpectedFailure, unhandled, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { ChallengeRow, FactorRow, SessionRow, UserRow } from '../store/records.js'
import { mfaRefreshToken } from '../refresh/issue.js'
import { addAmr, aalOf, isAal2, tokenResponse } from '../tokens.js'
import { checkPhoneCode, PHONE_ENROLL_DISABLED, PHONE_VERIFY_DISABLED, phoneForEnroll, sendPhoneChallenge } from './phone-factors.js'
import {
  checkWebAuthnResponse,
  startWebAuthnChallenge,
  WEBAUTHN_CHALLENGE_DISABLED,
  WEBAUTHN_ENROLL_DISABLED,
  WEBAUTHN_VERIFY_DISABLED,
  webauthnVerifyParams,
} from './webauthn-factors.js'

const MAX_VERIFIED_FACTORS = 10

/** The AMR method a verified factor adds to the session (§2.6). */
function amrMethod(factor: FactorRow): string {
  switch (factor.factorType) {
    case 'phone':
      return 'mfa/phone'
    case 'webauthn':
      return 'mfa/webauthn'
    case 'totp':
      return 'totp'
  }
}

/** Challenge and verify are refused, per factor type, while that type's verification is switched off. */
function requireVerifyEnabled(ctx: Ctx, factor: FactorRow, step: 'challenge' | 'verify'): void {
  const { cfg } = ctx
  if (factor.factorType === 'phone') {
    if (!cfg.mfaPhoneVerify) throw PHONE_VERIFY_DISABLED()
  } else if (factor.factorType === 'webauthn') {
    if (!cfg.mfaWebAuthnVerify) throw step === 'challenge' ? WEBAUTHN_CHALLENGE_DISABLED() : WEBAUTHN_VERIFY_DISABLED()
  } else if (!cfg.mfaTotp) {
    throw unprocessable('MFA verification is disabled for TOTP', 'mfa_totp_verify_not_enabled')
  }
}

function purgeStaleFactors(ctx: Ctx, userId: string): void {
  const cutoff = ctx.now() - ctx.cfg.mfaFactorExpiry * 1000
  const challenged = new Set([...ctx.store.challenges.values()].map((c) => c.factorId))
  for (const f of ctx.store.factorsOf(userId)) {
    if (f.status === 'unverified' && !challenged.has(f.id) && f.createdAt < cutoff) ctx.store.deleteFactor(f.id)
  }
}

async function enroll(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const { user } = auth
  const { cfg, store } = ctx
  const body = ctx.body()
  const type = str(body, 'factor_type')
  if (type !== 'totp' && type !== 'phone' && type !== 'webauthn') {
    throw badRequest('factor_type needs to be totp, phone, or webauthn')
  }
  if (type === 'phone' && !cfg.mfaPhoneEnroll) throw PHONE_ENROLL_DISABLED()
  if (type === 'webauthn' && !cfg.mfaWebAuthnEnroll) throw WEBAUTHN_ENROLL_DISABLED()
  if (type === 'totp' && !cfg.mfaTotp) throw unprocessable('MFA enroll is disabled for TOTP', 'mfa_totp_enroll_not_enabled')
  purgeStaleFactors(ctx, user.id)
  // The number is checked (and same-number unverified factors dropped) before the shared limits, as GoTrue does.
  const phone = type === 'phone' ? phoneForEnroll(ctx, user.id, str(body, 'phone')) : undefined
  const friendlyName = str(body, 'friendly_name')
  const factors = store.factorsOf(user.id)
  if (factors.some((f) => f.friendlyName === friendlyName)) {
    throw unprocessable(`A factor with the friendly name "${friendlyName}" for this user already exists`, 'mfa_factor_name_conflict')
  }
  const verified = factors.filter((f) => f.status === 'verified').length
  if (factors.length >= cfg.mfaMaxEnrolledFactors || verified >= MAX_VERIFIED_FACTORS) {
    throw unprocessable('Maximum number of verified factors reached, unenroll to continue', 'too_many_enrolled_mfa_factors')
  }
  if (verified > 0 && !isAal2(auth.session)) throw new HttpError(403, 'insufficient_aal', 'AAL2 required to enroll a new factor')
  const t = ctx.now()
  if (type === 'webauthn') {
    const factor: FactorRow = { id: uuid(), userId: user.id, friendlyName, factorType: 'webauthn', status: 'unverified', secret: '', createdAt: t, updatedAt: t }
    store.factors.set(factor.id, factor)
    return json({ id: factor.id, type: 'webauthn', friendly_name: friendlyName })
  }
  if (phone !== undefined) {
    const factor: FactorRow = {
      id: uuid(),
      userId: user.id,
      friendlyName,
      factorType: 'phone',
      status: 'unverified',
      secret: '',
      phone,
      createdAt: t,
      updatedAt: t,
    }
    store.factors.set(factor.id, factor)
    // The phone is echoed as sent; the factor keeps it normalized.
    return json({ id: factor.id, type: 'phone', friendly_name: friendlyName, phone: str(body, 'phone') })
  }
  if (!user.email) throw unexpectedFailure('Error generating QR Code')
  const issuer = str(body, 'issuer') || new URL(cfg.siteUrl).host
  const secret = base32Encode(randomBytes(20))
  const uri = otpauthUri(issuer, user.email, secret)
  const qr = await qrSvg(uri)
  const factor: FactorRow = {
    id: uuid(),
    userId: user.id,
    friendlyName,
    factorType: 'totp',
    status: 'unverified',
    secret,
    createdAt: t,
    updatedAt: t,
  }
  store.factors.set(factor.id, factor)
  return json({ id: factor.id, type: 'totp', friendly_name: friendlyName, totp: { qr_code: qr, secret, uri } })
}

/** The `:factorId` of the path, which must belong to `user` (own routes and admin routes alike). */
export function factorOf(ctx: Ctx, user: UserRow): FactorRow {
  const id = ctx.params.factorId ?? ''
  if (!isUuid(id)) throw notFound('factor_id must be an UUID', 'validation_failed')
  const factor = ctx.store.factors.get(id)
  if (!factor || factor.userId !== user.id) throw notFound('Factor not found', 'mfa_factor_not_found')
  return factor
}

async function challenge(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const factor = factorOf(ctx, auth.user)
  requireVerifyEnabled(ctx, factor, 'challenge')
  // Sent before the challenge is stored, so a refused send (channel, interval) leaves no challenge behind.
  const otp = factor.factorType === 'phone' ? sendPhoneChallenge(ctx, factor, ctx.body()) : undefined
  const ceremony = factor.factorType === 'webauthn' ? startWebAuthnChallenge(ctx, auth.user, factor) : undefined
  const t = ctx.now()
  const row: ChallengeRow = { id: uuid(), factorId: factor.id, createdAt: t, ip: ctx.ip }
  if (otp !== undefined) row.otp = otp
  if (ceremony) row.webauthn = ceremony.webauthn
  ctx.store.challenges.set(row.id, row)
  factor.lastChallengedAt = t
  const expiresAt = Math.floor(t / 1000) + ctx.cfg.mfaChallengeExpiry
  return json({ id: row.id, type: factor.factorType, expires_at: expiresAt, ...(ceremony ? { webauthn: ceremony.body } : {}) })
}

function upgradeSession(ctx: Ctx, session: SessionRow, factor: FactorRow): void {
  addAmr(session, amrMethod(factor), ctx.now())
  session.factorId = factor.id
  session.updatedAt = ctx.now()
  for (const other of ctx.store.sessionsOf(session.userId)) {
    if (other.id !== session.id && aalOf(other) === 'aal1') ctx.store.deleteSession(other.id)
  }
}

/** GoTrue `validateChallenge`: the factor's challenge, from the caller's IP, not yet verified nor expired. */
function pendingChallenge(ctx: Ctx, factor: FactorRow, id: string): ChallengeRow {
  const { store, cfg } = ctx
  const ch = store.challenges.get(id)
  if (!ch || ch.factorId !== factor.id) {
    throw unprocessable('MFA factor with the provided challenge ID not found', 'mfa_factor_not_found')
  }
  if (ch.verifiedAt !== undefined || ch.ip !== ctx.ip) {
    throw unprocessable('Challenge and verify IP addresses mismatch.', 'mfa_ip_address_mismatch')
  }
  if (ctx.now() > ch.createdAt + cfg.mfaChallengeExpiry * 1000) {
    store.challenges.delete(ch.id)
    throw unprocessable(
      `MFA challenge ${ch.id} has expired, verify against another challenge or create a new challenge.`,
      'mfa_challenge_expired',
    )
  }
  return ch
}

async function verify(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const factor = factorOf(ctx, auth.user)
  const { store } = ctx
  const body = ctx.body()
  const code = str(body, 'code')
  if (!code && factor.factorType !== 'webauthn') throw badRequest('Code needs to be non-empty')
  requireVerifyEnabled(ctx, factor, 'verify')
  const webauthn = factor.factorType === 'webauthn' ? webauthnVerifyParams(body) : undefined
  const ch = pendingChallenge(ctx, factor, str(body, 'challenge_id'))
  // A WebAuthn challenge is deleted once it verified; the others are marked verified and kept.
  if (webauthn) await checkWebAuthnResponse(ctx, factor, ch, webauthn)
  else if (factor.factorType === 'phone') checkPhoneCode(ch.otp, code)
  else if (!verifyTotp(factor.secret, code, ctx.now())) throw unprocessable('Invalid TOTP code entered', 'mfa_verification_failed')
  const { session, user } = auth
  if (!session) throw unhandled()
  if (!webauthn) ch.verifiedAt = ctx.now()
  factor.status = 'verified'
  factor.updatedAt = ctx.now()
  for (const f of store.factorsOf(user.id)) {
    if (f.id !== factor.id && f.status === 'unverified' && f.factorType === factor.factorType) store.deleteFactor(f.id)
  }
  upgradeSession(ctx, session, factor)
  return json(await tokenResponse(ctx, session, mfaRefreshToken(ctx, session), user))
}

/** Sessions upgraded with `factor` fall back to aal1. */
export function downgradeSessions(ctx: Ctx, factor: FactorRow): void {
  for (const s of ctx.store.sessionsOf(factor.userId)) {
    if (s.factorId !== factor.id) continue
    s.amr = s.amr.filter((a) => a.method !== amrMethod(factor))
    delete s.factorId
  }
}

async function unenroll(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const factor = factorOf(ctx, auth.user)
  if (factor.status === 'verified' && !isAal2(auth.session)) {
    throw unprocessable('AAL2 required to unenroll verified factor', 'insufficient_aal')
  }
  ctx.store.deleteFactor(factor.id)
  downgradeSessions(ctx, factor)
  return json({ id: factor.id })
}

export const factorRoutes: Route[] = [
  { method: 'POST', path: '/factors', handler: enroll },
  { method: 'POST', path: '/factors/:factorId/challenge', handler: challenge },
  { method: 'POST', path: '/factors/:factorId/verify', handler: verify },
  { method: 'DELETE', path: '/factors/:factorId', handler: unenroll },
]
