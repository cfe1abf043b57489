/**
 * `POST /verify` (JSON, returns a session) and `GET /verify` (email link, answers 303 redirects).
 * @module
 */
import { isBanned } from '../store/records.js'
import { latestFlowState } from '../flow.js'
import { str, type Ctx } from '../server/context.js'
import { encodeValues } from '../wire/go-url.js'
import { badRequest, forbidden, HttpError, json, redirectErrorName, unhandled, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { issueSession, implicitFragment, tokenResponse, createSession } from '../tokens.js'
import { redirectTarget, validateEmail, validatePhone } from '../validate.js'
import {
  ALL_TYPES,
  applyVerification,
  EMAIL_TYPES,
  findByHash,
  findByOtp,
  FIRST_LEG_MESSAGE,
  isExpired,
  pkceMethodOf,
  type Match,
  type VerifyType,
} from '../verification.js'

async function postVerify(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const type = str(body, 'type')
  const token = str(body, 'token')
  const hash = str(body, 'token_hash')
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  if (!type) throw badRequest('Verify requires a verification type')
  if ((token === '') === (hash === '')) throw badRequest('Verify requires either a token or a token hash')
  let match: Match | undefined
  if (token) {
    if ((email === '') === (phone === '')) throw badRequest('Only an email address or phone number should be provided on verify')
    let address: string
    if (email) {
      try {
        address = validateEmail(email)
      } catch {
        throw unprocessable('Invalid email format')
      }
    } else address = validatePhone(phone)
    // GoTrue looks the user up and compares the code without checking the type, so an unknown type can
    // only fail that comparison.
    match = ALL_TYPES.has(type) ? findByOtp(ctx, type as VerifyType, address, token) : undefined
    if (!match || isExpired(ctx, match)) throw forbidden('Token has expired or is invalid', 'otp_expired')
  } else {
    if (email || phone || str(body, 'redirect_to')) throw badRequest('Only the token_hash and type should be provided')
    if (!EMAIL_TYPES.has(type)) throw badRequest('Invalid email verification type')
    match = findByHash(ctx, type as VerifyType, hash)
    if (!match || isExpired(ctx, match)) throw forbidden('Email link is invalid or has expired', 'otp_expired')
  }
  if (isBanned(match.user, ctx.now())) throw forbidden('User is banned', 'user_banned')
  if (applyVerification(ctx, match) === 'first_leg') return json({ code: '200', msg: FIRST_LEG_MESSAGE })
  return json(await issueSession(ctx, match.user, 'otp'))
}

function appendQuery(url: string, query: string): string {
  const [base, frag] = url.split('#', 2) as [string, string | undefined]
  const joined = `${base}${base.includes('?') ? '&' : '?'}${query}`
  return frag === undefined ? joined : `${joined}#${frag}`
}

const see = (location: string): Reply => ({ status: 303, headers: { Location: location } })

function redirectError(target: string, err: HttpError, pkce: boolean): Reply {
  const values = { error: redirectErrorName(err.status), error_code: err.code, error_description: err.message }
  const withQuery = pkce ? appendQuery(target, encodeValues(values)) : target
  return see(`${withQuery}#${encodeValues({ ...values, sb: '' })}`)
}

async function getVerify(ctx: Ctx): Promise<Reply> {
  const type = ctx.query.get('type') ?? ''
  const token = ctx.query.get('token') ?? ''
  if (!type) throw badRequest('Verify requires a verification type')
  if (!token) throw badRequest('Verify requires a token or a token hash')
  const target = redirectTarget(ctx)
  const pkce = token.startsWith('pkce_')
  if (!EMAIL_TYPES.has(type)) return redirectError(target, badRequest('Unsupported verification type'), pkce)
  const method = pkceMethodOf(type)
  // Parsing the type as an authentication method fails with a plain Go error, before any redirect.
  if (pkce && !method) throw unhandled()
  const match = findByHash(ctx, type as VerifyType, token)
  if (!match || isExpired(ctx, match)) {
    return redirectError(target, forbidden('Email link is invalid or has expired', 'otp_expired'), pkce)
  }
  if (isBanned(match.user, ctx.now())) return redirectError(target, forbidden('User is banned', 'user_banned'), pkce)
  if (applyVerification(ctx, match) === 'first_leg') {
    const msg = encodeValues({ message: FIRST_LEG_MESSAGE })
    return see(`${pkce ? appendQuery(target, msg) : target}#${encodeValues({ message: FIRST_LEG_MESSAGE, sb: '' })}`)
  }
  if (pkce && method) {
    const flow = latestFlowState(ctx, match.user.id, method)
    if (!flow) {
      const err = badRequest('No associated flow state found. invalid flow state, no valid flow state found', 'flow_state_not_found')
      return redirectError(target, err, true)
    }
    flow.authCodeIssuedAt = ctx.now()
    return see(appendQuery(target, `code=${flow.authCode}`))
  }
  const { session, refreshToken } = createSession(ctx, match.user, 'otp')
  const t = await tokenResponse(ctx, session, refreshToken, match.user)
  const fragment = implicitFragment(t, { type })
  return see(`${target}#${fragment}`)
}

export const verifyRoutes: Route[] = [
  { method: 'POST', path: '/verify', handler: postVerify },
  { method: 'GET', path: '/verify', handler: getVerify },
]
