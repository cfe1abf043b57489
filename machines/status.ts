/**
 * The status a user sees, read off the chart's state value. Most statuses are top-level states; the
 * signed-in ones are the children of `signedIn`, which holds the transitions they share.
 * @module
 */
import type { StateValue } from 'xstate'
import type { AuthStatus } from './lifecycle-types.js'

const STATUSES: ReadonlySet<string> = new Set<AuthStatus>([
  'initializing',
  'signedOut',
  'signingIn',
  'anonymous',
  'mfaChallenge',
  'authenticated',
  'refreshing',
  'signingOut',
])

function isStatus(name: string): name is AuthStatus {
  return STATUSES.has(name)
}

/**
 * `'signedOut'` → `signedOut`, `{ signingIn: 'credentials' }` → `signingIn`, `{ signedIn: 'anonymous' }` →
 * `anonymous`. `resolvingStatus` is never at rest, so a snapshot never shows it.
 */
export function statusOf(value: StateValue): AuthStatus {
  const [top, child] = typeof value === 'string' ? [value, undefined] : Object.entries(value)[0] ?? ['initializing', undefined]
  const name = top === 'signedIn' && typeof child === 'string' ? child : top
  if (!isStatus(name)) throw new Error(`The lifecycle chart has no status named ${name}`)
  return name
}
