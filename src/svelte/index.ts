/**
 * `supabase-auth-machine/svelte` (being written).
 * @module
 */
export {}
