/**
 * The OAuth providers GoTrue knows by name (contract §4.13) and which of them this server has switched on.
 * @module
 */
import type { Config } from './options.js'

/** Every built-in provider `/authorize` accepts. */
export const BUILTIN_PROVIDERS: readonly string[] = [
  'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'figma', 'fly', 'github', 'gitlab', 'google', 'kakao',
  'keycloak', 'linkedin', 'linkedin_oidc', 'notion', 'slack', 'slack_oidc', 'snapchat', 'spotify', 'twitch',
  'twitter', 'x', 'vercel_marketplace', 'workos', 'zoom',
]

const BUILTIN = new Set(BUILTIN_PROVIDERS)

/** `custom:<identifier>`, GoTrue's prefix for custom OAuth/OIDC providers. */
export function isCustomProvider(name: string): boolean {
  return name.startsWith('custom:') && name.length > 'custom:'.length
}

/** True for a name GoTrue could serve: a built-in provider or a `custom:` one. */
export function isKnownProvider(name: string): boolean {
  return BUILTIN.has(name) || isCustomProvider(name)
}

/** Whether `name` (lower-cased) is switched on by the `externalProviders` option. */
export function isProviderEnabled(cfg: Config, name: string): boolean {
  if (!isKnownProvider(name)) return false
  return cfg.externalProviders === null || cfg.externalProviders.includes(name)
}
