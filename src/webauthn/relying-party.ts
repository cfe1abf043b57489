/**
 * Which relying party a factor ceremony is for. auth-js takes the page's host name and origin when the
 * caller gives none; outside a page there is nothing to take, so the caller must say.
 * @module
 */
import type { RelyingParty } from '../api/webauthn-wire.js'
import { AuthInvalidCredentialsError } from '../errors.js'

/** What the factor methods accept: the relying party and a signal of the caller's own. */
export interface CeremonyParams {
  /** Defaults to the page's `location.hostname`. */
  rpId?: string
  /** Defaults to `[location.origin]`. */
  rpOrigins?: string[]
  /** Cancels the browser prompt; without one, a newer ceremony cancels this one. */
  signal?: AbortSignal
}

/**
 * The relying party given, or the page's.
 *
 * @example
 * const rp = relyingPartyOf({})   // on https://app.example.com: { rpId: 'app.example.com', rpOrigins: ['https://app.example.com'] }
 */
export function relyingPartyOf(params: CeremonyParams | undefined): RelyingParty {
  const location = globalThis.location
  const rpId = params?.rpId ?? location?.hostname
  const rpOrigins = params?.rpOrigins ?? (location === undefined ? undefined : [location.origin])
  if (typeof rpId !== 'string' || rpId.length === 0) throw new AuthInvalidCredentialsError('webauthn.rpId is required outside a browser page')
  return rpOrigins === undefined ? { rpId } : { rpId, rpOrigins }
}
