/**
 * `POST /signup`: email, phone and anonymous branches (contract §4.2, §8.1).
 * @module
 */
import { confirmEmail, confirmPhone, createUser, withRollback } from '../accounts.js'
import { createFlowState } from '../flow.js'
import { sendConfirmation, sendSmsOtp } from '../mailer.js'
import { obj, str, type Ctx } from '../server/context.js'
import { badRequest, json, signupDisabled, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json, UserRow } from '../store/records.js'
import { iso, userJson } from '../store/serialize.js'
import { issueSession } from '../tokens.js'
import { uuid } from '../crypto/hash.js'
import { checkPasswordStrength, pkceFromBody, redirectTarget, validateChannel, validateEmail, validatePhone } from '../validate.js'

/** Signup answers with the row it wrote, so without the generated `confirmed_at`. */
const WRITTEN = { confirmedAt: false } as const

async function anonymousSignup(ctx: Ctx, body: Json): Promise<Reply> {
  if (!ctx.cfg.anonymousSignIns) throw unprocessable('Anonymous sign-ins are disabled', 'anonymous_provider_disabled')
  if (ctx.cfg.disableSignup) throw signupDisabled()
  const user = ctx.store.newUser({ aud: ctx.cfg.aud, role: ctx.cfg.role, isAnonymous: true })
  user.userMetadata = obj(body, 'data') ?? {}
  return json(await issueSession(ctx, user, 'anonymous', WRITTEN))
}

/** The anti-enumeration answer for an already confirmed address while confirmations are on. */
function fakeUser(ctx: Ctx, real: UserRow, provider: string, data: Json): Json {
  const now = iso(ctx.now())
  const out = userJson(ctx.store, real)
  for (const k of ['email_confirmed_at', 'phone_confirmed_at', 'confirmed_at', 'last_sign_in_at', 'new_email', 'email_change_sent_at']) {
    delete out[k]
  }
  return {
    ...out,
    id: uuid(),
    role: '',
    identities: [],
    user_metadata: data,
    app_metadata: { provider, providers: [provider] },
    confirmation_sent_at: now,
    created_at: now,
    updated_at: now,
  }
}

async function signup(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  if (!email && !phone) return anonymousSignup(ctx, body)
  const { cfg, store } = ctx
  if (cfg.disableSignup) throw signupDisabled()
  const password = str(body, 'password')
  if (!password) throw badRequest('Signup requires a valid password')
  checkPasswordStrength(cfg, password)
  if (email && phone) throw badRequest('Only an email address or phone number should be provided on signup.')
  if (phone) validateChannel(str(body, 'channel'))
  if (phone && str(body, 'code_challenge')) throw badRequest('PKCE not supported for phone signups')
  const pkce = pkceFromBody(body)
  if (phone && !cfg.phoneSignups) throw badRequest('Phone signups are disabled', 'phone_provider_disabled')
  const data = obj(body, 'data') ?? {}
  const redirectTo = redirectTarget(ctx, str(body, 'redirect_to'))
  const provider = email ? 'email' : 'phone'
  const address = email ? validateEmail(email) : validatePhone(phone)
  const autoconfirm = email ? cfg.mailerAutoconfirm : cfg.smsAutoconfirm

  let user = email ? store.userByEmail(address) : store.userByPhone(address)
  const confirmed = user && (email ? user.emailConfirmedAt : user.phoneConfirmedAt) !== undefined
  if (user && confirmed) {
    if (autoconfirm) throw unprocessable('User already registered', 'user_already_exists')
    return json(fakeUser(ctx, user, provider, data))
  }
  const existing = user
  user ??= createUser(ctx, email ? { email: address, password, data, via: 'signup' } : { phone: address, password, data, via: 'signup' })

  if (autoconfirm) {
    if (email) confirmEmail(ctx, user)
    else confirmPhone(ctx, user)
    return json(await issueSession(ctx, user, 'password', WRITTEN))
  }
  withRollback(ctx, user, !existing, (u) => (email ? sendConfirmation(ctx, u, { redirectTo, pkce: pkce !== null }) : sendSmsOtp(ctx, u)))
  if (email && pkce) createFlowState(ctx, user, pkce, 'email/signup', 'email')
  const out = userJson(store, user, WRITTEN)
  if (existing?.invitedAt !== undefined) return json({ ...out, user_metadata: {}, identities: [] })
  return json(out)
}

export const signupRoutes: Route[] = [{ method: 'POST', path: '/signup', handler: signup }]
