/**
 * A clock that moves only when told: `now()` and timers both follow `advance(ms)`. Injected into a client
 * (`createAuthClient({ clock })`) it lets a test walk through refresh schedules and backoffs instantly.
 */
import type { Clock } from '../../src/index.js'

interface Timer {
  id: number
  at: number
  callback: () => void
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in order (a fired timer may schedule more). */
  advance(ms: number): void
  /** Timers still waiting. */
  pending(): number
}

export function manualClock(start = Date.now()): ManualClock {
  let now = start
  let nextId = 1
  let timers: Timer[] = []
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), callback }
      timers.push(timer)
      return timer.id
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle)
    },
    advance(ms) {
      const until = now + ms
      for (;;) {
        const due = timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0]
        if (!due) break
        timers = timers.filter((timer) => timer !== due)
        now = Math.max(now, due.at)
        due.callback()
      }
      now = until
    },
    pending: () => timers.length,
  }
}
