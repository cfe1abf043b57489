/**
 * Combines the caller's signal with our timeout signal. `AbortSignal.any` exists from Node 20.3 and recent
 * browsers; elsewhere the listeners are wired by hand. `dispose` detaches them so a long-lived caller signal
 * does not accumulate one listener per request.
 * @module
 */

/**
 * Forwards an abort of `signal` (the caller's) to `controller` (the request's own). Cheaper than
 * `AbortSignal.any`, which allocates a signal and weak references on every call. Returns the detacher.
 */
export function followAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return noop
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
  dispose: () => void
}

/**
 * One signal that aborts when any of `signals` does; `dispose` detaches the hand-wired listeners when
 * `AbortSignal.any` is missing. (The transport uses the cheaper {@link followAbort}.)
 */
export function combineSignals(signals: ReadonlyArray<AbortSignal | undefined>): CombinedSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length === 1) return { signal: present[0] as AbortSignal, dispose: () => {} }

  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any
  if (typeof any === 'function') return { signal: any.call(AbortSignal, present), dispose: () => {} }

  const controller = new AbortController()
  const listeners: Array<[AbortSignal, () => void]> = []
  const dispose = (): void => {
    for (const [s, l] of listeners) s.removeEventListener('abort', l)
    listeners.length = 0
  }
  for (const s of present) {
    if (s.aborted) {
      dispose()
      controller.abort(s.reason)
      break
    }
    const listener = (): void => {
      dispose()
      controller.abort(s.reason)
    }
    s.addEventListener('abort', listener, { once: true })
    listeners.push([s, listener])
  }
  return { signal: controller.signal, dispose }
}
