/** Version sent in `X-Client-Info`; keep in step with package.json (checked by a unit test). */
export const CLIENT_VERSION = '0.1.0'

export const CLIENT_INFO = `supabase-auth-machine/${CLIENT_VERSION}`

/** The error body shape we ask GoTrue for (wire contract §1.2, §1.4 B). */
export const API_VERSION = '2024-01-01'
export const API_VERSION_HEADER = 'X-Supabase-Api-Version'

export const DEFAULT_TIMEOUT_MS = 10_000

/** Largest delay `setTimeout` accepts before it fires immediately. */
export const MAX_TIMEOUT_MS = 2_147_483_647
