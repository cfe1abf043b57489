/**
 * Which issuer GoTrue expects in an ID token from each provider it accepts for `grant_type=id_token`
 * (contract §4.3). Keycloak and custom providers name their issuer in configuration; here that is the
 * local issuer.
 * @module
 */

/** Providers with a fixed, well-known issuer. */
export const FIXED_ISSUERS: ReadonlyArray<readonly [provider: string, issuer: string]> = [
  ['google', 'https://accounts.google.com'],
  ['facebook', 'https://www.facebook.com'],
  ['kakao', 'https://kauth.kakao.com'],
  ['vercel_marketplace', 'https://marketplace.vercel.com'],
  ['snapchat', 'https://accounts.snapchat.com'],
]

export const APPLE_ISSUERS: ReadonlySet<string> = new Set(['https://appleid.apple.com', 'https://account.apple.com'])

/** Azure issuers carry the tenant: any `login.microsoftonline.com` or `sts.windows.net` URL. */
export const isAzureIssuer = (iss: string): boolean =>
  iss.startsWith('https://login.microsoftonline.com/') || iss.startsWith('https://sts.windows.net/')

// Microsoft's tenant for personal accounts, a realistic default for tokens minted "by Azure".
const AZURE_ISSUER = 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0'

/** The `iss` a token "from" `provider` carries; providers without a public issuer get `localIssuer`. */
export function issuerOf(provider: string, localIssuer: string): string {
  if (provider === 'apple') return 'https://appleid.apple.com'
  if (provider === 'azure') return AZURE_ISSUER
  return FIXED_ISSUERS.find(([name]) => name === provider)?.[1] ?? localIssuer
}
