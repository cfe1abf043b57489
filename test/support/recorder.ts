/**
 * Records what the real client's chart actually did: every event its root actor processed, the status it
 * landed in and the definition transitions it took on the way (its microsteps, `always` ones included),
 * from the client's `inspect` hook. A model step consumes the next record, so a step that the client took
 * differently (or an extra event nobody modelled) shows up as a mismatch, and a step that passes through
 * an in-flight status in the same tick as the next one can still be checked.
 *
 * Transitions are only readable from unredacted inspection events (`redactInspection: false`); with
 * redaction on, `transitions` stays empty.
 */
import type { InspectionEvent } from 'xstate'
import type { AuthStatus } from '../../src/index.js'
import { microstepTransitions, transitionKey } from './chart-transitions.js'
import { statusOfValue } from './lifecycle-status.js'

export interface StepRecord {
  index: number
  /** The event the chart processed, e.g. `SIGN_IN`, `xstate.done.actor.signIn`. */
  type: string
  /** The status right after it. */
  status: AuthStatus
  /** Which variant of the event it was, where the status alone cannot tell (see `variantOf`). */
  variant: string | undefined
  /** Keys (see `chart-transitions.ts`) of the definition transitions the chart took for this event. */
  transitions: string[]
}

/**
 * The payload fact that tells event variants apart when they lead to the same status: a refresh that
 * refreshed or adopted, a sign-in with or without a session. Read from the (redacted) inspected event,
 * which keeps these non-secret fields.
 */
export function variantOf(event: { type: string } & Record<string, unknown>): string | undefined {
  const output = event['output'] as { outcome?: unknown; session?: unknown } | undefined
  if (event.type === 'xstate.done.actor.refresh') return String(output?.outcome)
  if (event.type === 'xstate.done.actor.signIn') return output?.session ? 'session' : 'none'
  return undefined
}

export class Recorder {
  readonly records: StepRecord[] = []
  #cursor = 0
  #wake: (() => void) | undefined
  /** Transitions of the macrostep in progress (its microsteps come before its snapshot). */
  #pending: string[] = []

  /** What went wrong inside `observe` (thrown by the next `next()`, never into the client). */
  #problem: Error | undefined

  /** Pass as the client's `inspect` option. */
  readonly observe = (event: InspectionEvent): void => {
    try {
      this.#observe(event)
    } catch (error) {
      this.#problem ??= error instanceof Error ? error : new Error(String(error))
      this.#wake?.()
    }
  }

  #observe(event: InspectionEvent): void {
    if (event.actorRef.sessionId !== event.rootId) return
    if (event.type === '@xstate.microstep') {
      for (const transition of microstepTransitions(event)) this.#pending.push(transitionKey(transition))
      return
    }
    if (event.type !== '@xstate.snapshot') return
    const snapshot = event.snapshot as { value?: unknown }
    this.records.push({
      index: this.records.length,
      type: event.event.type,
      status: statusOfValue(snapshot.value),
      variant: variantOf(event.event as { type: string } & Record<string, unknown>),
      transitions: this.#pending,
    })
    this.#pending = []
    this.#wake?.()
  }

  /** No record is waiting to be consumed: the last one consumed describes the client now. */
  get atEnd(): boolean {
    return this.#cursor === this.records.length
  }

  /** Records not consumed yet (for messages). */
  get unconsumed(): StepRecord[] {
    return this.records.slice(this.#cursor)
  }

  /** The next record, waiting for it if the client has not processed it yet. */
  async next(expected: { type: string } & Record<string, unknown>, timeoutMs = 5_000): Promise<StepRecord> {
    const expectedType = expected.type
    if (this.#problem) throw this.#problem
    if (this.atEnd) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await new Promise<void>((resolve, reject) => {
        this.#wake = resolve
        timer = setTimeout(() => reject(new Error(`the client processed no event within ${timeoutMs} ms (expected ${expectedType}); history: ${this.#history()}`)), timeoutMs)
      }).finally(() => {
        clearTimeout(timer)
        this.#wake = undefined
      })
    }
    if (this.#problem) throw this.#problem
    const record = this.records[this.#cursor] as StepRecord
    this.#cursor += 1
    const expectedVariant = variantOf(expected)
    if (record.type !== expectedType || record.variant !== expectedVariant) {
      const show = (type: string, variant: string | undefined) => (variant === undefined ? type : `${type}(${variant})`)
      throw new Error(`the client processed ${show(record.type, record.variant)} where the model expected ${show(expectedType, expectedVariant)}; history: ${this.#history()}`)
    }
    return record
  }

  #history(): string {
    return this.records.map((r) => `${r.type}${r.variant === undefined ? '' : `(${r.variant})`}→${r.status}`).join(', ')
  }
}
