/**
 * Which answers end a session, restated from the wire contract and `machines/failures.ts` rather than
 * computed by the client's own code: a verdict (a 4xx below 429: GoTrue's refusals are 400–422) whose body
 * names, in one of GoTrue's error shapes, a code after which the session cannot work again. Everything else
 * (a 2xx, a proxy's 3xx, 429, the 4xx a proxy makes up, such as nginx's 499, any 5xx, garbage, no answer)
 * leaves it in place.
 */
import { SESSION_GONE_CODES, TERMINAL_REFRESH_CODES, type Answer, type BodySpec } from '../arbitraries/answers.js'

/**
 * What the call does to the session it is made with:
 * - `keeps`: nothing, whatever the answer (public calls; sign-ins, whose failure keeps the current session),
 * - `gateway`: made with the user's access token; a "session or user gone" answer ends the session,
 * - `refresh`: spends the refresh token; a terminal refresh answer ends the session,
 * - `signOut`: ends the session whatever the answer.
 */
export type SessionEffect = 'keeps' | 'gateway' | 'refresh' | 'signOut'

/** The error code an error body names, as GoTrue's shapes define it (undefined when it names none). */
export function namedCode(body: BodySpec): string | undefined {
  if (body.kind !== 'error' || body.shape === 'message-only') return undefined
  return body.code === '' ? undefined : body.code
}

/** True when `answer` must end the session of a call with `effect`. */
export function endsSession(answer: Answer, effect: SessionEffect): boolean {
  if (effect === 'keeps' || effect === 'signOut') return false
  const { delivery, status, body } = answer
  if (delivery !== 'respond' || status < 400 || status >= 429) return false
  const code = namedCode(body)
  if (code === undefined) return false
  return (effect === 'refresh' ? TERMINAL_REFRESH_CODES : SESSION_GONE_CODES).includes(code)
}
