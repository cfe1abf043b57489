/**
 * What an executor (see `executors.ts`) is given for one step of a path, and the helpers every executor
 * shares: looking ahead at how the operation a step starts will end, and waiting for a parked call.
 */
import type { AuthStatus } from '../../machines/lifecycle-types.js'
import type { Hold } from '../support/hold.js'
import type { ModelEvent } from './lifecycle-model.js'
import type { ModelStep } from './plan.js'
import type { Rig } from '../support/rig.js'

export interface StepContext {
  rig: Rig
  steps: readonly ModelStep[]
  index: number
  event: ModelEvent
  from: AuthStatus
  to: AuthStatus
  /** Consumes the client's record of this step's event (fails if it processed something else). */
  record(): Promise<void>
}

export type Executor = (c: StepContext) => Promise<void>

/** The step that ends the operation started at `index`: the first later step of one of `types`. */
export function outcome(c: StepContext, types: readonly string[]): ModelEvent | undefined {
  return c.steps.slice(c.index + 1).find((s) => types.includes(s.event.type))?.event
}

/** Checks this step's record, then waits until the client made the call parked to hold the next status. */
export async function settleFlight(c: StepContext, hold: Hold | undefined): Promise<void> {
  await c.record()
  if (hold) await c.rig.arrive(hold)
}
