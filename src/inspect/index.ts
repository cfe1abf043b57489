/**
 * `supabase-auth-machine/inspect`: watching a client's chart (the Stately inspector, a logger) without
 * handing it the user's secrets. Inspection events carry the chart's events and context, which hold
 * passwords, codes and tokens; the wrapper replaces them by `[redacted]`, reduces actor references to their
 * ids and leaves the client's I/O out.
 *
 * @example
 * ```ts
 * import { createBrowserInspector } from '@statelyai/inspect'
 * import { redactedInspector } from 'supabase-auth-machine/inspect'
 * const auth = createAuthClient({ url, apiKey, inspect: redactedInspector(createBrowserInspector().inspect) })
 * ```
 * @module
 */
export { redact, REDACTED, redactedInspector } from './redact.js'
export type { InspectObserver } from '../client/inspection.js'
