/**
 * How companion entries (`supabase-auth-machine/identities`) run their calls through a client's chart and
 * session without the client's running parts being part of its public type. As with the transport key,
 * the key comes from `Symbol.for` and the property is non-enumerable.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'
import type { ClientCore } from './core.js'

const CORE = Symbol.for('supabase-auth-machine.core')

/** Records `core` as the running parts of `owner` (a client). */
export function attachCore(owner: object, core: ClientCore): void {
  Object.defineProperty(owner, CORE, { value: core })
}

// Only `attachCore` writes under this key, and only a ClientCore; the entry's own bundle has no copy of the
// class to test with `instanceof`, so the check is by shape.
function isCore(value: unknown): value is ClientCore {
  return typeof value === 'object' && value !== null && 'signIn' in value && 'redirect' in value && 'io' in value
}

/** The running parts of `auth`; anything that is not a client of this package is refused by name. */
export function coreOf(auth: unknown): ClientCore {
  const core: unknown = typeof auth === 'object' && auth !== null ? Reflect.get(auth, CORE) : undefined
  if (!isCore(core)) throw new AuthInvalidCredentialsError('Expected a client made by createAuthClient')
  return core
}
