/**
 * Argument checks the admin registries need beyond `validate.ts`: string lists and optional booleans.
 * Like those, they throw {@link AuthInvalidCredentialsError} naming the argument, never its value.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'

/**
 * `value` if it is a non-empty array of strings.
 *
 * @example
 * const uris = requireStringArray(p.redirect_uris, 'redirect_uris')
 */
export function requireStringArray(value: unknown, name: string): string[] {
  const list = optionalStringArray(value, name)
  if (list === undefined || list.length === 0) throw new AuthInvalidCredentialsError(`${name} must be a non-empty array of strings`)
  return list
}

/** An array of strings (possibly empty), or `undefined` when absent. */
export function optionalStringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new AuthInvalidCredentialsError(`${name} must be an array of strings`)
  }
  return [...value]
}

/** A boolean, or `undefined` when absent. */
export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw new AuthInvalidCredentialsError(`${name} must be a boolean`)
  return value
}
