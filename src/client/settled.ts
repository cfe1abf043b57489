/**
 * Waiting for the chart to come to rest: no operation in flight, or the actor no longer running.
 * @module
 */
import type { Actor } from 'xstate'
import type { LifecycleMachine } from '../../machines/lifecycle.js'
import { startTimer, stopTimer, type TimerHandle } from '../runtime/timers.js'

type LifecycleActor = Actor<LifecycleMachine>

function atRest(actor: LifecycleActor): boolean {
  const snapshot = actor.getSnapshot()
  return snapshot.status !== 'active' || snapshot.hasTag('settled')
}

/**
 * Resolves once `actor` is settled (at once if it already is); resolves `false` instead when `timeoutMs`
 * passes first. Never rejects: a stopped or failed actor counts as settled, since nothing more will happen.
 * (XState's `waitFor` does this too, but brings ~1 KB into every bundle for one predicate.)
 *
 * @example
 * if (!(await untilSettled(actor, 60_000))) throw new AuthError('still busy', undefined, 'timeout')
 */
export function untilSettled(actor: LifecycleActor, timeoutMs?: number): Promise<boolean> {
  if (atRest(actor)) return Promise.resolve(true)
  return new Promise((resolve) => {
    let timer: TimerHandle | undefined
    const finish = (settled: boolean) => {
      stopTimer(timer)
      subscription.unsubscribe()
      resolve(settled)
    }
    const subscription = actor.subscribe({
      next: () => {
        if (atRest(actor)) finish(true)
      },
      error: () => finish(true),
      complete: () => finish(true),
    })
    if (timeoutMs !== undefined) {
      timer = startTimer(() => finish(false), timeoutMs)
    }
  })
}
