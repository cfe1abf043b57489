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
 * The observer to give the chart: a redacting one (which also lets go of the client once its chart stops,
 * see `supabase-auth-machine/inspect`), or a raw one only when redaction was switched off; a raw one
 * otherwise is refused before anything could reach it.
 */
export function inspectorFor(observer: InspectObserver | undefined, redactInspection: boolean | undefined): InspectObserver | undefined {
  if (observer === undefined || isRedacting(observer) || redactInspection === false) return observer
  throw new AuthInvalidCredentialsError(
    'inspect: wrap the observer in redactedInspector() (supabase-auth-machine/inspect), or set redactInspection: false',
  )
}
