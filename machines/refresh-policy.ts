/**
 * When to refresh and how long to back off. Pure functions of the context and the clock reading, so the
 * chart's guards and delays stay one-liners and the policy can be tested on its own.
 * @module
 */
import { isAuthApiError } from '../src/errors.js'
import type { Session } from '../src/types.js'
import type { LifecycleContext } from './lifecycle-types.js'

/** Refresh this long before the access token expires, as auth-js does. */
export const DEFAULT_REFRESH_MARGIN_MS = 90_000
export const DEFAULT_MAX_TIMER_MS = 30_000
/** How long to wait for another client's refresh before refreshing anyway. */
export const DEFAULT_LOCK_TIMEOUT_MS = 15_000
const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 60_000
const RETRY_AFTER_CAP_MS = 5 * 60_000

/**
 * How long before expiry to refresh: the configured margin, but never more than half the token's
 * lifetime — a server issuing 60 s tokens would otherwise have every fresh token "due" at once, and the
 * client would refresh in a loop.
 */
export function refreshMarginFor(session: Session, marginMs: number): number {
  return Math.min(marginMs, Math.max(0, session.expires_in * 1000) / 2)
}

/**
 * Within the refresh margin of expiry (or past it): time to refresh before handing the token out. The one
 * "expiring soon" rule: the chart's timer, `getSession` and the refresher's adopt check all ask here.
 */
export function isExpiringSoon(session: Session, now: number, marginMs: number): boolean {
  return session.expires_at * 1000 - refreshMarginFor(session, marginMs) <= now
}

export function isExpired(session: Session, now: number): boolean {
  return session.expires_at * 1000 <= now
}

/**
 * While a refresh is in flight, the current access token is handed out at once if it stays valid this much
 * longer: enough for the request it is fetched for to reach the server. Closer to expiry, callers wait for
 * the refresh instead.
 */
export const USABLE_DURING_REFRESH_MS = 10_000


/** Epoch ms at which the next refresh attempt is due, or null when there is nothing to refresh. */
export function refreshDueAt(context: LifecycleContext): number | null {
  const { session } = context
  if (!session) return null
  if (context.stale && context.retryAt !== null) return context.retryAt
  return session.expires_at * 1000 - refreshMarginFor(session, context.settings.refreshMarginMs)
}

export function isRefreshDue(context: LifecycleContext): boolean {
  const dueAt = refreshDueAt(context)
  return dueAt !== null && dueAt <= context.io.clock.now()
}

/** How long to wait before looking at the clock again: until due, but never longer than one poll. */
export function nextCheckDelay(context: LifecycleContext): number {
  const dueAt = refreshDueAt(context)
  if (dueAt === null) return context.settings.maxTimerMs
  const untilDue = Math.max(0, dueAt - context.io.clock.now())
  return Math.min(untilDue, context.settings.maxTimerMs)
}

/**
 * Exponential backoff with full jitter, capped; a server's `Retry-After` wins when it is longer.
 * `failures` counts the attempts that failed so far (1 after the first failure).
 */
export function retryDelayMs(failures: number, error: unknown, random: () => number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1))
  const jittered = exponential / 2 + (exponential / 2) * random()
  const retryAfter = isAuthApiError(error) && error.retryAfter !== undefined ? error.retryAfter * 1000 : 0
  return Math.max(jittered, Math.min(retryAfter, RETRY_AFTER_CAP_MS))
}
