/**
 * A clock the test moves by hand. `now()` is what the client reads; `setTimeout` only queues, and nothing
 * fires until `advanceTo`/`advanceBy`. Jumps behave like a device waking from sleep: the time moves first,
 * then every timer that came due runs (earliest first) and reads the new time.
 *
 * @example
 * const clock = new ManualClock(Date.now())
 * const auth = createAuthClient({ url, apiKey, clock })
 * clock.advanceTo(clock.nextDueAt()!) // fire the chart's next refreshCheck
 */
import type { Clock } from '../../src/index.js'

interface Timer {
  at: number
  seq: number
  callback: () => void
}

/** Guards against a timer that keeps scheduling an already-due timer. */
const MAX_FIRINGS_PER_ADVANCE = 1_000

export class ManualClock implements Clock {
  #now: number
  #seq = 0
  readonly #timers = new Map<number, Timer>()

  constructor(start: number = Date.now()) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.#seq += 1
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0
    this.#timers.set(this.#seq, { at: this.#now + delay, seq: this.#seq, callback })
    return this.#seq
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#timers.delete(handle)
  }

  /** How many timers are queued. */
  get pending(): number {
    return this.#timers.size
  }

  /** When the earliest queued timer is due, or undefined when none is queued. */
  nextDueAt(): number | undefined {
    return this.#earliest()?.at
  }

  /** Moves to `at` (never backwards) and runs the timers due by then; returns how many ran. */
  advanceTo(at: number): number {
    this.#now = Math.max(this.#now, at)
    let fired = 0
    for (let timer = this.#earliest(); timer && timer.at <= this.#now; timer = this.#earliest()) {
      if (++fired > MAX_FIRINGS_PER_ADVANCE) throw new Error('ManualClock: timers keep coming due; is something rescheduling with 0 ms?')
      this.#timers.delete(timer.seq)
      timer.callback()
    }
    return fired
  }

  advanceBy(ms: number): number {
    return this.advanceTo(this.#now + ms)
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined
    for (const timer of this.#timers.values()) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer
    }
    return best
  }
}
