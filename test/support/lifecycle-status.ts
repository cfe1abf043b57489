/**
 * The public status of a lifecycle snapshot, read from its state value without assuming where in the chart
 * the status states sit: the status is the one active state whose name is a status (`signingIn` while in
 * `signingIn.credentials`; `authenticated` whether it is top-level or under a grouping parent).
 * Independent of the client's own `statusOf`, so the model test can check that too.
 */
import type { StateValue } from 'xstate'
import type { AuthStatus } from '../../src/index.js'

/** Every status a user can see (`resolvingStatus`-like transient states are not statuses). */
export const ALL_STATUSES = [
  'initializing', 'signedOut', 'signingIn', 'anonymous', 'mfaChallenge', 'authenticated', 'refreshing', 'signingOut',
] as const satisfies readonly AuthStatus[]

// Fails to compile when AuthStatus gains a member this list lacks.
type Missing = Exclude<AuthStatus, (typeof ALL_STATUSES)[number]>
export const STATUS_LIST_IS_COMPLETE: [Missing] extends [never] ? true : Missing = true

const STATUS_NAMES: ReadonlySet<string> = new Set(ALL_STATUSES)

export function isStatus(name: string): name is AuthStatus {
  return STATUS_NAMES.has(name)
}

/** The status in a (possibly redacted copy of a) state value; throws unless exactly one active state is a status. */
export function statusOfValue(value: StateValue | unknown): AuthStatus {
  const found: AuthStatus[] = []
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (isStatus(v)) found.push(v)
      return
    }
    if (typeof v !== 'object' || v === null) return
    for (const [key, child] of Object.entries(v)) {
      if (isStatus(key)) found.push(key)
      visit(child)
    }
  }
  visit(value)
  if (found.length !== 1) throw new Error(`state value ${JSON.stringify(value)} names ${found.length} statuses (${found.join(', ')})`)
  return found[0] as AuthStatus
}
