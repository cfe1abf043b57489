/**
 * Admin user management (contract §4.19): list with pagination headers, create, read, update,
 * soft/hard delete, and per-user factors.
 * @module
 */
import { createHash } from 'node:crypto'
import { confirmEmail, confirmPhone, mergeMetadata } from '../accounts.js'
import { hashPassword, isUuid, NIL_UUID, randomPassword } from '../crypto/hash.js'
import { requireAdmin } from '../server/auth.js'
import { obj, str, type Ctx } from '../server/context.js'
import { encodeValues } from '../wire/go-url.js'
import { badRequest, emailExists, json, notFound, unexpectedFailure, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json, UserRow } from '../store/records.js'
import { factorJson, userJson } from '../store/serialize.js'
import { checkPasswordStrength, MAX_PASSWORD_BYTES, validateEmail, validatePhone } from '../validate.js'
import { downgradeSessions, factorOf } from './factors.js'

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Go `time.ParseDuration`, in milliseconds. */
function parseGoDuration(input: string): number {
  if (input === '0') return 0
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/.exec(input)
  if (!m) throw new Error('invalid duration')
  let total = 0
  for (const part of (m[2] ?? '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0)
  }
  return m[1] === '-' ? -total : total
}

function banUntil(ctx: Ctx, value: string): number | undefined {
  if (value === 'none') return undefined
  try {
    return ctx.now() + parseGoDuration(value)
  } catch {
    throw badRequest(`invalid format for ban duration: time: invalid duration "${value}"`)
  }
}

/**
 * The `:userId` of an admin path; GoTrue's `loadUser` errors for a malformed or unknown id.
 *
 * @example
 * const user = targetUser(ctx)   // or 404 user_not_found
 */
export function targetUser(ctx: Ctx): UserRow {
  const id = ctx.params.userId ?? ''
  if (!isUuid(id)) throw notFound('user_id must be an UUID', 'validation_failed')
  const user = ctx.store.users.get(id)
  if (!user) throw notFound('User not found', 'user_not_found')
  return user
}

function parsePositive(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback
  if (!/^\d+$/.test(value)) throw badRequest(`Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": invalid syntax`)
  return Number(value)
}

async function listUsers(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const page = parsePositive(ctx.query.get('page'), 1)
  const perPage = parsePositive(ctx.query.get('per_page'), 50)
  const sort = (ctx.query.get('sort') ?? 'created_at desc').trim().split(/\s+/)
  if (sort[0] !== 'created_at' || (sort[1] !== undefined && !['asc', 'desc'].includes(sort[1].toLowerCase()))) {
    throw badRequest(`Bad Sort Parameters: bad field for sort '${sort[0] ?? ''}'`)
  }
  const asc = sort[1]?.toLowerCase() === 'asc'
  const filter = (ctx.query.get('filter') ?? '').toLowerCase()
  const all = [...ctx.store.users.values()]
    .filter((u) => !filter || u.email.includes(filter) || String(u.userMetadata?.full_name ?? '').toLowerCase().includes(filter))
    .sort((a, b) => (asc ? a.createdAt - b.createdAt : b.createdAt - a.createdAt))
  const start = Math.max(0, (page - 1) * perPage)
  const users = all.slice(start, start + perPage).map((u) => userJson(ctx.store, u, { withIdentities: false }))
  const last = perPage > 0 ? Math.ceil(all.length / perPage) : 0
  const linkFor = (p: number): string => {
    const q: Record<string, string> = {}
    for (const [k, v] of ctx.query) q[k] = v
    q.page = String(p)
    return `</admin/users?${encodeValues(q)}>`
  }
  const links: string[] = []
  if (page + 1 <= last) links.push(`${linkFor(page + 1)}; rel="next"`)
  links.push(`${linkFor(last)}; rel="last"`)
  return json({ users, aud: ctx.cfg.aud }, 200, { 'X-Total-Count': String(all.length), Link: links.join(', ') })
}

async function createUserRoute(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const { store, cfg } = ctx
  const body = ctx.body()
  const rawEmail = str(body, 'email')
  const rawPhone = str(body, 'phone')
  if (!rawEmail && !rawPhone) throw badRequest('Cannot create a user without either an email or phone')
  const email = rawEmail ? validateEmail(rawEmail) : ''
  if (email && store.userByEmail(email)) throw emailExists()
  const phone = rawPhone ? validatePhone(rawPhone) : ''
  if (phone && store.userByPhone(phone)) throw unprocessable('Phone number already registered by another user', 'phone_exists')
  const password = str(body, 'password')
  const passwordHash = str(body, 'password_hash')
  if (password && passwordHash) throw badRequest('Only a password or a password hash should be provided')
  const id = str(body, 'id')
  if (id && !isUuid(id)) throw badRequest('ID must conform to the uuid v4 format')
  if (id === NIL_UUID) throw badRequest('ID cannot be a nil uuid')
  const ban = str(body, 'ban_duration')
  const bannedUntil = ban ? banUntil(ctx, ban) : undefined
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw unexpectedFailure('Internal Server Error')
  if (id && store.users.has(id)) throw unexpectedFailure('Database error creating new user')

  const supplied = obj(body, 'user_metadata')
  const user = store.newUser({
    aud: str(body, 'aud') || cfg.aud,
    role: str(body, 'role') || cfg.role,
    email,
    phone,
    // Imported hashes (bcrypt, argon2, scrypt) are kept but cannot be checked here: such users cannot log in.
    passwordHash: passwordHash ? `imported:${passwordHash}` : hashPassword(password || randomPassword()),
    userMetadata: supplied ?? (passwordHash ? null : {}),
  })
  if (id) {
    store.users.delete(user.id)
    user.id = id
    store.users.set(id, user)
  }
  if (bannedUntil !== undefined) user.bannedUntil = bannedUntil
  if (email) store.upsertIdentity(user, 'email', { email, email_verified: false, phone_verified: false })
  if (phone) store.upsertIdentity(user, 'phone', { phone, email_verified: false, phone_verified: false })
  user.appMetadata = { ...user.appMetadata, ...(obj(body, 'app_metadata') ?? {}) }
  if (body.email_confirm === true && email) {
    const keepNull = user.userMetadata === null
    confirmEmail(ctx, user)
    if (keepNull) user.userMetadata = { email_verified: true }
  }
  if (body.phone_confirm === true && phone) confirmPhone(ctx, user)
  // The answer is the row as written, without the generated `confirmed_at`.
  return json(userJson(store, user, { confirmedAt: false }))
}

async function getUserRoute(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return json(userJson(ctx.store, targetUser(ctx)))
}

async function updateUserRoute(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const user = targetUser(ctx)
  const { store } = ctx
  const body = ctx.body()
  const ban = str(body, 'ban_duration')
  if (ban) {
    const until = banUntil(ctx, ban)
    if (until === undefined) delete user.bannedUntil
    else user.bannedUntil = until
  }
  if (str(body, 'role')) user.role = str(body, 'role')
  const app = obj(body, 'app_metadata')
  if (app) user.appMetadata = mergeMetadata(user.appMetadata, app)
  const meta = obj(body, 'user_metadata')
  if (meta) user.userMetadata = mergeMetadata(user.userMetadata, meta)
  const emailConfirm = body.email_confirm === true
  const phoneConfirm = body.phone_confirm === true
  if (str(body, 'email')) {
    user.email = validateEmail(str(body, 'email'))
    store.upsertIdentity(user, 'email', { email: user.email, email_verified: emailConfirm, phone_verified: false })
  }
  if (str(body, 'phone')) {
    user.phone = validatePhone(str(body, 'phone'))
    store.upsertIdentity(user, 'phone', { phone: user.phone, email_verified: false, phone_verified: phoneConfirm })
  }
  if (typeof body.password === 'string') {
    checkPasswordStrength(ctx.cfg, body.password)
    user.passwordHash = hashPassword(body.password)
    for (const s of store.sessionsOf(user.id)) store.deleteSession(s.id)
  }
  if (emailConfirm && user.email) {
    confirmEmail(ctx, user)
    user.isAnonymous = false
  }
  if (phoneConfirm && user.phone) {
    confirmPhone(ctx, user)
    user.isAnonymous = false
  }
  store.touch(user)
  return json(userJson(store, user))
}

function obfuscate(user: UserRow, value: string): string {
  return createHash('sha256').update(user.id + value).digest('hex')
}

async function deleteUserRoute(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const user = targetUser(ctx)
  const { store } = ctx
  if (ctx.optionalBody().should_soft_delete !== true) {
    store.deleteUser(user.id)
    return json({})
  }
  if (user.deletedAt !== undefined) return json({})
  if (user.email) user.email = obfuscate(user, user.email)
  if (user.phone) user.phone = obfuscate(user, user.phone)
  if (user.newEmail) user.newEmail = obfuscate(user, user.newEmail)
  if (user.newPhone) user.newPhone = obfuscate(user, user.newPhone)
  user.passwordHash = null
  user.appMetadata = {}
  user.userMetadata = {}
  user.deletedAt = ctx.now()
  for (const i of store.identitiesOf(user.id)) {
    i.providerId = obfuscate(user, i.providerId)
    i.identityData = {}
  }
  for (const f of store.factorsOf(user.id)) store.deleteFactor(f.id)
  store.passkeys.deleteUser(user.id)
  for (const s of store.sessionsOf(user.id)) store.deleteSession(s.id)
  store.touch(user)
  return json({})
}

async function listFactors(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return json(ctx.store.factorsOf(targetUser(ctx).id).map(factorJson))
}

async function updateFactor(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const factor = factorOf(ctx, targetUser(ctx))
  const body: Json = ctx.body()
  if (typeof body.friendly_name === 'string') factor.friendlyName = body.friendly_name
  factor.updatedAt = ctx.now()
  return json(factorJson(factor))
}

async function deleteFactor(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const factor = factorOf(ctx, targetUser(ctx))
  ctx.store.deleteFactor(factor.id)
  downgradeSessions(ctx, factor)
  return json(factorJson(factor))
}

export const adminRoutes: Route[] = [
  { method: 'GET', path: '/admin/users', handler: listUsers },
  { method: 'POST', path: '/admin/users', handler: createUserRoute },
  { method: 'GET', path: '/admin/users/:userId', handler: getUserRoute },
  { method: 'PUT', path: '/admin/users/:userId', handler: updateUserRoute },
  { method: 'DELETE', path: '/admin/users/:userId', handler: deleteUserRoute },
  { method: 'GET', path: '/admin/users/:userId/factors', handler: listFactors },
  { method: 'PUT', path: '/admin/users/:userId/factors/:factorId', handler: updateFactor },
  { method: 'DELETE', path: '/admin/users/:userId/factors/:factorId', handler: deleteFactor },
]
