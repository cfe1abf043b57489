/**
 * Redaction of what the client hands to an inspector: inspection events carry the chart's events and
 * context, which hold passwords, OTP codes and tokens.
 * @module
 */
import type { InspectionEvent, Observer } from 'xstate'

const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'current_password',
  'code',
  'token',
  'token_hash',
  'nonce',
  'access_token',
  'refresh_token',
  'provider_token',
  'provider_refresh_token',
  'captchaToken',
  'captcha_token',
  'codeVerifier',
  'code_verifier',
  'secret',
  'qr_code',
])

export const REDACTED = '[redacted]'

/** A deep copy of `value` with every secret-named field replaced, functions dropped and cycles cut. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function') return undefined
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((item) => redact(item, seen))
  if (value instanceof Error) return { name: value.name, message: value.message }
  const copy: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_KEYS.has(key) && field !== undefined && field !== null) copy[key] = REDACTED
    else if (typeof field !== 'function') copy[key] = redact(field, seen)
  }
  return copy
}

/** Redacts the parts of an inspection event that can hold secrets: the event, and snapshots' context. */
export function redactInspectionEvent(event: InspectionEvent): InspectionEvent {
  switch (event.type) {
    case '@xstate.event':
      return { ...event, event: redact(event.event) as typeof event.event }
    case '@xstate.snapshot':
      return {
        ...event,
        event: redact(event.event) as typeof event.event,
        snapshot: redact(plainSnapshot(event.snapshot)) as typeof event.snapshot,
      }
    case '@xstate.microstep':
      return {
        ...event,
        event: redact(event.event) as typeof event.event,
        snapshot: redact(plainSnapshot(event.snapshot)) as typeof event.snapshot,
      }
    default:
      return event
  }
}

function plainSnapshot(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot
  const { value, status, context, output, error } = snapshot as Record<string, unknown>
  return { value, status, context, output, error }
}

export type InspectObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void)

export function redactingInspector(observer: InspectObserver): (event: InspectionEvent) => void {
  const next = typeof observer === 'function' ? observer : (event: InspectionEvent) => observer.next?.(event)
  return (event) => next(redactInspectionEvent(event))
}
