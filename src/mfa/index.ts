/**
 * `supabase-auth-machine/mfa`: the user's second factors (auth-js's `auth.mfa`), in an entry of its own so
 * that the apps without multi-factor sign-in do not carry it. The chart's `mfaChallenge` status and the
 * assurance level in `state.aal` are in the main entry; enrolling, challenging and verifying are here.
 *
 * @example
 * ```ts
 * import { mfa } from 'supabase-auth-machine/mfa'
 * if (auth.snapshot.status === 'mfaChallenge') await mfa(auth).challengeAndVerify({ factorId, code })
 * ```
 * @module
 */
import type { AuthClient } from '../client/auth-client.js'
import type { ClientCore } from '../client/core.js'
import { coreOf } from '../client/core-key.js'
import { MfaApi } from './mfa-api.js'

export { MfaApi, type MfaChallengeResponse, type MfaWebAuthnProof } from './mfa-api.js'
export type { AssuranceLevel, FactorsList } from '../client/types.js'
export type { ChallengeParams, ChallengeResponse, EnrollParams, EnrollResponse, PhoneEnrollResponse, TotpEnrollResponse, WebAuthnEnrollResponse } from '../api/mfa.js'
export type { FactorVerifyWebAuthn, RelyingParty } from '../api/webauthn-wire.js'

const apis = new WeakMap<ClientCore, MfaApi>()

/**
 * The second factors of `auth`'s user: the same object for the same client.
 *
 * @example
 * ```ts
 * const { id, totp } = await mfa(auth).enroll({ factorType: 'totp' })
 * ```
 */
export function mfa(auth: AuthClient): MfaApi {
  const core = coreOf(auth)
  let api = apis.get(core)
  if (api === undefined) {
    api = new MfaApi(core)
    apis.set(core, api)
  }
  return api
}
