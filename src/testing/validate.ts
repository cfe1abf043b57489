/**
 * Input validation with GoTrue's exact messages: email, phone, password policy, PKCE parameters and
 * redirect targets.
 * @module
 */
import type { Config } from './config/options.js'
import { str, type Ctx } from './server/context.js'
import { badRequest, unhandled, WeakPasswordError } from './server/respond.js'
import type { Json } from './store/records.js'

// Roughly `checkmail.ValidateFormat`: a local part, an @, a dotted-or-not domain, no spaces.
const EMAIL_RE = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** Returns the lower-cased email or throws `400 validation_failed`. */
export function validateEmail(email: string): string {
  if (email === '') throw badRequest('An email address is required')
  if (email.length > 255) throw badRequest('An email address is too long')
  if (!EMAIL_RE.test(email)) throw badRequest('Unable to validate email address: invalid format')
  return email.toLowerCase()
}

/** Leading `+` and spaces removed, as GoTrue stores phones. */
export function normalizePhone(phone: string): string {
  return phone.replace(/^\+/, '').replace(/ /g, '')
}

/** Returns the normalized phone or throws GoTrue's E.164 error. */
export function validatePhone(phone: string): string {
  const p = normalizePhone(phone)
  if (!/^[1-9][0-9]{1,14}$/.test(p)) throw badRequest('Invalid phone number format (E.164 required)')
  return p
}

/** Accepts an absent channel, `sms` or `whatsapp`, with GoTrue's message otherwise. */
export function validateChannel(channel: string): void {
  if (channel !== '' && channel !== 'sms' && channel !== 'whatsapp') {
    throw badRequest(
      "Invalid channel, supported values are 'sms' or 'whatsapp'. 'whatsapp' is only supported if Twilio or Twilio Verify is used as the provider.",
    )
  }
}

export const MAX_PASSWORD_BYTES = 72

function checkPasswordLength(password: string): void {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw badRequest(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`)
  }
}

/** The failed policy rules, or `null` when the password is acceptable. */
export function passwordWeakness(cfg: Config, password: string): { message: string; reasons: string[] } | null {
  const reasons: string[] = []
  const messages: string[] = []
  if (Buffer.byteLength(password) < cfg.passwordMinLength) {
    reasons.push('length')
    messages.push(`Password should be at least ${cfg.passwordMinLength} characters.`)
  }
  for (const set of cfg.passwordRequiredCharacters) {
    if (set !== '' && ![...set].some((c) => password.includes(c))) {
      reasons.push('characters')
      messages.push(`Password should contain at least one character of each: ${cfg.passwordRequiredCharacters.join(', ')}.`)
      break
    }
  }
  return reasons.length ? { message: messages.join(' '), reasons } : null
}

/** 72-byte limit (400) then policy (422). */
export function checkPasswordStrength(cfg: Config, password: string): void {
  checkPasswordLength(password)
  const weak = passwordWeakness(cfg, password)
  if (weak) throw new WeakPasswordError(weak.message, weak.reasons)
}

export interface PkceParams {
  challenge: string
  method: 's256' | 'plain'
}

/**
 * §6.2: both-or-neither, length, charset. An unknown method is a bare 500 on email endpoints; `/authorize`,
 * `/user/identities/authorize` and `/sso` pass `oauth` and answer `400` "Invalid code_challenge_method".
 */
export function parsePkce(challenge: string, method: string, oauth = false): PkceParams | null {
  if ((challenge === '') !== (method === '')) {
    throw badRequest('PKCE flow requires code_challenge_method and code_challenge')
  }
  if (challenge === '') return null
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest('code challenge has to be between 43 and 128 characters')
  }
  if (!/^[A-Za-z0-9._~-]+$/.test(challenge)) {
    throw badRequest(
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    )
  }
  const m = method.toLowerCase()
  if (m !== 's256' && m !== 'plain') {
    if (oauth) throw badRequest('Invalid code_challenge_method')
    // GoTrue's flow-state constructor fails with a plain Go error here.
    throw unhandled()
  }
  return { challenge, method: m }
}

/** {@link parsePkce} of a request body's `code_challenge` and `code_challenge_method`. */
export function pkceFromBody(body: Json): PkceParams | null {
  return parsePkce(str(body, 'code_challenge'), str(body, 'code_challenge_method'))
}

function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*'
      i++
    } else if (c === '*') re += '[^./]*'
    else if (c === '?') re += '[^./]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** GoTrue `IsRedirectURLValid` (§1.6). */
export function isRedirectValid(cfg: Config, candidate: string): boolean {
  if (!candidate) return false
  let u: URL
  try {
    u = new URL(candidate)
  } catch {
    return false
  }
  if (/^\d+$/.test(u.hostname)) return false
  const site = new URL(cfg.siteUrl)
  if (u.protocol === site.protocol && u.hostname === site.hostname) {
    if (u.port === site.port || LOOPBACK.has(u.hostname)) return true
  }
  const bare = candidate.split('#')[0]!
  return cfg.uriAllowList.some((g) => globToRegExp(g).test(bare))
}

/** The validated `redirect_to` (body, query or header), else a valid `Referer`, else `SITE_URL`. */
export function redirectTarget(ctx: Ctx, candidate?: string): string {
  const wanted = candidate || ctx.query.get('redirect_to') || ctx.header('redirect_to') || ''
  if (isRedirectValid(ctx.cfg, wanted)) return wanted
  const referer = ctx.header('referer') ?? ''
  if (isRedirectValid(ctx.cfg, referer)) return referer
  return ctx.cfg.siteUrl
}
