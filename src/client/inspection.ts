/**
 * What the client hands to an `inspect` observer. Inspection events carry passwords, codes and tokens, so
 * an observer gets them only through the redacting wrapper of `supabase-auth-machine/inspect` (kept out of
 * the main entry: production apps rarely inspect), or raw when the app says so with `redactInspection: false`.
 * @module
 */
import type { InspectionEvent, Observer } from 'xstate'
import { AuthInvalidCredentialsError } from '../errors.js'

export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void)

/** Marks the observers `redactedInspector` made; `Symbol.for`, so a separately bundled entry's mark counts. */
export const REDACTING = Symbol.for('supabase-auth-machine.redacting-inspector')

/** True for an observer wrapped by `redactedInspector`. */
export function isRedacting(observer: InspectObserver): boolean {
  return Reflect.get(observer, REDACTING) === true
}

/**
 * The observer to give the chart: a redacting one as it is, a raw one only when redaction was switched
 * off; a raw one otherwise is refused before anything could reach it. Either way it is wrapped by
 * {@link detachingObserver}.
 */
export function inspectorFor(observer: InspectObserver | undefined, redactInspection: boolean | undefined): InspectObserver | undefined {
  if (observer === undefined) return undefined
  if (isRedacting(observer) || redactInspection === false) return detachingObserver(observer)
  throw new AuthInvalidCredentialsError(
    'inspect: wrap the observer with redactedInspector() from supabase-auth-machine/inspect (or set redactInspection: false to let it see secrets)',
  )
}

/** A root actor's snapshot that says it stopped (`dispose()`), finished or failed: the chart says no more. */
function isRootEnd(event: InspectionEvent): boolean {
  if (event.type !== '@xstate.snapshot' || event.actorRef.sessionId !== event.rootId) return false
  return (event.snapshot as { status?: unknown }).status !== 'active'
}

/**
 * `observer`, detached once the client's chart stops (its last snapshot, `stopped`, still goes through),
 * and unable to break the client. XState keeps an observer for the system's lifetime and still reports
 * events sent to a stopped actor (cross-tab messages, storage signals reach a disposed client), so without
 * this a disposed client would keep feeding the inspector. XState also calls observers inside its
 * transitions without a guard, so one that throws would fail the sign-in it watches; it is dropped instead.
 */
function detachingObserver(observer: InspectObserver): (event: InspectionEvent) => void {
  let next: ((event: InspectionEvent) => void) | undefined =
    typeof observer === 'function' ? observer : (event) => observer.next?.(event)
  return (event) => {
    const deliver = next
    if (deliver === undefined) return
    if (isRootEnd(event)) next = undefined
    try {
      deliver(event)
    } catch (error) {
      next = undefined
      // A development aid failing must not be silent, nor fatal: one line, then the inspector is let go.
      console.warn('supabase-auth-machine: the inspect observer threw and was detached:', error instanceof Error ? error.message : String(error))
    }
  }
}
