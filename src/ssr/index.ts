/**
 * `supabase-auth-machine/ssr` (being written).
 * @module
 */
export {}
