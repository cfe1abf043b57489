/**
 * The zone rule of the Angular adapter. Zoneless is Angular 21's default and needs nothing; with zone.js,
 * a pending timer keeps `ApplicationRef.isStable` false (NG0506 during hydration, `whenStable` hanging in
 * tests), and the client keeps one for the refresh check while signed in. So, when a real `NgZone` is
 * present, the client's work starts outside it and only what Angular must see (values the app renders,
 * the router's and `HttpClient`'s continuations) re-enters it.
 * @module
 */
import { NgZone } from '@angular/core'
import { Observable } from 'rxjs'
import type { Clock } from '../runtime/timers.js'

/** Where the adapter runs the client's work and where it hands results back to Angular. */
export interface ZoneBridge {
  /** Whether a real zone.js `NgZone` is present (`false` when zoneless, the default in Angular 21). */
  readonly real: boolean
  /** Runs `fn` outside Angular's zone (directly when zoneless). */
  outside<T>(fn: () => T): T
  /** Runs `fn` inside Angular's zone (directly when zoneless). */
  inside<T>(fn: () => T): T
}

const direct: ZoneBridge = { real: false, outside: (fn) => fn(), inside: (fn) => fn() }

/**
 * The bridge for `zone` (the app's injected `NgZone`, or `null` where none is provided). Zoneless apps get
 * `NoopNgZone`, which is not an `NgZone` subclass: only the zone.js-backed class takes the detour.
 */
export function zoneBridge(zone: NgZone | null): ZoneBridge {
  if (!(zone instanceof NgZone)) return direct
  return { real: true, outside: (fn) => zone.runOutsideAngular(fn), inside: (fn) => zone.run(fn) }
}

/**
 * `clock` whose timers start outside the zone, whichever zone the chart's transition ran in: a sign-in
 * clicked in a template runs inside Angular's zone, and the refresh timer it arms must not hold the app
 * unstable for the session's lifetime.
 */
export function clockOutside(clock: Clock, bridge: ZoneBridge): Clock {
  if (!bridge.real) return clock
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => bridge.outside(() => clock.setTimeout(callback, ms)),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  }
}

/**
 * `source` with every value, error and completion delivered inside Angular's zone (the client emits from
 * outside it: a refresh timer, another tab's message), so zone apps run change detection for them. The
 * first value stays synchronous, which `toSignal(…, { requireSync: true })` relies on.
 */
export function deliverInside<T>(source: Observable<T>, bridge: ZoneBridge): Observable<T> {
  if (!bridge.real) return source
  return new Observable<T>((subscriber) => {
    const subscription = source.subscribe({
      next: (value) => bridge.inside(() => subscriber.next(value)),
      error: (error: unknown) => bridge.inside(() => subscriber.error(error)),
      complete: () => bridge.inside(() => subscriber.complete()),
    })
    return () => subscription.unsubscribe()
  })
}
