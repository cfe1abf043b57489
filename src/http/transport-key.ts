/**
 * How companion entries (`supabase-auth-machine/jwt`) reach a client's transport without it being part of
 * the client's public type. The key comes from `Symbol.for`, so every bundle holding a copy of this module
 * finds the same property; it is defined non-enumerable, so it shows in no spread, log or type.
 * @module
 */
import type { Http } from './client.js'

const TRANSPORT = Symbol.for('supabase-auth-machine.transport')

/** Records `http` as the transport of `owner` (a client). */
export function attachTransport(owner: object, http: Http): void {
  Object.defineProperty(owner, TRANSPORT, { value: http })
}

/** The transport recorded for `owner`, or undefined when `owner` is not a client of this package. */
export function transportOf(owner: object): Http | undefined {
  const value: unknown = Reflect.get(owner, TRANSPORT)
  return isHttp(value) ? value : undefined
}

function isHttp(value: unknown): value is Http {
  return typeof value === 'object' && value !== null && 'request' in value && typeof value.request === 'function'
}
