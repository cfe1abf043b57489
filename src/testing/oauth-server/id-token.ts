/**
 * The OpenID Connect ID token `/oauth/token` adds when the granted scope has `openid` (GoTrue
 * `GenerateIDToken`): signed with the access-token key, for one hour, `aud` the app. GoTrue refuses to sign
 * one with the HS256 secret (the app could not verify it without the secret), so a server that signs its
 * access tokens with HS256 fails with a 500 after the code was spent.
 * @module
 */
import type { Ctx } from '../server/context.js'
import { unexpectedFailure } from '../server/respond.js'
import type { Json, UserRow } from '../store/records.js'
import { profileClaims } from './userinfo.js'

const ID_TOKEN_SECONDS = 3600

export interface IdTokenRequest {
  user: UserRow
  clientId: string
  scopes: readonly string[]
  nonce: string | undefined
}

/**
 * The signed ID token; claims are filtered by scope (email, phone, profile) as GoTrue filters them.
 *
 * @example
 * const idToken = await signIdToken(ctx, { user, clientId: client.id, scopes: ['openid', 'email'], nonce })
 */
export async function signIdToken(ctx: Ctx, req: IdTokenRequest): Promise<string> {
  if (ctx.app.keys.alg === 'HS256') throw unexpectedFailure('Error generating ID token')
  const { user, scopes } = req
  const iat = Math.floor(ctx.now() / 1000)
  const claims: Json = {}
  if (ctx.cfg.issuer) claims.iss = ctx.cfg.issuer
  claims.sub = user.id
  claims.aud = req.clientId
  claims.exp = iat + ID_TOKEN_SECONDS
  claims.iat = iat
  if (req.nonce) claims.nonce = req.nonce
  claims.auth_time = Math.floor((user.lastSignInAt ?? ctx.now()) / 1000)
  const email = scopes.includes('email')
  const phone = scopes.includes('phone')
  if (email && user.email) claims.email = user.email
  // Always present (OIDC requires them), false unless the scope grants them and they hold.
  claims.email_verified = email && user.emailConfirmedAt !== undefined
  if (phone && user.phone) claims.phone_number = user.phone
  claims.phone_number_verified = phone && user.phoneConfirmedAt !== undefined
  if (scopes.includes('profile')) {
    // The ID token carries the profile claims but not the whole metadata object.
    const profile = profileClaims(user)
    delete profile.user_metadata
    Object.assign(claims, profile)
  }
  claims.client_id = req.clientId
  return ctx.app.keys.sign(claims)
}
