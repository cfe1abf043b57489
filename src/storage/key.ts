/** The key auth-js uses on its own, when nothing derives one from a project URL. */
export const LEGACY_STORAGE_KEY = 'supabase.auth.token'

/**
 * The storage key supabase-js would use for this URL, so switching clients keeps users signed in:
 * `sb-<first label of the hostname>-auth-token`, for any host (supabase-js does exactly this, so a custom
 * domain `auth.app.com` gives `sb-auth-auth-token` and local development `sb-127-auth-token`). An
 * unparsable URL falls back to auth-js's own `supabase.auth.token`. The key also names the refresh lock
 * and the cross-tab channel.
 *
 * @example
 * defaultStorageKey('https://abcd.supabase.co/auth/v1')  // 'sb-abcd-auth-token'
 * defaultStorageKey('http://127.0.0.1:54321/auth/v1')    // 'sb-127-auth-token'
 */
export function defaultStorageKey(url: string): string {
  let hostname: string
  try {
    hostname = new URL(url).hostname
  } catch {
    return LEGACY_STORAGE_KEY
  }
  const ref = hostname.split('.')[0]
  return ref ? `sb-${ref}-auth-token` : LEGACY_STORAGE_KEY
}
