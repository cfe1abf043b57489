/**
 * Accounts from external identities (contract §8.2): a sign-in through OAuth, SSO or an ID token finds,
 * links or creates a user; manual linking adds the identity to a signed-in user; an invite is accepted by
 * signing in with the invited email.
 * @module
 */
import { confirmEmail, mergeMetadata } from './accounts.js'
import type { ProviderUser } from './config/options.js'
import { sendConfirmation } from './mailer.js'
import type { Ctx } from './server/context.js'
import { badRequest, forbidden, HttpError, notFound, signupDisabled, unexpectedFailure, unprocessable } from './server/respond.js'
import { isBanned, type IdentityRow, type Json, type UserRow } from './store/records.js'

/** One sign-in's worth of what a provider said about its user. */
export interface ExternalIdentity {
  /** The identity's provider: `github`, `custom:acme`, `sso:<uuid>`, … (also named in error messages). */
  provider: string
  sub: string
  /** Lower-cased; `''` when the provider shared none. */
  email: string
  emailVerified: boolean
  /** `identity_data`, and what the user's metadata is refreshed from. */
  identityData: Json
}

/** GoTrue's provider claims for `user` as issued by `iss` (only non-empty claims, plus the two flags). */
export function identityOf(provider: string, iss: string, user: ProviderUser): ExternalIdentity {
  const data: Json = { iss, sub: user.sub }
  if (user.name) Object.assign(data, { name: user.name, full_name: user.name })
  if (user.email) data.email = user.email
  if (user.avatar_url) Object.assign(data, { picture: user.avatar_url, avatar_url: user.avatar_url })
  data.provider_id = user.sub
  if (user.custom_claims && Object.keys(user.custom_claims).length > 0) data.custom_claims = user.custom_claims
  const emailVerified = Boolean(user.email) && user.email_verified !== false
  Object.assign(data, { email_verified: emailVerified, phone_verified: false })
  return { provider, sub: user.sub, email: (user.email ?? '').toLowerCase(), emailVerified, identityData: data }
}

// SSO identities only ever link within their own provider; everything else shares one domain.
const linkingDomain = (provider: string): string => (provider.startsWith('sso:') ? provider : 'default')

type Decision = { exists: IdentityRow } | { link: UserRow } | 'create'

/** GoTrue `DetermineAccountLinking`: by subject first, then by verified email within the linking domain. */
function decide(ctx: Ctx, ext: ExternalIdentity): Decision {
  const { store, cfg } = ctx
  const existing = store.identityBySubject(ext.provider, ext.sub)
  if (existing) return { exists: existing }
  if (!ext.email || !(ext.emailVerified || cfg.mailerAutoconfirm)) return 'create'
  const domain = linkingDomain(ext.provider)
  const owners = new Set<string>()
  for (const i of store.identities.values()) {
    const email = i.identityData.email
    if (linkingDomain(i.provider) === domain && typeof email === 'string' && email.toLowerCase() === ext.email) owners.add(i.userId)
  }
  if (domain === 'default') {
    for (const u of store.users.values()) if (u.email === ext.email && !u.isSsoUser) owners.add(u.id)
  }
  const [only, ...more] = owners
  if (only === undefined) return 'create'
  if (more.length > 0) throw unexpectedFailure(`Multiple accounts with the same email address in the same linking domain detected: ${domain}`)
  const user = store.users.get(only)
  return user ? { link: user } : 'create'
}

/** An unconfirmed user taking a new identity loses every other identity and its password (pre-account takeover). */
function keepOnly(ctx: Ctx, user: UserRow, identity: IdentityRow): void {
  if (identity.provider !== 'email' && identity.provider !== 'phone') user.passwordHash = null
  user.userMetadata = { ...identity.identityData }
  for (const i of ctx.store.identitiesOf(user.id)) if (i.identityId !== identity.identityId) ctx.store.identities.delete(i.identityId)
  ctx.store.recomputeProviders(user)
}

const unverified = (provider: string, sent: boolean): HttpError =>
  unprocessable(
    sent
      ? `Unverified email with ${provider}. A confirmation email has been sent to your ${provider} email`
      : `Unverified email with ${provider}. Verify the email with ${provider} in order to sign in`,
    'provider_email_needs_verification',
  )

/** GoTrue `createAccountFromExternalIdentity`; `redirectTo` goes into a confirmation email if one is needed. */
export function signInExternal(ctx: Ctx, ext: ExternalIdentity, redirectTo: string): UserRow {
  const { store, cfg } = ctx
  const decision = decide(ctx, ext)
  let user: UserRow | undefined
  let identity: IdentityRow
  if (decision === 'create') {
    if (cfg.disableSignup) throw signupDisabled()
    user = store.newUser({ aud: cfg.aud, role: cfg.role, email: ext.email, userMetadata: { ...ext.identityData } })
    if (ext.provider.startsWith('sso:')) user.isSsoUser = true
    user.appMetadata = { provider: ext.provider, providers: [ext.provider] }
    identity = store.addIdentity(user, ext.provider, ext.sub, { ...ext.identityData })
  } else if ('link' in decision) {
    user = decision.link
    identity = store.addIdentity(user, ext.provider, ext.sub, { ...ext.identityData })
    user.userMetadata = mergeMetadata(user.userMetadata, ext.identityData)
  } else {
    identity = decision.exists
    user = store.users.get(identity.userId)
    if (!user) throw unexpectedFailure('Database error finding user')
    identity.identityData = { ...ext.identityData }
    identity.updatedAt = ctx.now()
    user.userMetadata = mergeMetadata(user.userMetadata, ext.identityData)
    store.recomputeProviders(user)
  }
  if (isBanned(user, ctx.now())) throw forbidden('User is banned', 'user_banned')
  // GoTrue confirms (or refuses) only users whose identity can carry an email; a wallet's (`web3`) never does.
  if (ext.provider !== 'web3' && user.emailConfirmedAt === undefined) {
    keepOnly(ctx, user, identity)
    if (ext.emailVerified || cfg.mailerAutoconfirm) confirmEmail(ctx, user)
    else {
      // GoTrue commits the account and the email before answering with the error.
      if (user.email) sendConfirmation(ctx, user, { redirectTo })
      throw unverified(ext.provider, user.email !== '')
    }
  }
  store.touch(user)
  return user
}

/** GoTrue `linkIdentityToUser`: `ext` becomes another identity of `target`. */
export function linkExternal(ctx: Ctx, target: UserRow, ext: ExternalIdentity, redirectTo: string): UserRow {
  const { store } = ctx
  const existing = store.identityBySubject(ext.provider, ext.sub)
  if (existing) {
    const msg = existing.userId === target.id ? 'Identity is already linked' : 'Identity is already linked to another user'
    throw unprocessable(msg, 'identity_already_exists')
  }
  if (!target.email && ext.email && store.userByEmail(ext.email)) {
    throw badRequest('A user with this email address has already been registered', 'email_exists')
  }
  store.addIdentity(target, ext.provider, ext.sub, { ...ext.identityData })
  if (!target.email && ext.email) {
    target.email = ext.email
    if (!ext.emailVerified) {
      sendConfirmation(ctx, target, { redirectTo })
      throw unprocessable(
        `Unverified email with ${ext.provider}. A confirmation email has been sent to your ${ext.provider} email`,
        'email_not_confirmed',
      )
    }
    confirmEmail(ctx, target)
    target.isAnonymous = false
  }
  store.touch(target)
  return target
}

/** GoTrue `processInvite`: the invited user signs in through a provider that vouches for the invited email. */
export function acceptInvite(ctx: Ctx, inviteToken: string, ext: ExternalIdentity): UserRow {
  const { store } = ctx
  const user = [...store.users.values()].find((u) => u.confirmationToken !== '' && u.confirmationToken === inviteToken)
  if (!user) throw notFound('Invite not found', 'invite_not_found')
  if (ext.email !== user.email) throw badRequest('Invited email does not match emails from external provider')
  store.addIdentity(user, ext.provider, ext.sub, { ...ext.identityData })
  user.appMetadata = { ...user.appMetadata, provider: ext.provider }
  user.userMetadata = mergeMetadata(user.userMetadata, ext.identityData)
  user.confirmationToken = ''
  confirmEmail(ctx, user)
  return user
}
