import { isStoredSession } from '../storage/session-shape.js'
import type { AuthChangeEvent } from '../types.js'
import type { SessionMessage } from './types.js'

/**
 * The cross-tab message format. auth-js posts `{ event, session }` on `BroadcastChannel(storageKey)`; ours is
 * a superset (`type`, `from`, `context`), so tabs running auth-js and this client understand each other.
 * Incoming data comes from other code in the origin and is validated like stored data.
 * @module
 */

const EVENTS: ReadonlySet<string> = new Set<AuthChangeEvent>([
  'INITIAL_SESSION',
  'SIGNED_IN',
  'SIGNED_OUT',
  'TOKEN_REFRESHED',
  'USER_UPDATED',
  'PASSWORD_RECOVERY',
  'MFA_CHALLENGE_VERIFIED',
])

export interface BroadcastData extends SessionMessage {
  context: string
}

/** What goes on the channel: the message plus the sending context's tag. */
export function toBroadcast(message: SessionMessage, context: string): BroadcastData {
  return { ...message, context }
}

/** A valid session message and the context that sent it, or undefined for anything else. */
export function parseBroadcast(data: unknown): { message: SessionMessage; context: string | undefined } | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const record = data as Record<string, unknown>
  if (record['type'] !== undefined && record['type'] !== 'session') return undefined
  const event = record['event']
  if (typeof event !== 'string' || !EVENTS.has(event)) return undefined
  const session = record['session'] ?? null
  if (session !== null && !isStoredSession(session)) return undefined
  const from = typeof record['from'] === 'string' ? record['from'] : 'external'
  const context = typeof record['context'] === 'string' ? record['context'] : undefined
  const ended = typeof record['ended'] === 'string' ? record['ended'] : undefined
  return { message: { type: 'session', event: event as AuthChangeEvent, session, from, ended }, context }
}
