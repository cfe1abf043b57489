/**
 * `POST /token?grant_type=id_token` (contract §4.3): sign-in with an ID token from a provider, verified
 * against the local OIDC issuer (`server.oidc`), which stands in for every provider's keys. Providers that
 * are switched off fail as GoTrue fails with them off.
 * @module
 */
import { createHash } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { isProviderEnabled } from '../config/providers.js'
import { identityOf, linkExternal, signInExternal } from '../external-accounts.js'
import { APPLE_ISSUERS, FIXED_ISSUERS, isAzureIssuer } from '../oidc/issuers.js'
import { requireUser } from '../server/auth.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, json, OAuthError, type Reply } from '../server/respond.js'
import type { UserRow } from '../store/records.js'
import { issueSession } from '../tokens.js'
import { redirectTarget } from '../validate.js'

const invalid = (description: string) => new OAuthError('invalid request', description)

/** The unverified `iss` of a JWT, as GoTrue reads it to tell Apple and Azure tenants apart. */
function unverifiedIssuer(idToken: string): string | undefined {
  const parts = idToken.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
    if (payload === null || typeof payload !== 'object') return undefined
    const iss = (payload as Record<string, unknown>).iss
    return typeof iss === 'string' ? iss : ''
  } catch {
    return undefined
  }
}

/** Apple and Azure: the issuer comes from the token and must agree with a provided one. */
function detectedIssuer(name: 'Apple' | 'Azure', idToken: string, provided: string, valid: (iss: string) => boolean): string {
  const iss = unverifiedIssuer(idToken)
  if (iss === undefined) throw badRequest(`Unable to detect issuer in ID token for ${name} provider`)
  if (!valid(iss)) throw badRequest(`Detected ID token issuer is not an ${name} ID token issuer`)
  if (provided && provided !== iss) throw badRequest('Provided issuer does not match ID token issuer')
  return iss
}

interface Resolved {
  provider: string
  issuer: string
}

/** GoTrue `getProvider`: the provider the request names (by `provider` or `issuer`) and the issuer it expects. */
function resolveProvider(ctx: Ctx, provider: string, issuer: string, idToken: string): Resolved {
  const enabled = (name: string, iss: string): Resolved => {
    if (!isProviderEnabled(ctx.cfg, name)) throw badRequest(`Provider (issuer ${JSON.stringify(iss)}) is not enabled`, 'provider_disabled')
    return { provider: name, issuer: iss }
  }
  if (provider === 'apple' || APPLE_ISSUERS.has(issuer)) {
    return enabled('apple', detectedIssuer('Apple', idToken, issuer, (i) => APPLE_ISSUERS.has(i)))
  }
  const fixed = FIXED_ISSUERS.find(([name, iss]) => provider === name || issuer === iss)
  if (fixed) return enabled(fixed[0], fixed[1])
  // Keycloak's issuer is its configured URL: the local issuer when on, unset when off.
  if (provider === 'keycloak') return enabled('keycloak', isProviderEnabled(ctx.cfg, 'keycloak') ? ctx.app.oidc.issuer : '')
  if (provider === 'azure' || isAzureIssuer(issuer)) return enabled('azure', detectedIssuer('Azure', idToken, issuer, isAzureIssuer))
  if (provider.startsWith('custom:')) {
    if (!isProviderEnabled(ctx.cfg, provider)) throw badRequest(`Custom provider ${JSON.stringify(provider)} not found`)
    return { provider, issuer: ctx.app.oidc.issuer }
  }
  throw badRequest(`Custom OIDC provider ${JSON.stringify(provider)} not allowed`)
}

/** Signature, expiry and issuer; any failure is GoTrue's "Bad ID token". */
async function verified(ctx: Ctx, idToken: string, issuer: string): Promise<JWTPayload> {
  let payload: JWTPayload
  try {
    payload = await ctx.app.oidc.verify(idToken, ctx.now())
  } catch {
    throw invalid('Bad ID token')
  }
  if (payload.iss !== issuer) throw invalid('Bad ID token')
  return payload
}

function checkClaims(ctx: Ctx, payload: JWTPayload, bodyNonce: string): void {
  if (!payload.sub) throw invalid('Missing sub claim in id_token')
  const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!audiences.includes(ctx.cfg.oauthClientId)) throw invalid(`Unacceptable audience in id_token: [${audiences.join(' ')}]`)
  const tokenNonce = typeof payload.nonce === 'string' ? payload.nonce : ''
  if ((tokenNonce !== '') !== (bodyNonce !== '')) throw invalid('Passed nonce and nonce in id_token should either both exist or not.')
  if (tokenNonce && createHash('sha256').update(bodyNonce).digest('hex') !== tokenNonce) {
    throw new OAuthError('invalid nonce', 'Nonces mismatch')
  }
}

export async function idTokenGrant(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const idToken = str(body, 'id_token')
  const provider = str(body, 'provider')
  const issuer = str(body, 'issuer')
  if (!idToken) throw invalid('id_token required')
  if (!provider && (!str(body, 'client_id') || !issuer)) throw invalid('provider or client_id and issuer required')
  let linkTarget: UserRow | undefined
  if (body.link_identity === true) {
    if (!ctx.header('authorization')) throw invalid('Linking requires a valid user access token in Authorization')
    linkTarget = (await requireUser(ctx)).user
  }
  const resolved = resolveProvider(ctx, provider, issuer, idToken)
  const payload = await verified(ctx, idToken, resolved.issuer)
  checkClaims(ctx, payload, str(body, 'nonce'))
  const ext = identityOf(resolved.provider, resolved.issuer, {
    sub: String(payload.sub),
    ...(typeof payload.email === 'string' && payload.email ? { email: payload.email } : {}),
    email_verified: payload.email_verified === true || payload.email_verified === 'true',
    ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
    ...(typeof payload.picture === 'string' ? { avatar_url: payload.picture } : {}),
  })
  const redirectTo = redirectTarget(ctx)
  const user = linkTarget ? linkExternal(ctx, linkTarget, ext, redirectTo) : signInExternal(ctx, ext, redirectTo)
  return json(await issueSession(ctx, user, 'oauth'))
}
