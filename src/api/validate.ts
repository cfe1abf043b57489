/**
 * Argument checks run before any request, so an obvious mistake fails fast and locally with
 * {@link AuthInvalidCredentialsError} instead of a round trip. Messages name the argument, never its value.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthInvalidCredentialsError(`${name} must be a non-empty string`)
  }
  return value
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  return requireString(value, name)
}

export function requireUuid(value: unknown, name: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be a UUID`)
  }
  return value
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be one of: ${allowed.join(', ')}`)
  }
  return value as T
}

export function optionalObject(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthInvalidCredentialsError(`${name} must be an object`)
  }
  return value as Record<string, unknown>
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

/** auth-js always sends captcha this way, even when absent (`{ captcha_token: undefined }` drops out of JSON). */
export function captchaMeta(captchaToken: string | undefined): { captcha_token?: string } {
  return captchaToken === undefined ? {} : { captcha_token: requireString(captchaToken, 'captchaToken') }
}

export function pathSegment(value: string): string {
  return encodeURIComponent(value)
}
