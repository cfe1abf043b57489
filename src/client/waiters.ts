/**
 * Promise calls waiting for the operation the chart has in flight. The chart does not know who waits: it
 * says only that the operation ended, failed or was cut short, and everyone waiting then hears it. A
 * caller joins after its event was accepted, so the operation it waits on is the one that event began or
 * joined.
 * @module
 */
import type { LifecycleEmitted, OperationResult } from '../../machines/lifecycle-types.js'
import { AuthError } from '../errors.js'

type Outcome = { ok: true; result: OperationResult } | { ok: false; error: AuthError }

interface Waiter {
  settle(outcome: Outcome): void
}

const CANCELLED_BECAUSE = { superseded: 'Superseded by a newer sign-in', signOut: 'Cancelled by sign-out' } as const

export class Waiters {
  // Made on the first call: most clients never wait on anything, and an empty array still costs heap.
  #current: Waiter[] | undefined

  /** Waits for the operation in flight to end; resolves with its result, or rejects with its error. */
  join(): Promise<OperationResult> {
    return new Promise((resolve, reject) => {
      ;(this.#current ??= []).push({ settle: (outcome) => (outcome.ok ? resolve(outcome.result) : reject(outcome.error)) })
    })
  }

  /**
   * Called as the chart emits, inside its transition: the callers waiting right now are the ones this
   * news is for, so they are taken at once and told after the transition commits (`deliver`).
   */
  take(emitted: Exclude<LifecycleEmitted, { type: 'authEvent' }>): () => void {
    const waiting = this.#current
    this.#current = undefined
    if (waiting === undefined) return () => {}
    const outcome: Outcome =
      emitted.type === 'operationDone'
        ? { ok: true, result: emitted.result }
        : emitted.type === 'operationFailed'
          ? { ok: false, error: emitted.error }
          : { ok: false, error: new AuthError(CANCELLED_BECAUSE[emitted.reason], undefined, 'aborted') }
    return () => {
      for (const waiter of waiting) waiter.settle(outcome)
    }
  }

  /** Rejects everyone still waiting (the client was disposed). */
  rejectAll(error: AuthError): void {
    const waiting = this.#current ?? []
    this.#current = undefined
    for (const waiter of waiting) waiter.settle({ ok: false, error })
  }
}
