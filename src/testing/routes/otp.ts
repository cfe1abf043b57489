/**
 * Passwordless and email-sending routes: `/otp`, `/magiclink`, `/recover`, `/resend` (contract §4.4–4.8).
 * @module
 */
import { confirmEmail, confirmPhone, createUser, withRollback } from '../accounts.js'
import { randomPassword } from '../crypto/hash.js'
import { createFlowState } from '../flow.js'
import { sendConfirmation, sendEmailChange, sendPhoneChange, sendRecoveryLike, sendSmsOtp } from '../mailer.js'
import { obj, str, type Ctx } from '../server/context.js'
import { badRequest, json, signupDisabled, unhandled, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json } from '../store/records.js'
import { pkceFromBody, redirectTarget, validateChannel, validateEmail, validatePhone, type PkceParams } from '../validate.js'

/** Shared by `/magiclink` and the email branch of `/otp`. */
function magicLink(ctx: Ctx, body: Json, emailRaw: string, pkce: PkceParams | null): Reply {
  if (!emailRaw) throw unprocessable('Password recovery requires an email')
  const email = validateEmail(emailRaw)
  const { cfg, store } = ctx
  const redirectTo = redirectTarget(ctx, str(body, 'redirect_to'))
  let user = store.userByEmail(email)
  if (!user || user.emailConfirmedAt === undefined) {
    if (!user && cfg.disableSignup) throw signupDisabled()
    const created = !user
    user ??= createUser(ctx, { email, password: randomPassword(), data: obj(body, 'data') ?? {}, via: 'signup' })
    if (!cfg.mailerAutoconfirm) {
      withRollback(ctx, user, created, (u) => sendConfirmation(ctx, u, { redirectTo, pkce: pkce !== null }))
      if (pkce) createFlowState(ctx, user, pkce, 'email/signup', 'email')
      return json({})
    }
    confirmEmail(ctx, user)
  }
  sendRecoveryLike(ctx, user, 'magiclink', { redirectTo, pkce: pkce !== null })
  if (pkce) createFlowState(ctx, user, pkce, 'magiclink', 'magiclink')
  return json({})
}

function otp(ctx: Ctx): Reply {
  const body = ctx.body()
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  const channel = str(body, 'channel')
  if (email && phone) throw badRequest('Only an email address or phone number should be provided')
  if (email && channel) throw badRequest('Channel should only be specified with Phone OTP')
  const pkce = pkceFromBody(body)
  const createUserFlag = body.create_user !== false
  if (!createUserFlag) {
    let exists = false
    try {
      exists = email ? !!ctx.store.userByEmail(validateEmail(email)) : !!ctx.store.userByPhone(validatePhone(phone))
    } catch {
      // GoTrue swallows the validation error here and only looks at the boolean.
    }
    if (!exists) throw unprocessable('Signups not allowed for otp', 'otp_disabled')
  }
  if (email) return magicLink(ctx, body, email, pkce)
  if (!phone) throw badRequest('One of email or phone must be set')
  if (!ctx.cfg.phoneSignups) throw badRequest('Unsupported phone provider', 'phone_provider_disabled')
  validateChannel(channel)
  const normalized = validatePhone(phone)
  let user = ctx.store.userByPhone(normalized)
  let created = false
  if (!user || user.phoneConfirmedAt === undefined) {
    if (!user && ctx.cfg.disableSignup) throw signupDisabled()
    if (!user) {
      user = createUser(ctx, { phone: normalized, password: randomPassword(), data: obj(body, 'data') ?? {}, via: 'signup' })
      created = true
    }
    if (ctx.cfg.smsAutoconfirm) confirmPhone(ctx, user)
  }
  // With autoconfirm, GoTrue commits the confirmed user (an internal signup) before sending the code, so a
  // failed send does not take it back.
  withRollback(ctx, user, created && !ctx.cfg.smsAutoconfirm, (u) => sendSmsOtp(ctx, u))
  return json({})
}

function magiclinkRoute(ctx: Ctx): Reply {
  const body = ctx.body('Could not read verification params')
  return magicLink(ctx, body, str(body, 'email'), pkceFromBody(body))
}

function recover(ctx: Ctx): Reply {
  const body = ctx.body()
  const raw = str(body, 'email')
  if (!raw) throw badRequest('Password recovery requires an email')
  const email = validateEmail(raw)
  const pkce = pkceFromBody(body)
  const user = ctx.store.userByEmail(email)
  if (!user) return json({})
  sendRecoveryLike(ctx, user, 'recovery', { redirectTo: redirectTarget(ctx, str(body, 'redirect_to')), pkce: pkce !== null })
  if (pkce) createFlowState(ctx, user, pkce, 'recovery', 'recovery')
  return json({})
}

const RESEND_TYPES = new Set(['signup', 'email_change', 'sms', 'phone_change'])

function resend(ctx: Ctx): Reply {
  const body = ctx.body()
  const type = str(body, 'type')
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  if (!RESEND_TYPES.has(type)) throw badRequest('Missing one of these types: signup, email_change, sms, phone_change')
  if (!email && type === 'signup') throw badRequest('Type provided requires an email address')
  if (!phone && type === 'sms') throw badRequest('Type provided requires a phone number')
  if (email && phone) throw badRequest('Only an email address or phone number should be provided.')
  if (!email && !phone) throw badRequest('Missing email address or phone number')
  const address = email ? validateEmail(email) : validatePhone(phone)
  if (phone && !ctx.cfg.phoneSignups) throw badRequest('Phone logins are disabled', 'phone_provider_disabled')
  const pkce = pkceFromBody(body)
  const user = email ? ctx.store.userByEmail(address) : ctx.store.userByPhone(address)
  if (!user) return json({})
  const redirectTo = redirectTarget(ctx, str(body, 'redirect_to'))
  switch (type) {
    case 'signup':
      if (user.emailConfirmedAt !== undefined) return json({})
      sendConfirmation(ctx, user, { redirectTo, pkce: pkce !== null })
      if (pkce) createFlowState(ctx, user, pkce, 'email/signup', 'email')
      break
    case 'sms':
      if (user.phoneConfirmedAt !== undefined) return json({})
      sendSmsOtp(ctx, user)
      break
    case 'email_change':
      if (!user.newEmail) return json({})
      sendEmailChange(ctx, user, user.newEmail, { redirectTo, pkce: pkce !== null })
      if (pkce) createFlowState(ctx, user, pkce, 'email_change', 'email_change')
      break
    case 'phone_change':
      if (!user.newPhone) return json({})
      sendPhoneChange(ctx, user, user.newPhone)
      break
    default:
      throw unhandled()
  }
  return json({})
}

export const otpRoutes: Route[] = [
  { method: 'POST', path: '/otp', handler: otp },
  { method: 'POST', path: '/magiclink', handler: magiclinkRoute },
  { method: 'POST', path: '/recover', handler: recover },
  { method: 'POST', path: '/resend', handler: resend },
]
