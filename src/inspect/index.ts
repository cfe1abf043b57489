/**
 * `supabase-auth-machine/inspect`: watching a client's chart (the Stately inspector, a logger) without
 * handing it the user's secrets. Inspection events carry the chart's events and context, which hold
 * passwords, codes and tokens; the wrapper replaces them by `[redacted]`, reduces actor references to their
 * ids and leaves the client's I/O out. `webSocketAdapter` carries them to a WebSocket receiver without
 * ever keeping Node alive. Nothing here imports `@statelyai/inspect`: the app brings it.
 *
 * @example
 * ```ts
 * import { createInspector } from '@statelyai/inspect'
 * import { redactedInspector, webSocketAdapter } from 'supabase-auth-machine/inspect'
 * const inspector = createInspector(webSocketAdapter({ url: 'ws://127.0.0.1:8080' }))
 * const auth = createAuthClient({ url, apiKey, inspect: redactedInspector(inspector.inspect) })
 * ```
 * @module
 */
export { redact, REDACTED, redactedInspector } from './redact.js'
export { webSocketAdapter } from './websocket-adapter.js'
export type { InspectionAdapter, WebSocketAdapterOptions, WebSocketConstructorLike, WebSocketLike } from './websocket-adapter.js'
export type { InspectObserver } from '../client/inspection.js'
