/**
 * `grant_type=id_token` and `grant_type=web3`: sign-ins through external identity providers, none of which is
 * enabled here. They fail the way GoTrue fails with those providers off (its default), after the same
 * request checks, so clients see the real error codes (contract §4.3).
 * @module
 */
import { requireUser } from '../server/auth.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, OAuthError, unprocessable, type Reply } from '../server/respond.js'

/** Built-in OIDC providers with a fixed issuer (Keycloak's is its URL, unset here). */
const FIXED_ISSUERS: ReadonlyArray<[provider: string, issuer: string]> = [
  ['google', 'https://accounts.google.com'],
  ['facebook', 'https://www.facebook.com'],
  ['keycloak', ''],
  ['kakao', 'https://kauth.kakao.com'],
  ['vercel_marketplace', 'https://marketplace.vercel.com'],
  ['snapchat', 'https://accounts.snapchat.com'],
]

const APPLE_ISSUERS = new Set(['https://appleid.apple.com', 'https://account.apple.com'])
const isAzureIssuer = (iss: string) => iss.startsWith('https://login.microsoftonline.com/') || iss.startsWith('https://sts.windows.net/')

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

/** GoTrue `getProvider`: which configured provider the request names, by `provider` or `issuer`. */
function providerIssuer(provider: string, issuer: string, idToken: string): string {
  if (provider === 'apple' || APPLE_ISSUERS.has(issuer)) return detectedIssuer('Apple', idToken, issuer, (i) => APPLE_ISSUERS.has(i))
  const fixed = FIXED_ISSUERS.find(([name, iss]) => provider === name || (iss !== '' && issuer === iss))
  if (fixed) return fixed[1]
  if (provider === 'azure' || isAzureIssuer(issuer)) return detectedIssuer('Azure', idToken, issuer, isAzureIssuer)
  // Custom OAuth providers are on by default, but none is registered here.
  if (provider.startsWith('custom:')) throw badRequest(`Custom provider ${JSON.stringify(provider)} not found`)
  throw badRequest(`Custom OIDC provider ${JSON.stringify(provider)} not allowed`)
}

export async function idTokenGrant(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const idToken = str(body, 'id_token')
  const provider = str(body, 'provider')
  const issuer = str(body, 'issuer')
  if (!idToken) throw new OAuthError('invalid request', 'id_token required')
  if (!provider && (!str(body, 'client_id') || !issuer)) {
    throw new OAuthError('invalid request', 'provider or client_id and issuer required')
  }
  if (body.link_identity === true) {
    if (!ctx.header('authorization')) throw new OAuthError('invalid request', 'Linking requires a valid user access token in Authorization')
    await requireUser(ctx)
  }
  const resolved = providerIssuer(provider, issuer, idToken)
  throw badRequest(`Provider (issuer ${JSON.stringify(resolved)}) is not enabled`, 'provider_disabled')
}

/** Both chains are off, which GoTrue checks before reading the body. */
export function web3Grant(): Reply {
  throw unprocessable('Web3 provider is disabled', 'web3_provider_disabled')
}
