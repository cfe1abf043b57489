/**
 * OAuth scopes as GoTrue's OAuth server handles them (`models/oauth_scope.go`): space-separated strings,
 * a fixed list of supported ones, and the claims each unlocks at `/oauth/userinfo` and in ID tokens.
 * @module
 */

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access'] as const

export type SupportedScope = (typeof SUPPORTED_SCOPES)[number]

/**
 * The scopes of a space-separated string, blanks dropped (GoTrue `ParseScopeString`).
 *
 * @example
 * parseScopes(' openid  email ')   // ['openid', 'email']
 */
export function parseScopes(scope: string): string[] {
  return scope.trim().split(' ').map((s) => s.trim()).filter((s) => s !== '')
}

/** True when `scope` is one the server knows. */
export function isSupportedScope(scope: string): scope is SupportedScope {
  return (SUPPORTED_SCOPES as readonly string[]).includes(scope)
}

/**
 * True when every requested scope is among the granted ones (GoTrue `HasAllScopes`).
 *
 * @example
 * coversScopes(['email', 'profile'], ['email'])   // true
 */
export function coversScopes(granted: readonly string[], requested: readonly string[]): boolean {
  const set = new Set(granted)
  return requested.every((s) => set.has(s))
}
