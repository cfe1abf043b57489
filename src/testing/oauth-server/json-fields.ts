/**
 * Reading request bodies the way Go's `encoding/json` fills a struct: absent and `null` members leave the
 * field unset, a member of another JSON type fails the whole decode. The OAuth server's handlers each
 * answer such a failure with their own message, so the failure is a type of its own here.
 * @module
 */
import type { Json } from '../store/records.js'

/** A member whose JSON type does not fit the Go field. */
export class FieldTypeError extends Error {}

/**
 * A string member; `undefined` when absent or `null`.
 *
 * @example
 * stringField({ client_name: 'Acme' }, 'client_name')   // 'Acme'
 */
export function stringField(body: Json, key: string): string | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new FieldTypeError(key)
  return value
}

/**
 * A list-of-strings member; `undefined` when absent or `null`.
 *
 * @example
 * stringListField({ redirect_uris: ['http://localhost:3000/cb'] }, 'redirect_uris')
 */
export function stringListField(body: Json, key: string): string[] | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new FieldTypeError(key)
  return value
}
