/**
 * `GET /user`, `PUT /user`, `GET /reauthenticate`, `POST /logout` (contract §4.9–4.12, §8.3–8.5).
 * @module
 */
import { clearOneTimeTokens, confirmPhone, mergeMetadata } from '../accounts.js'
import { checkPassword, hashPassword, tokenHash } from '../crypto/hash.js'
import { createFlowState } from '../flow.js'
import { sendEmailChange, sendPhoneChange, sendReauthentication } from '../mailer.js'
import { requireUser, type UserAuth } from '../server/auth.js'
import { obj, str, type Ctx } from '../server/context.js'
import { badRequest, emailExists, HttpError, json, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json, UserRow } from '../store/records.js'
import { confirmedAtOf, userJson } from '../store/serialize.js'
import { isAal2 } from '../tokens.js'
import { checkPasswordStrength, pkceFromBody, redirectTarget, validateChannel, validateEmail, validatePhone } from '../validate.js'

const DAY_MS = 24 * 3600 * 1000
const RECOVERY_METHODS = new Set(['otp', 'magiclink', 'recovery'])

async function getUser(ctx: Ctx): Promise<Reply> {
  const { user, claims } = await requireUser(ctx)
  const requestAud = ctx.header('x-jwt-aud')
  if (requestAud && requestAud !== claims.aud) throw badRequest("Token audience doesn't match request audience")
  return json(userJson(ctx.store, user))
}

function checkNonce(ctx: Ctx, user: UserRow, nonce: string): void {
  const address = user.email || user.phone
  const ttl = (user.email ? ctx.cfg.mailerOtpExpiry : ctx.cfg.smsOtpExpiry) * 1000
  const fresh = user.reauthenticationSentAt !== undefined && ctx.now() <= user.reauthenticationSentAt + ttl
  if (!user.reauthenticationToken || !fresh || user.reauthenticationToken !== tokenHash(address, nonce)) {
    throw unprocessable('Nonce has expired or is invalid', 'reauthentication_not_valid')
  }
  user.reauthenticationToken = ''
  delete user.reauthenticationSentAt
}

/** §4.11 password rules after the generic checks: reauthentication, current password, same password. */
function checkPasswordChange(ctx: Ctx, auth: UserAuth, body: Json, password: string): void {
  const { user, session } = auth
  const { cfg } = ctx
  if (cfg.passwordRequireReauthentication && (!session || ctx.now() > session.createdAt + DAY_MS)) {
    const nonce = str(body, 'nonce')
    if (!nonce) throw badRequest('Password update requires reauthentication', 'reauthentication_needed')
    checkNonce(ctx, user, nonce)
  }
  const recovery = session?.amr.some((a) => RECOVERY_METHODS.has(a.method)) ?? false
  if (cfg.passwordRequireCurrentPassword && !recovery) {
    const current = str(body, 'current_password')
    if (!current) throw badRequest('Current password required when setting new password.', 'current_password_required')
    if (!checkPassword(current, user.passwordHash)) {
      throw badRequest('Current password required when setting new password.', 'current_password_invalid')
    }
  }
  if (user.passwordHash && checkPassword(password, user.passwordHash)) {
    throw unprocessable('New password should be different from the old password.', 'same_password')
  }
}

/** GoTrue `UpdatePassword`: pending tokens reset, every other session signed out. */
function applyPassword(ctx: Ctx, auth: UserAuth, password: string): void {
  const { user, session } = auth
  user.passwordHash = hashPassword(password)
  clearOneTimeTokens(user)
  for (const k of ['confirmationSentAt', 'recoverySentAt', 'emailChangeSentAt', 'phoneChangeSentAt', 'reauthenticationSentAt'] as const) {
    delete user[k]
  }
  for (const s of ctx.store.sessionsOf(user.id)) if (s.id !== session?.id) ctx.store.deleteSession(s.id)
}

async function putUser(ctx: Ctx): Promise<Reply> {
  const auth = await requireUser(ctx)
  const { user, session } = auth
  const { cfg, store } = ctx
  const body = ctx.body()
  // The answer is the row as loaded, then changed in memory: `confirmed_at` (generated) is as it was
  // loaded, so an anonymous user confirmed by this very update (the upgrade) is answered without it.
  const confirmedAt = confirmedAtOf(user) !== undefined
  const email = str(body, 'email') ? validateEmail(str(body, 'email')) : ''
  const phone = str(body, 'phone') ? validatePhone(str(body, 'phone')) : ''
  if (phone) validateChannel(str(body, 'channel'))
  const password = typeof body.password === 'string' ? body.password : undefined
  if (password !== undefined) checkPasswordStrength(cfg, password)
  const appMetadata = obj(body, 'app_metadata')
  if (appMetadata && user.role !== 'admin') {
    throw new HttpError(403, 'not_admin', 'Updating app_metadata requires admin privileges')
  }
  const changesEmail = email !== '' && email !== user.email
  const changesPhone = phone !== '' && phone !== user.phone
  const hasVerifiedFactor = store.factorsOf(user.id).some((f) => f.status === 'verified')
  if (hasVerifiedFactor && !isAal2(session) && (password !== undefined || changesEmail || changesPhone)) {
    throw new HttpError(401, 'insufficient_aal', 'AAL2 session is required to update email or password when MFA is enabled.')
  }
  if (user.isAnonymous && password !== undefined && !email && !phone) {
    throw unprocessable('Updating password of an anonymous user without an email or phone is not allowed')
  }
  if (changesEmail && store.userByEmail(email)) {
    throw emailExists()
  }
  if (changesPhone && store.userByPhone(phone)) {
    throw unprocessable('A user with this phone number has already been registered', 'phone_exists')
  }
  if (password !== undefined) checkPasswordChange(ctx, auth, body, password)
  const pkce = pkceFromBody(body)

  if (changesEmail) {
    if (user.isAnonymous && cfg.mailerAutoconfirm) {
      user.email = email
      user.emailConfirmedAt = ctx.now()
      user.isAnonymous = false
      store.upsertIdentity(user, 'email', { email, email_verified: true, phone_verified: false })
    } else {
      sendEmailChange(ctx, user, email, { redirectTo: redirectTarget(ctx, str(body, 'redirect_to')), pkce: pkce !== null })
      if (pkce) createFlowState(ctx, user, pkce, 'email_change', 'email_change')
    }
  }
  if (changesPhone) {
    if (cfg.smsAutoconfirm) {
      user.phone = phone
      confirmPhone(ctx, user)
      user.phoneConfirmedAt = ctx.now()
      user.isAnonymous = false
      store.upsertIdentity(user, 'phone', { phone, email_verified: false, phone_verified: true })
    } else {
      sendPhoneChange(ctx, user, phone)
    }
  }
  if (password !== undefined) applyPassword(ctx, auth, password)
  const data = obj(body, 'data')
  if (data) user.userMetadata = mergeMetadata(user.userMetadata, data)
  if (appMetadata) user.appMetadata = mergeMetadata(user.appMetadata, appMetadata)
  store.touch(user)
  return json(userJson(store, user, { confirmedAt }))
}

async function reauthenticate(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  if (!user.email && !user.phone) throw badRequest('Reauthentication requires the user to have an email or a phone number')
  if (user.email && user.emailConfirmedAt === undefined) throw unprocessable('Please verify your email first.', 'email_not_confirmed')
  if (!user.email && user.phoneConfirmedAt === undefined) throw unprocessable('Please verify your phone first.', 'phone_not_confirmed')
  sendReauthentication(ctx, user)
  return json({})
}

async function logout(ctx: Ctx): Promise<Reply> {
  const { user, session } = await requireUser(ctx)
  const scope = ctx.query.get('scope') ?? ''
  if (!['', 'global', 'local', 'others'].includes(scope)) throw badRequest(`Unsupported logout scope "${scope}"`)
  const { store } = ctx
  if (scope === 'local' && session) store.deleteSession(session.id)
  else if (scope === 'others' && session) {
    for (const s of store.sessionsOf(user.id)) if (s.id !== session.id) store.deleteSession(s.id)
  } else for (const s of store.sessionsOf(user.id)) store.deleteSession(s.id)
  return { status: 204 }
}

export const userRoutes: Route[] = [
  { method: 'GET', path: '/user', handler: getUser },
  { method: 'PUT', path: '/user', handler: putUser },
  { method: 'GET', path: '/reauthenticate', handler: reauthenticate },
  { method: 'POST', path: '/logout', handler: logout },
]
