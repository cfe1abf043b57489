/**
 * Every statechart of the package, by name. `npm run visualize` draws each one into
 * `visualizations/<name>.mmd` and `.svg` (and the README section between `chart:<name>` markers).
 * @module
 */
import { lifecycleMachine } from './lifecycle.js'

export const machines = { lifecycle: lifecycleMachine } as const
