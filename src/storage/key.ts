/** The key auth-js uses when none is derived from a project URL. */
export const LEGACY_STORAGE_KEY = 'supabase.auth.token'

const HOSTED_PROJECT = /^([a-z0-9-]+)\.supabase\.co$/

/**
 * The storage key supabase-js would use for this URL, so switching clients keeps users signed in:
 * `sb-<ref>-auth-token` for a hosted project (`https://<ref>.supabase.co/...`), otherwise auth-js's
 * `supabase.auth.token`. The key also names the refresh lock and the cross-tab channel.
 *
 * @example
 * defaultStorageKey('https://abcd.supabase.co/auth/v1')  // 'sb-abcd-auth-token'
 * defaultStorageKey('http://localhost:9999')             // 'supabase.auth.token'
 */
export function defaultStorageKey(url: string): string {
  let hostname: string
  try {
    hostname = new URL(url).hostname
  } catch {
    return LEGACY_STORAGE_KEY
  }
  const ref = HOSTED_PROJECT.exec(hostname)?.[1]
  return ref === undefined ? LEGACY_STORAGE_KEY : `sb-${ref}-auth-token`
}
