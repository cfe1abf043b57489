/**
 * Records what the real client's chart actually did: every event its root actor processed and the status
 * it landed in, from the client's `inspect` hook. A model step consumes the next record, so a step that
 * the client took differently (or an extra event nobody modelled) shows up as a mismatch, and a step that
 * passes through an in-flight status in the same tick as the next one can still be checked.
 */
import type { InspectionEvent } from 'xstate'
import type { AuthStatus } from '../../src/index.js'

export interface StepRecord {
  index: number
  /** The event the chart processed, e.g. `SIGN_IN`, `xstate.done.actor.signIn`. */
  type: string
  /** The status right after it. */
  status: AuthStatus
  /** Which variant of the event it was, where the status alone cannot tell (see `variantOf`). */
  variant: string | undefined
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
  if (event.type === 'SESSION_CHANGED_ELSEWHERE') return event['session'] ? 'session' : 'none'
  return undefined
}

function statusOfValue(value: unknown): AuthStatus {
  return (typeof value === 'string' ? value : Object.keys(value as object)[0]) as AuthStatus
}

export class Recorder {
  readonly records: StepRecord[] = []
  #cursor = 0
  #wake: (() => void) | undefined

  /** Pass as the client's `inspect` option (inspection events arrive redacted). */
  readonly observe = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot' || event.actorRef.sessionId !== event.rootId) return
    const snapshot = event.snapshot as { value?: unknown }
    this.records.push({
      index: this.records.length,
      type: event.event.type,
      status: statusOfValue(snapshot.value),
      variant: variantOf(event.event as { type: string } & Record<string, unknown>),
    })
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
