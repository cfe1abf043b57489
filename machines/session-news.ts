/**
 * How a session another client announced compares with the one in hand. Across tabs an announcement can
 * arrive after this client made a newer change of its own (the soak found a user update carrying tokens
 * another tab had already rotated, and sign-outs heard after a newer sign-in), so news is weighed, not
 * taken blindly. Pure: it looks only at the session values.
 * @module
 */
import type { Session } from '../src/types.js'
import { sessionIdOf } from './session-facts.js'

/** Two sessions from one sign-in: the server's session id is the same, however often the tokens rotated since. */
export function sameSignIn(a: Session, b: Session): boolean {
  const id = sessionIdOf(a)
  return id !== undefined && id === sessionIdOf(b)
}

/**
 * What taking `heard` makes of the session in hand. Another sign-in replaces it, unless it is the one the
 * session in hand `replaced` (its news arrived late). Of two rotations of one sign-in, the later tokens and
 * the later-updated user win, whichever side each comes from. Tokens are dated by their expiry, which whole
 * seconds make equal for rotations a moment apart: then the announced tokens win unless they are the ones
 * the session in hand `replaced`. Returns `inHand` itself when the news changes nothing, and `heard` itself
 * when it is taken whole.
 *
 * @example
 * // Tab B rotated the tokens; tab A, not told yet, updated the user and announced its older tokens.
 * sessionAfterNews(rotatedInB, announcedByA, spentInB) // B's tokens with A's user
 */
export function sessionAfterNews(inHand: Session | null, heard: Session, replaced?: string | null): Session {
  if (inHand === null) return heard
  // News of the very session this one replaced (a user update made there, heard late) is stale.
  if (!sameSignIn(inHand, heard)) return heard.refresh_token === replaced ? inHand : heard
  const heardIsNewer = heard.expires_at > inHand.expires_at || (heard.expires_at === inHand.expires_at && heard.refresh_token !== replaced)
  const [newer, older] = heardIsNewer ? [heard, inHand] : [inHand, heard]
  return Date.parse(older.user.updated_at ?? '') > Date.parse(newer.user.updated_at ?? '') ? { ...newer, user: older.user } : newer
}
