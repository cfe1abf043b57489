/**
 * A client clock that runs `offsetMs` ahead of the real one (timers stay real, unref'd). Lets a test make a
 * freshly issued session look close to expiry without waiting an hour, while the server keeps real time.
 */
import type { Clock } from '../../src/index.js'
import { systemClock } from '../../src/index.js'

export function offsetClock(offsetMs: number): Clock & { advance(ms: number): void } {
  let offset = offsetMs
  return {
    now: () => Date.now() + offset,
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
    advance(ms) {
      offset += ms
    },
  }
}
