/**
 * Row → GoTrue JSON. Optional keys are omitted when empty, exactly like Go's `omitempty`.
 * @module
 */
import type { Store } from './store.js'
import type { FactorRow, IdentityRow, Json, PasskeyRow, UserRow } from './records.js'

/** RFC 3339 with fractional seconds, UTC. */
export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function put(out: Json, key: string, ms: number | undefined): void {
  if (ms !== undefined) out[key] = iso(ms)
}

/** A factor as GoTrue renders it in user objects and factor endpoints. */
export function factorJson(f: FactorRow): Json {
  const out: Json = {
    id: f.id,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
    status: f.status,
    factor_type: f.factorType,
    phone: f.phone ?? '',
    last_challenged_at: f.lastChallengedAt === undefined ? null : iso(f.lastChallengedAt),
  }
  if (f.friendlyName) out.friendly_name = f.friendlyName
  if (f.webauthnCredential) out.web_authn_aaguid = f.webauthnCredential.aaguid
  return out
}

/**
 * A passkey as GoTrue lists it (`PasskeyListItem`): the name and last use only once there are some.
 *
 * @example
 * passkeyJson(row)   // { id, friendly_name: 'Passkey', created_at: '2026-…Z' }
 */
export function passkeyJson(p: PasskeyRow): Json {
  const out: Json = { id: p.id }
  if (p.friendlyName) out.friendly_name = p.friendlyName
  out.created_at = iso(p.createdAt)
  put(out, 'last_used_at', p.lastUsedAt)
  return out
}

function identityJson(i: IdentityRow): Json {
  const out: Json = {
    identity_id: i.identityId,
    id: i.providerId,
    user_id: i.userId,
    identity_data: i.identityData,
    provider: i.provider,
  }
  put(out, 'last_sign_in_at', i.lastSignInAt)
  out.created_at = iso(i.createdAt)
  out.updated_at = iso(i.updatedAt)
  const email = i.identityData.email
  if (typeof email === 'string' && email) out.email = email.toLowerCase()
  return out
}

export interface UserJsonOptions {
  /** `false` renders `identities: null`, as in `/admin/users` list entries. */
  withIdentities?: boolean
  /**
   * `false` leaves out `confirmed_at`. It is a column the database generates, so GoTrue only has it for rows
   * it read back: responses built from a row the handler has just written (signup, admin create, the
   * anonymous upgrade) lack it.
   */
  confirmedAt?: boolean
}

/** GoTrue's generated `confirmed_at`: the earlier of the email and phone confirmation times. */
export function confirmedAtOf(u: UserRow): number | undefined {
  const confirmed = [u.emailConfirmedAt, u.phoneConfirmedAt].filter((t): t is number => t !== undefined)
  return confirmed.length > 0 ? Math.min(...confirmed) : undefined
}

/** A user as GoTrue renders it, with factors and (unless turned off) identities. */
export function userJson(store: Store, u: UserRow, opts: UserJsonOptions = {}): Json {
  const out: Json = { id: u.id, aud: u.aud, role: u.role, email: u.email }
  put(out, 'email_confirmed_at', u.emailConfirmedAt)
  put(out, 'invited_at', u.invitedAt)
  out.phone = u.phone
  put(out, 'phone_confirmed_at', u.phoneConfirmedAt)
  put(out, 'confirmation_sent_at', u.confirmationSentAt)
  if (opts.confirmedAt !== false) put(out, 'confirmed_at', confirmedAtOf(u))
  put(out, 'recovery_sent_at', u.recoverySentAt)
  if (u.newEmail) out.new_email = u.newEmail
  put(out, 'email_change_sent_at', u.emailChangeSentAt)
  if (u.newPhone) out.new_phone = u.newPhone
  put(out, 'phone_change_sent_at', u.phoneChangeSentAt)
  put(out, 'reauthentication_sent_at', u.reauthenticationSentAt)
  put(out, 'last_sign_in_at', u.lastSignInAt)
  out.app_metadata = u.appMetadata
  out.user_metadata = u.userMetadata
  const factors = store.factorsOf(u.id)
  if (factors.length > 0) out.factors = factors.map(factorJson)
  out.identities = opts.withIdentities === false ? null : store.identitiesOf(u.id).map(identityJson)
  out.created_at = iso(u.createdAt)
  out.updated_at = iso(u.updatedAt)
  put(out, 'banned_until', u.bannedUntil)
  put(out, 'deleted_at', u.deletedAt)
  out.is_anonymous = u.isAnonymous
  return out
}
