/**
 * Redaction of what the client hands to an inspector: inspection events carry the chart's events and
 * context, which hold passwords, OTP codes and tokens.
 * @module
 */
import type { InspectionEvent } from 'xstate'
import { REDACTING, type InspectObserver } from '../client/inspection.js'
import { detaching } from './detaching.js'

const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'current_password',
  'code',
  'token',
  'token_hash',
  'nonce',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'replacedToken',
  'authCode',
  'auth_code',
  'id_token',
  'linkWith',
  'verifier',
  'provider_token',
  'provider_refresh_token',
  'captchaToken',
  'captcha_token',
  'codeVerifier',
  'code_verifier',
  'secret',
  'qr_code',
  // A wallet's signature over a sign-in message (`/web3`): GoTrue accepts it again until the message expires.
  'signature',
])

/** What a secret is replaced by, e.g. `{ password: '[redacted]' }`. */
export const REDACTED = '[redacted]'

interface ActorRefLike {
  id: string
  sessionId: string
  send: unknown
  getSnapshot(): unknown
  _parent?: ActorRefLike
  [key: string]: unknown
}

function isActorRef(value: object): value is ActorRefLike {
  return typeof (value as { send?: unknown }).send === 'function' && typeof (value as { sessionId?: unknown }).sessionId === 'string'
}

/**
 * A deep copy of `value` with every secret-named field replaced, functions dropped, cycles cut, and actor
 * references reduced to their ids (an actor holds its input and snapshot, which hold secrets).
 *
 * @example
 * redact({ email: 'a@b.c', password: 'hunter2', session: { access_token: 'ey…' } })
 * // { email: 'a@b.c', password: '[redacted]', session: { access_token: '[redacted]' } }
 */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'function') return undefined
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (isActorRef(value)) return { xstate$$type: 1, id: value.id }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen))
  if (value instanceof Error) return { name: value.name, message: value.message }
  const copy: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_KEYS.has(key) && field !== undefined && field !== null) copy[key] = REDACTED
    else if (typeof field !== 'function') copy[key] = redact(field, seen)
  }
  return copy
}

/**
 * What an inspector may read of an actor: ids, the machine definition, and a redacted snapshot. The real
 * actor would hand out its unredacted snapshot to anyone calling `getSnapshot()`.
 */
function actorFacade(ref: ActorRefLike): ActorRefLike {
  return {
    id: ref.id,
    sessionId: ref.sessionId,
    systemId: ref['systemId'],
    src: ref['src'],
    logic: ref['logic'],
    send: () => {},
    getSnapshot: () => redact(plainSnapshot(ref.getSnapshot())),
    ...(ref._parent ? { _parent: actorFacade(ref._parent) } : {}),
    toJSON: () => ({ xstate$$type: 1, id: ref.id }),
  }
}

/** Redacts every part of an inspection event that can hold secrets, whatever its type. */
export function redactInspectionEvent(event: InspectionEvent): InspectionEvent {
  const copy: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(event)) {
    if (key === 'actorRef' || key === 'sourceRef') {
      copy[key] = field && typeof field === 'object' && isActorRef(field) ? actorFacade(field) : field
    } else if (key === 'snapshot') {
      copy[key] = redact(plainSnapshot(field))
    } else {
      copy[key] = redact(field)
    }
  }
  return copy as unknown as InspectionEvent
}

function plainSnapshot(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot
  const { value, status, context, output, error } = snapshot as Record<string, unknown>
  return { value, status, context: withoutIo(context), output, error }
}

/** The client's I/O (transport, store, lock) travels in the chart's context; an inspector needs none of it. */
function withoutIo(context: unknown): unknown {
  if (typeof context !== 'object' || context === null || !('io' in context)) return context
  const { io: _io, ...rest } = context
  return { ...rest, io: '[client I/O]' }
}

/**
 * `observer`, given every inspection event with its secrets replaced by {@link REDACTED}: what
 * `createAuthClient({ inspect })` accepts without `redactInspection: false`. It lets go once the client's
 * chart stops (`dispose()`), and an observer that throws is dropped with one warning.
 *
 * @example
 * createAuthClient({ url, apiKey, inspect: redactedInspector((event) => console.log(event.type)) })
 */
export function redactedInspector(observer: InspectObserver): (event: InspectionEvent) => void {
  const next = typeof observer === 'function' ? observer : (event: InspectionEvent) => observer.next?.(event)
  const redacting = detaching((event: InspectionEvent) => next(redactInspectionEvent(event)))
  Object.defineProperty(redacting, REDACTING, { value: true })
  return redacting
}
