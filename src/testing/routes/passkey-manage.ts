/**
 * A user's own passkeys (GoTrue `passkey_manage.go`): list, rename, delete. Deleting needs aal2 once the
 * user has MFA, like registering; renaming does not.
 * @module
 */
import { isUuid } from '../crypto/hash.js'
import { requireUser } from '../server/auth.js'
import { goString, type Ctx } from '../server/context.js'
import { badRequest, notFound, json, type HttpError, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { PasskeyRow } from '../store/records.js'
import { passkeyJson } from '../store/serialize.js'
import { requirePasskeyManagementAal } from './passkeys.js'

const MAX_NAME_CHARACTERS = 120

/** GoTrue answers a malformed id and someone else's passkey alike. */
export const passkeyNotFound = (): HttpError => notFound('Passkey not found', 'validation_failed')

/**
 * The `:passkeyId` of the path if it is a passkey of `userId`.
 *
 * @example
 * const passkey = ownPasskey(ctx, user.id)
 */
export function ownPasskey(ctx: Ctx, userId: string): PasskeyRow {
  const id = ctx.params.passkeyId ?? ''
  const passkey = isUuid(id) ? ctx.store.passkeys.ownedBy(id.toLowerCase(), userId) : undefined
  if (!passkey) throw passkeyNotFound()
  return passkey
}

async function list(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  return json(ctx.store.passkeys.of(user.id).map(passkeyJson))
}

async function rename(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  if (!isUuid(ctx.params.passkeyId)) throw passkeyNotFound()
  const name = goString(ctx.body(), 'friendly_name', 'PasskeyUpdateParams')
  if (!name) throw badRequest('friendly_name is required')
  // Go counts runes, i.e. code points, not UTF-16 units.
  if ([...name].length > MAX_NAME_CHARACTERS) throw badRequest(`friendly_name must be ${MAX_NAME_CHARACTERS} characters or less`)
  const passkey = ownPasskey(ctx, user.id)
  passkey.friendlyName = name
  passkey.updatedAt = ctx.now()
  return json(passkeyJson(passkey))
}

async function remove(ctx: Ctx): Promise<Reply> {
  const auth = await requireUser(ctx)
  requirePasskeyManagementAal(ctx, auth)
  const passkey = ownPasskey(ctx, auth.user.id)
  ctx.store.passkeys.credentials.delete(passkey.id)
  return { status: 204 }
}

export const passkeyManageRoutes: Route[] = [
  { method: 'GET', path: '/passkeys', handler: list },
  { method: 'PATCH', path: '/passkeys/:passkeyId', handler: rename },
  { method: 'DELETE', path: '/passkeys/:passkeyId', handler: remove },
]
