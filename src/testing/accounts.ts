/**
 * User creation and confirmation shared by signup, OTP, invite and admin routes.
 * @module
 */
import { hashPassword } from './crypto/hash.js'
import type { Ctx } from './server/context.js'
import type { Json, UserRow } from './store/records.js'

export interface NewUser {
  email?: string
  phone?: string
  password?: string | null
  data?: Json
  /**
   * Which GoTrue code path creates the user. `signup` (`POST /signup`, also behind `/otp` and `/magiclink`)
   * merges the identity claims into `user_metadata` and copies `data` into the identity's `identity_data`
   * (the claims win on a clash). `admin` (`generate_link`, `/invite`) keeps `user_metadata` to `data` alone
   * and the identity to its claims.
   */
  via: 'signup' | 'admin'
}

/** GoTrue `signupNewUser` plus the email/phone identity, shaped by {@link NewUser.via}. */
export function createUser(ctx: Ctx, n: NewUser): UserRow {
  const { store, cfg } = ctx
  const user = store.newUser({
    aud: cfg.aud,
    role: cfg.role,
    email: n.email ?? '',
    phone: n.phone ?? '',
    passwordHash: n.password ? hashPassword(n.password) : null,
  })
  const provider = n.email ? 'email' : 'phone'
  const claims: Json = n.email
    ? { sub: user.id, email: n.email, email_verified: false, phone_verified: false }
    : { sub: user.id, phone: n.phone, email_verified: false, phone_verified: false }
  const data = n.data ?? {}
  const identityData = n.via === 'signup' ? { ...data, ...claims } : claims
  store.upsertIdentity(user, provider, identityData)
  user.userMetadata = { ...(n.via === 'signup' ? identityData : data) }
  return user
}

/**
 * Runs `send` (an email or SMS that may be refused, e.g. rate-limited) for `user`. If it throws and the
 * request `created` the user, the user is deleted first: GoTrue's transaction rolls the new row back.
 */
export function withRollback(ctx: Ctx, user: UserRow, created: boolean, send: (user: UserRow) => void): void {
  try {
    send(user)
  } catch (err) {
    if (created) ctx.store.deleteUser(user.id)
    throw err
  }
}

/** Marks the email confirmed (first confirmation time wins) and flags it verified in metadata and identity. */
export function confirmEmail(ctx: Ctx, user: UserRow): void {
  const t = ctx.now()
  user.emailConfirmedAt ??= t
  user.userMetadata = { ...(user.userMetadata ?? {}), email_verified: true }
  const identity = ctx.store.identity(user.id, 'email')
  if (identity) {
    identity.identityData = { ...identity.identityData, email_verified: true }
    identity.updatedAt = t
  }
  ctx.store.touch(user)
}

/** Marks the phone confirmed (first confirmation time wins) and flags it verified on the identity. */
export function confirmPhone(ctx: Ctx, user: UserRow): void {
  user.phoneConfirmedAt ??= ctx.now()
  const identity = ctx.store.identity(user.id, 'phone')
  if (identity) identity.identityData = { ...identity.identityData, phone_verified: true }
  ctx.store.touch(user)
}

/** Clears every outstanding one-time token (GoTrue does this on confirm/recover/change). */
export function clearOneTimeTokens(user: UserRow): void {
  user.confirmationToken = ''
  user.recoveryToken = ''
  user.emailChangeTokenCurrent = ''
  user.emailChangeTokenNew = ''
  user.phoneChangeToken = ''
  user.reauthenticationToken = ''
}

/** Shallow merge where a `null` value deletes the key. */
export function mergeMetadata(base: Json | null, patch: Json): Json {
  const out: Json = { ...(base ?? {}) }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}
