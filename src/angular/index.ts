/**
 * `supabase-auth-machine/angular` (being written).
 * @module
 */
export {}
