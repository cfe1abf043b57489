/**
 * `POST /token`: password and PKCE grants, and dispatch by the query-string `grant_type` (contract §4.3, §6.4).
 * @module
 */
import { isBanned } from '../store/records.js'
import { checkPassword } from '../crypto/hash.js'
import { redeemFlowState } from '../flow.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, json, notFound, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { issueSession } from '../tokens.js'
import { normalizePhone, passwordWeakness } from '../validate.js'
import { web3Grant } from './web3.js'
import { idTokenGrant } from './id-token.js'
import { refreshGrant } from './refresh.js'

const invalidCredentials = () => badRequest('Invalid login credentials', 'invalid_credentials')

async function passwordGrant(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  const password = str(body, 'password')
  if (email && phone) throw badRequest('Only an email address or phone number should be provided on login.')
  if (phone && !ctx.cfg.phoneSignups) throw unprocessable('Phone logins are disabled', 'phone_provider_disabled')
  if (!email && !phone) throw badRequest('missing email or phone')
  const user = email ? ctx.store.userByEmail(email.toLowerCase()) : ctx.store.userByPhone(normalizePhone(phone))
  if (!user || !user.passwordHash) throw invalidCredentials()
  if (isBanned(user, ctx.now())) throw badRequest('User is banned', 'user_banned')
  if (!checkPassword(password, user.passwordHash)) throw invalidCredentials()
  if (email && user.emailConfirmedAt === undefined) throw badRequest('Email not confirmed', 'email_not_confirmed')
  if (!email && user.phoneConfirmedAt === undefined) throw badRequest('Phone not confirmed', 'phone_not_confirmed')
  const session = await issueSession(ctx, user, 'password')
  // Unlike every other grant, the password grant always sends the key: `null` when the password is fine.
  return json({ ...session, weak_password: passwordWeakness(ctx.cfg, password) })
}

async function pkceGrant(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const flow = redeemFlowState(ctx, str(body, 'auth_code'), str(body, 'code_verifier'))
  const user = ctx.store.users.get(flow.userId ?? '')
  if (!user) throw notFound('invalid flow state, no valid flow state found', 'flow_state_not_found')
  if (isBanned(user, ctx.now())) throw badRequest('User is banned', 'user_banned')
  const session = await issueSession(ctx, user, flow.authMethod, {}, flow.external?.ssoProviderId)
  const { providerAccessToken, providerRefreshToken } = flow.external ?? {}
  if (providerAccessToken) session.provider_token = providerAccessToken
  if (providerRefreshToken) session.provider_refresh_token = providerRefreshToken
  return json(session)
}

async function token(ctx: Ctx): Promise<Reply> {
  switch (ctx.query.get('grant_type')) {
    case 'password':
      return passwordGrant(ctx)
    case 'refresh_token':
      return refreshGrant(ctx)
    case 'pkce':
      return pkceGrant(ctx)
    case 'id_token':
      return idTokenGrant(ctx)
    case 'web3':
      return web3Grant(ctx)
    default:
      throw badRequest('unsupported_grant_type', 'invalid_credentials')
  }
}

export const tokenRoutes: Route[] = [{ method: 'POST', path: '/token', handler: token }]
