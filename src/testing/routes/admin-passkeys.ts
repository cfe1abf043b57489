/**
 * Admin view of a user's passkeys (GoTrue `admin_passkey.go`): list and delete, for the service role.
 * @module
 */
import { requireAdmin } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { json, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { passkeyJson } from '../store/serialize.js'
import { targetUser } from './admin.js'
import { ownPasskey } from './passkey-manage.js'

async function list(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return json(ctx.store.passkeys.of(targetUser(ctx).id).map(passkeyJson))
}

async function remove(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const passkey = ownPasskey(ctx, targetUser(ctx).id)
  ctx.store.passkeys.credentials.delete(passkey.id)
  return { status: 204 }
}

export const adminPasskeyRoutes: Route[] = [
  { method: 'GET', path: '/admin/users/:userId/passkeys', handler: list },
  { method: 'DELETE', path: '/admin/users/:userId/passkeys/:passkeyId', handler: remove },
]
