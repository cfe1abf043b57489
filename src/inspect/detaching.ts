/**
 * Letting go of a client: an inspector outlives the clients it watches, and must neither keep hearing a
 * disposed one nor break one it watches.
 * @module
 */
import type { InspectionEvent } from 'xstate'

/** A root actor's snapshot that says it stopped (`dispose()`), finished or failed: the chart says no more. */
function isRootEnd(event: InspectionEvent): boolean {
  if (event.type !== '@xstate.snapshot' || event.actorRef.sessionId !== event.rootId) return false
  return (event.snapshot as { status?: unknown }).status !== 'active'
}

/**
 * `deliver`, detached once the client's chart stops (its last snapshot, `stopped`, still goes through),
 * and unable to break the client. XState keeps an observer for the system's lifetime and still reports
 * events sent to a stopped actor (cross-tab messages, storage signals reach a disposed client), so without
 * this a disposed client would keep feeding the inspector. XState also calls observers inside its
 * transitions without a guard, so one that throws would fail the sign-in it watches; it is dropped instead.
 *
 * @example
 * const forward = detaching((event) => socket.send(JSON.stringify(event)))
 */
export function detaching(deliver: (event: InspectionEvent) => void): (event: InspectionEvent) => void {
  let next: ((event: InspectionEvent) => void) | undefined = deliver
  return (event) => {
    const current = next
    if (current === undefined) return
    if (isRootEnd(event)) next = undefined
    try {
      current(event)
    } catch (error) {
      next = undefined
      // A development aid failing must not be silent, nor fatal: one line, then the inspector is let go.
      console.warn('supabase-auth-machine: the inspect observer threw and was detached:', error instanceof Error ? error.message : String(error))
    }
  }
}
