/**
 * `supabase-auth-machine/devtools` (being written).
 * @module
 */
export {}
