/**
 * Joining abort signals: the caller's, the chart's (an operation it cut short) and the request's timeout.
 * Listeners are always detached afterwards, so a long-lived caller signal does not gather one per request.
 * @module
 */

/**
 * Forwards an abort of `signal` (the caller's) to `controller` (the request's own). Cheaper than
 * `AbortSignal.any`, which allocates a signal and weak references on every call. Returns the detacher.
 */
export function followAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  // Anything but a signal (a caller without types passing `{}`) is no signal, rather than a TypeError.
  if (typeof signal?.addEventListener != 'function') return noop
  if (signal.aborted) {
    controller.abort(signal.reason)
    return noop
  }
  const forward = (): void => controller.abort(signal.reason)
  signal.addEventListener('abort', forward, { once: true })
  return () => signal.removeEventListener('abort', forward)
}

function noop(): void {}

export interface CombinedSignal {
  signal: AbortSignal
  /** Detaches from the source signals; call it when the work is done, or a long-lived caller signal keeps one listener per call. */
  dispose: () => void
}

/**
 * One signal that aborts when any of `signals` does, with the first reason. Built on {@link followAbort}
 * rather than `AbortSignal.any`: it works on every runtime, and `dispose` really detaches.
 *
 * @example
 * const { signal, dispose } = combineSignals([actorSignal, options.signal])
 * try { await work(signal) } finally { dispose() }
 */
export function combineSignals(signals: ReadonlyArray<AbortSignal | undefined>): CombinedSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length === 1) return { signal: present[0] as AbortSignal, dispose: noop }
  const controller = new AbortController()
  const detachers = present.map((s) => followAbort(s, controller))
  return {
    signal: controller.signal,
    dispose: () => {
      for (const detach of detachers) detach()
    },
  }
}
