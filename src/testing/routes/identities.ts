/**
 * Manual identity linking (contract §4.17): `GET /user/identities/authorize` starts an OAuth flow whose
 * callback links the identity to the caller; `DELETE /user/identities/{identity_id}` unlinks one.
 * @module
 */
import { clearOneTimeTokens } from '../accounts.js'
import { isUuid } from '../crypto/hash.js'
import { requireUser } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { forbidden, json, notFound, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { IdentityRow, UserRow } from '../store/records.js'
import { providerRedirectUrl } from './authorize.js'

async function linkAuthorize(ctx: Ctx): Promise<Reply> {
  const { user } = await requireUser(ctx)
  const url = providerRedirectUrl(ctx, user.id)
  if (ctx.query.get('skip_http_redirect') === 'true') return json({ url })
  return { status: 302, headers: { Location: url } }
}

const emailOf = (i: IdentityRow): string => {
  const e = i.identityData.email
  return typeof e === 'string' ? e.toLowerCase() : ''
}

/**
 * GoTrue `UpdateUserEmailFromIdentities`: when no remaining identity owns the user's email, another
 * identity's (verified first) takes its place. Checked before anything is deleted, because a clash with
 * another account rolls the whole unlink back.
 */
function emailAfterUnlink(ctx: Ctx, user: UserRow, remaining: IdentityRow[]): { email: string; verified: boolean } | undefined {
  if (remaining.some((i) => emailOf(i) === user.email)) return undefined
  const withEmail = remaining.filter((i) => emailOf(i) !== '')
  const pick = withEmail.find((i) => i.identityData.email_verified === true) ?? withEmail[0]
  const email = pick ? emailOf(pick) : ''
  const taken = email !== '' && [...ctx.store.users.values()].some((u) => u.id !== user.id && u.email === email && !u.isSsoUser)
  if (taken) throw unprocessable('Unable to unlink identity due to email conflict', 'email_conflict_identity_not_deletable')
  return { email, verified: pick?.identityData.email_verified === true }
}

async function unlink(ctx: Ctx): Promise<Reply> {
  const { user, claims } = await requireUser(ctx)
  const id = ctx.params.identityId ?? ''
  if (!isUuid(id)) throw notFound('identity_id must be an UUID', 'validation_failed')
  const tokenAud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
  const requestAud = ctx.header('x-jwt-aud') || tokenAud
  if (!tokenAud || requestAud !== tokenAud) throw forbidden("Token audience doesn't match request audience", 'unexpected_audience')
  const { store, cfg } = ctx
  const identities = store.identitiesOf(user.id)
  if (identities.length <= 1) throw unprocessable('User must have at least 1 identity after unlinking', 'single_identity_not_deletable')
  const target = identities.find((i) => i.identityId === id.toLowerCase())
  if (!target) throw unprocessable("Identity doesn't exist", 'identity_not_found')
  const remaining = identities.filter((i) => i !== target)
  if (target.provider === 'phone') {
    store.identities.delete(target.identityId)
    user.phone = ''
    delete user.phoneConfirmedAt
  } else {
    const change = emailAfterUnlink(ctx, user, remaining)
    store.identities.delete(target.identityId)
    if (change) {
      user.email = change.email
      clearOneTimeTokens(user)
      if (change.email && (change.verified || cfg.mailerAutoconfirm)) user.emailConfirmedAt ??= ctx.now()
      else delete user.emailConfirmedAt
    }
  }
  store.recomputeProviders(user)
  store.touch(user)
  return json({})
}

export const identityRoutes: Route[] = [
  { method: 'GET', path: '/user/identities/authorize', handler: linkAuthorize },
  { method: 'DELETE', path: '/user/identities/:identityId', handler: unlink },
]
