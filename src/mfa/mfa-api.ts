/**
 * The second factors of a client's user: enrol, challenge and verify TOTP, phone and WebAuthn factors (the
 * WebAuthn browser ceremonies are `supabase-auth-machine/webauthn`'s). Verification is an operation of the
 * chart (it changes the session); the rest are calls through the session gateway.
 * @module
 */
import { currentAal, nextAal } from '../../machines/session-facts.js'
import * as api from '../api/index.js'
import { requireObject } from '../api/validate.js'
import { isRecord } from '../http/json.js'
import { decodeJwt } from '../encoding/jwt.js'
import type { AMREntry, CallOptions, Factor, TokenResponse } from '../types.js'
import { mfaVerifyOperation } from '../client/arguments.js'
import type { ClientCore } from '../client/core.js'
import { withSession } from '../client/gateway.js'
import type { AssuranceLevel, FactorsList } from '../client/types.js'
import type { FactorVerifyWebAuthn } from '../api/webauthn-wire.js'
import { authenticationToJson, creationOptionsFromJson, registrationToJson, requestOptionsFromJson } from '../webauthn/json.js'

/** A challenge as auth-js returns it: a WebAuthn factor's options ready for `navigator.credentials`. */
export interface MfaChallengeResponse {
  id: string
  type: string
  /** Unix seconds. */
  expires_at: number
  webauthn?:
    | { type: 'create'; credential_options: { publicKey: PublicKeyCredentialCreationOptions } }
    | { type: 'request'; credential_options: { publicKey: PublicKeyCredentialRequestOptions } }
}

/** What `verify` takes for a WebAuthn factor: the browser's credential itself, or its JSON. */
export type MfaWebAuthnProof = Omit<FactorVerifyWebAuthn, 'credential_response'> & {
  credential_response: FactorVerifyWebAuthn['credential_response'] | PublicKeyCredential
}

/** A credential straight from `navigator.credentials` is serialized; JSON passes as it is. */
function serializedProof(proof: MfaWebAuthnProof): FactorVerifyWebAuthn {
  const response: unknown = (proof as Partial<MfaWebAuthnProof> | null)?.credential_response
  if (typeof response !== 'object' || response === null || typeof (response as PublicKeyCredential).getClientExtensionResults !== 'function') {
    return proof as FactorVerifyWebAuthn
  }
  const credential = response as PublicKeyCredential
  return proof.type === 'create'
    ? { ...proof, type: 'create', credential_response: registrationToJson(credential) }
    : { ...proof, type: 'request', credential_response: authenticationToJson(credential) }
}

function browserReady(challenge: api.ChallengeResponse): MfaChallengeResponse {
  const { webauthn, ...rest } = challenge
  if (webauthn === undefined) return rest
  return webauthn.type === 'create'
    ? { ...rest, webauthn: { type: 'create', credential_options: { publicKey: creationOptionsFromJson(webauthn.credential_options.publicKey) } } }
    : { ...rest, webauthn: { type: 'request', credential_options: { publicKey: requestOptionsFromJson(webauthn.credential_options.publicKey) } } }
}

/** `mfa(auth)`: the second factors of the signed-in user (auth-js's `auth.mfa`). */
export class MfaApi {
  readonly #core: ClientCore

  /** @internal Made by `mfa(auth)`, the way in. */
  constructor(core: ClientCore) {
    this.#core = core
  }

  /**
   * Creates an unverified factor. TOTP: show `totp.qr_code` (a data URI) and verify a code to finish.
   * Phone (E.164): challenge it, then verify the code that came by SMS or WhatsApp. WebAuthn: challenge it,
   * run `navigator.credentials.create`, verify (or all in one: `webauthn(auth).register`).
   * @example const { id, totp } = await mfa(auth).enroll({ factorType: 'totp', friendlyName: 'Phone' })
   * @example const { id } = await mfa(auth).enroll({ factorType: 'phone', phone: '+15550100' })
   */
  async enroll(params: api.EnrollParams, options?: CallOptions): Promise<api.EnrollResponse> {
    requireObject(params, 'params')
    return withSession(this.#core, (token) => api.enrollFactor(this.#core.io.transport, token, params, options))
  }

  /**
   * Starts a challenge; for a phone factor the server sends the code, by `channel` (`'sms'` by default). A
   * WebAuthn factor names its relying party and gets the ceremony's options, ready for `navigator.credentials`.
   * @example const { id: challengeId } = await mfa(auth).challenge({ factorId })
   * @example await mfa(auth).challenge({ factorId, channel: 'whatsapp' })
   * @example const { webauthn } = await mfa(auth).challenge({ factorId, webauthn: { rpId: location.hostname, rpOrigins: [location.origin] } })
   */
  async challenge(params: api.ChallengeParams, options?: CallOptions): Promise<MfaChallengeResponse> {
    requireObject(params, 'params')
    return browserReady(await withSession(this.#core, (token) => api.challengeFactor(this.#core.io.transport, token, params, options)))
  }

  /**
   * Verifies a code, or a WebAuthn credential, against a challenge. The session becomes `aal2`;
   * `MFA_CHALLENGE_VERIFIED` is announced.
   * @example await mfa(auth).verify({ factorId, challengeId, code })
   * @example await mfa(auth).verify({ factorId, challengeId, webauthn: { type: 'request', rpId, rpOrigins, credential_response: credential } })
   */
  async verify(
    params: { factorId: string; challengeId: string } & ({ code: string } | { webauthn: MfaWebAuthnProof }),
    options?: CallOptions,
  ): Promise<TokenResponse> {
    requireObject(params, 'params')
    const proof = 'webauthn' in params ? { webauthn: serializedProof(params.webauthn) } : { code: params.code }
    const operation = mfaVerifyOperation({ factorId: params.factorId, challengeId: params.challengeId, ...proof }, options)
    // Through the session gateway: a token about to expire is refreshed first, so the server sees a live
    // session, and an answer that the session or its user is gone ends the session as any call with it does.
    const { response } = await withSession(this.#core, () => this.#core.verifyMfa(operation))
    return response
  }

  /**
   * Challenge and verify in one go (TOTP only, as in auth-js: a phone code exists only after the challenge).
   * @example await mfa(auth).challengeAndVerify({ factorId, code: '123456' })
   */
  async challengeAndVerify(params: { factorId: string; code: string }, options?: CallOptions): Promise<TokenResponse> {
    requireObject(params, 'params')
    const challenge = await this.challenge({ factorId: params.factorId }, options)
    return this.verify({ factorId: params.factorId, challengeId: challenge.id, code: params.code }, options)
  }

  /**
   * Removes a factor (a verified one needs an `aal2` session), then re-reads the user so the status follows.
   * @example await mfa(auth).unenroll({ factorId })
   */
  async unenroll(params: { factorId: string }, options?: CallOptions): Promise<{ id: string }> {
    requireObject(params, 'params')
    const transport = this.#core.io.transport
    const { result, user } = await withSession(this.#core, async (token) => {
      const result = await api.unenrollFactor(transport, token, params, options)
      return { result, user: await api.getUser(transport, token, options) }
    })
    this.#core.actor.send({ type: 'USER_UPDATED', user })
    return result
  }

  /**
   * The user's factors from the server; the per-type lists hold verified factors only (as auth-js).
   * @example const { totp } = await mfa(auth).listFactors()
   */
  async listFactors(options?: CallOptions): Promise<FactorsList> {
    const user = await withSession(this.#core, (token) => api.getUser(this.#core.io.transport, token, options))
    // `factors` is whatever the server sent: a list is read as far as it holds objects, anything else as none.
    const all: Factor[] = Array.isArray(user.factors) ? user.factors.filter((factor) => isRecord(factor)) : []
    const verified = all.filter((factor) => factor.status === 'verified')
    return {
      all,
      totp: verified.filter((factor) => factor.factor_type === 'totp'),
      phone: verified.filter((factor) => factor.factor_type === 'phone'),
      webauthn: verified.filter((factor) => factor.factor_type === 'webauthn'),
    }
  }

  /**
   * Current and next assurance level, read from the session's token (no request).
   * @example const { currentLevel, nextLevel } = await mfa(auth).getAuthenticatorAssuranceLevel()
   */
  async getAuthenticatorAssuranceLevel(): Promise<AssuranceLevel> {
    const session = await this.#core.getSession()
    if (!session) return { currentLevel: null, nextLevel: null, currentAuthenticationMethods: [] }
    const amr = decodeJwt(session.access_token).payload.amr ?? []
    return {
      currentLevel: currentAal(session),
      nextLevel: nextAal(session),
      currentAuthenticationMethods: amr.filter((entry): entry is AMREntry => typeof entry === 'object'),
    }
  }
}
