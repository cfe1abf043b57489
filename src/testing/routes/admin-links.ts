/**
 * `POST /admin/generate_link` and `POST /invite` (contract §4.18, §4.20).
 * @module
 */
import { createUser, withRollback } from '../accounts.js'
import { generateOtp, randomPassword, tokenHash } from '../crypto/hash.js'
import { sendInvite } from '../mailer.js'
import { requireAdmin } from '../server/auth.js'
import { obj, str, type Ctx } from '../server/context.js'
import { linkRedirectParam } from '../wire/go-url.js'
import { badRequest, emailExists, json, notFound, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { UserRow } from '../store/records.js'
import { userJson } from '../store/serialize.js'
import { checkPasswordStrength, redirectTarget, validateEmail } from '../validate.js'

async function generateLink(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const { store, cfg } = ctx
  const body = ctx.body()
  const type = str(body, 'type')
  const email = validateEmail(str(body, 'email'))
  const data = obj(body, 'data') ?? {}
  const redirectTo = redirectTarget(ctx, str(body, 'redirect_to'))
  const otp = generateOtp(cfg.otpLength)
  const hashed = tokenHash(email, otp)
  const now = ctx.now()
  let user = store.userByEmail(email)
  let verificationType: string

  const asSignup = (password: string): UserRow => {
    const u = user ?? createUser(ctx, { email, password, data, via: 'admin' })
    if (user) user.userMetadata = { ...(user.userMetadata ?? {}), ...data }
    u.confirmationToken = hashed
    u.confirmationSentAt = now
    return u
  }

  switch (type) {
    case 'magiclink':
      if (!user) {
        user = asSignup(randomPassword())
        verificationType = 'signup'
      } else {
        user.recoveryToken = hashed
        user.recoverySentAt = now
        verificationType = 'magiclink'
      }
      break
    case 'signup': {
      if (user?.emailConfirmedAt !== undefined) throw emailExists()
      if (!user) {
        const password = str(body, 'password')
        if (!password) throw badRequest('Signup requires a valid password')
        checkPasswordStrength(cfg, password)
        user = asSignup(password)
      } else asSignup('')
      verificationType = 'signup'
      break
    }
    case 'invite':
      if (user?.emailConfirmedAt !== undefined) throw emailExists()
      user ??= createUser(ctx, { email, password: null, data, via: 'admin' })
      user.invitedAt = now
      user.confirmationToken = hashed
      user.confirmationSentAt = now
      verificationType = 'invite'
      break
    case 'recovery':
      if (!user) throw notFound('User with this email not found', 'user_not_found')
      user.recoveryToken = hashed
      user.recoverySentAt = now
      verificationType = 'recovery'
      break
    case 'email_change_current':
    case 'email_change_new': {
      const newEmail = validateEmail(str(body, 'new_email'))
      if (store.userByEmail(newEmail)) throw emailExists()
      if (type === 'email_change_current' && !cfg.secureEmailChange) {
        throw badRequest('Enable secure email change to generate link for current email')
      }
      if (!user) throw notFound('User with this email not found', 'user_not_found')
      user.newEmail = newEmail
      if (type === 'email_change_current') user.emailChangeTokenCurrent = hashed
      else user.emailChangeTokenNew = tokenHash(newEmail, otp)
      user.emailChangeSentAt = now
      user.emailChangeConfirmStatus = 0
      // The link verifies as `email_change`; the response echoes the requested type (GoTrue: params.Type).
      verificationType = type
      break
    }
    default:
      throw badRequest(`Invalid email action link type requested: ${type}`)
  }
  store.touch(user)
  const linkType = verificationType.startsWith('email_change') ? 'email_change' : verificationType
  const actionLink = `${cfg.url}/verify?token=${hashed}&type=${linkType}&redirect_to=${linkRedirectParam(redirectTo)}`
  return json({
    ...userJson(store, user),
    action_link: actionLink,
    email_otp: otp,
    hashed_token: hashed,
    verification_type: verificationType,
    redirect_to: redirectTo,
  })
}

async function invite(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const body = ctx.body()
  const email = validateEmail(str(body, 'email'))
  const { store } = ctx
  let user = store.userByEmail(email)
  if (user?.emailConfirmedAt !== undefined) throw emailExists()
  const created = !user
  user ??= createUser(ctx, { email, password: null, data: obj(body, 'data') ?? {}, via: 'admin' })
  withRollback(ctx, user, created, (u) => sendInvite(ctx, u, { redirectTo: redirectTarget(ctx, str(body, 'redirect_to')) }))
  store.touch(user)
  return json(userJson(store, user))
}

export const adminLinkRoutes: Route[] = [
  { method: 'POST', path: '/admin/generate_link', handler: generateLink },
  { method: 'POST', path: '/invite', handler: invite },
]
