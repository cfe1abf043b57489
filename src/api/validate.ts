/**
 * Argument checks run before any request, so an obvious mistake fails fast and locally with
 * {@link AuthInvalidCredentialsError} instead of a round trip. Messages name the argument, never its value.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * `value` if it is a non-empty string, else {@link AuthInvalidCredentialsError} naming `name`.
 *
 * @example
 * const password = requireString(p.password, 'password')
 */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthInvalidCredentialsError(`${name} must be a non-empty string`)
  }
  return value
}

/** Like {@link requireString}, but `undefined` passes through (an absent option). */
export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  return requireString(value, name)
}

/**
 * `value` if it is a UUID; path ids are checked so a typo fails locally instead of as a server 404.
 *
 * @example
 * const uid = requireUuid(id, 'id')
 */
export function requireUuid(value: unknown, name: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be a UUID`)
  }
  return value
}

/**
 * `value` narrowed to one of `allowed`; the message lists the allowed values, never the given one.
 *
 * @example
 * const scope = requireOneOf(p.scope, ['global', 'local', 'others'] as const, 'scope')
 */
export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be one of: ${allowed.join(', ')}`)
  }
  return value as T
}

/** A plain object or `undefined`; arrays and `null` are refused, as GoTrue would refuse them as JSON objects. */
export function optionalObject(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be an object`)
  }
  return value as Record<string, unknown>
}

/** A plain object, required: a method's argument object, refused before any request when it is not one. */
export function requireObject(value: unknown, name: string): Record<string, unknown> {
  const object = optionalObject(value, name)
  if (object === undefined) throw new AuthInvalidCredentialsError(`${name} must be an object`)
  return object
}

export type Contact = { kind: 'email'; email: string } | { kind: 'phone'; phone: string }

/** Exactly one of email and phone, as every GoTrue endpoint that takes both requires. */
export function requireContact(p: { email?: unknown; phone?: unknown }): Contact {
  const hasEmail = p.email !== undefined && p.email !== ''
  const hasPhone = p.phone !== undefined && p.phone !== ''
  if (hasEmail && hasPhone) throw new AuthInvalidCredentialsError('Provide either an email or a phone number, not both')
  if (hasEmail) return { kind: 'email', email: requireString(p.email, 'email') }
  if (hasPhone) return { kind: 'phone', phone: requireString(p.phone, 'phone') }
  throw new AuthInvalidCredentialsError('An email or a phone number is required')
}

/**
 * The contact as the body field GoTrue reads.
 *
 * @example
 * const body = { ...contactField(requireContact(p)), password }   // { email, password } or { phone, password }
 */
export function contactField(contact: Contact): { email: string } | { phone: string } {
  return contact.kind === 'email' ? { email: contact.email } : { phone: contact.phone }
}

/** The SMS delivery channels GoTrue accepts for phone flows. */
export const PHONE_CHANNELS = ['sms', 'whatsapp'] as const

/**
 * `channel` for a phone sign-up or OTP: `sms` unless the caller chose one of {@link PHONE_CHANNELS}.
 *
 * @example
 * phoneChannel(undefined)   // 'sms'
 */
export function phoneChannel(channel: unknown): (typeof PHONE_CHANNELS)[number] {
  return channel === undefined ? 'sms' : requireOneOf(channel, PHONE_CHANNELS, 'channel')
}

/** auth-js always sends captcha this way, even when absent (`{ captcha_token: undefined }` drops out of JSON). */
export function captchaMeta(captchaToken: string | undefined): { captcha_token?: string } {
  return captchaToken === undefined ? {} : { captcha_token: requireString(captchaToken, 'captchaToken') }
}

/**
 * `value` if it is a non-empty string that can be a URL path segment: well-formed text, since a lone surrogate
 * (`'\uD800'`) has no percent-encoding and `encodeURIComponent` throws a `URIError` on it. For ids that are
 * not UUIDs (an OAuth authorization id, an identity id, a custom provider's identifier).
 *
 * @example
 * const id = requirePathText(authorizationId, 'authorizationId')
 */
export function requirePathText(value: unknown, name: string): string {
  const text = requireString(value, name)
  try {
    encodeURIComponent(text)
  } catch {
    throw new AuthInvalidCredentialsError(`${name} must be well-formed text`)
  }
  return text
}

/** Encodes a validated id for use as one URL path segment. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value)
}
