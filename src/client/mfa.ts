/**
 * `auth.mfa`: enrol, challenge and verify TOTP factors. Verification goes through the chart (it changes
 * the session); the rest are plain calls made with a fresh access token.
 * @module
 */
import * as api from '../api/index.js'
import { requireObject } from '../api/validate.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import type { AMREntry, CallOptions, Factor, TokenResponse } from '../types.js'
import { decodeJwt } from '../jwt/decode.js'
import { currentAal, nextAal } from '../../machines/session-facts.js'
import type { ClientCore } from './core.js'
import type { AssuranceLevel, FactorsList } from './types.js'

export class MfaApi {
  readonly #core: ClientCore

  constructor(core: ClientCore) {
    this.#core = core
  }

  /**
   * Creates an unverified TOTP factor; show `totp.qr_code` (a data URI) and verify a code to finish.
   * @example const { id, totp } = await auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Phone' })
   */
  async enroll(params: api.EnrollParams, options?: CallOptions): Promise<api.EnrollResponse> {
    requireObject(params, 'params')
    const session = await this.#core.requireSession()
    return api.enrollFactor(this.#core.http, session.access_token, params, options)
  }

  /** @example const { id: challengeId } = await auth.mfa.challenge({ factorId }) */
  async challenge(params: { factorId: string; channel?: 'sms' | 'whatsapp' }, options?: CallOptions): Promise<api.ChallengeResponse> {
    requireObject(params, 'params')
    const session = await this.#core.requireSession()
    return api.challengeFactor(this.#core.http, session.access_token, params, options)
  }

  /**
   * Verifies a code against a challenge. The session becomes `aal2`; `MFA_CHALLENGE_VERIFIED` is announced.
   * @example await auth.mfa.verify({ factorId, challengeId, code })
   */
  async verify(params: { factorId: string; challengeId: string; code: string }, options?: CallOptions): Promise<TokenResponse> {
    requireObject(params, 'params')
    if (typeof params.code !== 'string' || params.code === '') throw new AuthInvalidCredentialsError('code is required')
    await this.#core.requireSession()
    return this.#core.command<TokenResponse>({ type: 'VERIFY_MFA', request: { ...params, options } }, 'verify the factor')
  }

  /** Challenge and verify in one go (TOTP). */
  async challengeAndVerify(params: { factorId: string; code: string }, options?: CallOptions): Promise<TokenResponse> {
    requireObject(params, 'params')
    const challenge = await this.challenge({ factorId: params.factorId }, options)
    return this.verify({ factorId: params.factorId, challengeId: challenge.id, code: params.code }, options)
  }

  /** Removes a factor (a verified one needs an `aal2` session), then re-reads the user so the status follows. */
  async unenroll(params: { factorId: string }, options?: CallOptions): Promise<{ id: string }> {
    requireObject(params, 'params')
    const session = await this.#core.requireSession()
    const result = await api.unenrollFactor(this.#core.http, session.access_token, params, options)
    const user = await api.getUser(this.#core.http, session.access_token, options)
    this.#core.actor.send({ type: 'USER_UPDATED', user })
    return result
  }

  /** The user's factors from the server; the per-type lists hold verified factors only (as auth-js). */
  async listFactors(options?: CallOptions): Promise<FactorsList> {
    const session = await this.#core.requireSession()
    const user = await api.getUser(this.#core.http, session.access_token, options)
    const all: Factor[] = user.factors ?? []
    const verified = all.filter((factor) => factor.status === 'verified')
    return {
      all,
      totp: verified.filter((factor) => factor.factor_type === 'totp'),
      phone: verified.filter((factor) => factor.factor_type === 'phone'),
      webauthn: verified.filter((factor) => factor.factor_type === 'webauthn'),
    }
  }

  /** Current and next assurance level, read from the session's token (no request). */
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
