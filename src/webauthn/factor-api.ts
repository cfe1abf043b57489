/**
 * WebAuthn second factors (security keys, platform authenticators): auth-js's `auth.mfa.webauthn`. The
 * challenge and the browser ceremony run outside the chart; the verify is the chart's `VERIFY_MFA`, so a
 * WebAuthn factor takes the user from `mfaChallenge` to `authenticated` exactly as a TOTP code does.
 * @module
 */
import * as api from '../api/index.js'
import type { CreationOptionsJSON, FactorVerifyWebAuthn, RequestOptionsJSON } from '../api/webauthn-wire.js'
import { mfaVerifyOperation } from '../client/arguments.js'
import type { ClientCore } from '../client/core.js'
import { withSession } from '../client/gateway.js'
import { requireObject } from '../api/validate.js'
import { AuthApiError, isAuthRetryableFetchError } from '../errors.js'
import type { CallOptions, TokenResponse, User } from '../types.js'
import { createCredential, credentialsOf, getCredential, type CredentialsLike } from './ceremony.js'
import { FACTOR_CREATION_DEFAULTS, FACTOR_REQUEST_DEFAULTS, layered } from './defaults.js'
import { creationOptionsFromJson, requestOptionsFromJson } from './json.js'
import { relyingPartyOf, type CeremonyParams } from './relying-party.js'

/** Changes to the browser options of one ceremony, laid over the server's (auth-js's `overrides`). */
export type CeremonyOverrides =
  | { create?: Partial<PublicKeyCredentialCreationOptions>; request?: never }
  | { request?: Partial<PublicKeyCredentialRequestOptions>; create?: never }

/** A challenge answered by the authenticator: pass it to {@link WebAuthnFactorApi.verify}. */
export interface AnsweredChallenge {
  factorId: string
  challengeId: string
  webauthn: Pick<FactorVerifyWebAuthn, 'type' | 'credential_response'>
}

/**
 * auth-js fills a blank `user.name` (the authenticator shows it) with the user id and a readable name.
 */
function namedUser(options: CreationOptionsJSON, friendlyName: string | undefined, user: User | undefined): CreationOptionsJSON {
  if (options.user.name) return options
  const readable = friendlyName || (user?.user_metadata?.['name'] as string | undefined) || user?.email || user?.id || 'User'
  const name = `${options.user.id}:${readable}`
  return { ...options, user: { ...options.user, name, displayName: options.user.displayName || name } }
}

/**
 * True when the failure is certain not to hide a verify that succeeded: the browser refused, or the server
 * answered (GoTrue refuses a key with its own 500). A lost answer (network, timeout) or a gateway's 502–504
 * may hide a success, and that factor is then the user's, so it is kept.
 */
function refusedOutright(error: unknown): boolean {
  if (!isAuthRetryableFetchError(error)) return true
  return error.status === 500
}

/** `webauthn(auth)`: the WebAuthn factors of the signed-in user. */
export class WebAuthnFactorApi {
  readonly #core: ClientCore
  readonly #credentials: CredentialsLike | undefined

  /** @internal Made by `webauthn(auth)`. */
  constructor(core: ClientCore, credentials: CredentialsLike | undefined) {
    this.#core = core
    this.#credentials = credentials
  }

  /**
   * Creates an unverified WebAuthn factor (GoTrue needs `GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED`).
   * @example const { id } = await webauthn(auth).enroll({ friendlyName: 'YubiKey' })
   */
  async enroll(params: { friendlyName?: string }, options?: CallOptions): Promise<api.WebAuthnEnrollResponse> {
    requireObject(params, 'params')
    const response = await withSession(this.#core, (token) =>
      api.enrollFactor(this.#core.io.transport, token, { factorType: 'webauthn', friendlyName: params.friendlyName }, options),
    )
    return response as api.WebAuthnEnrollResponse
  }

  /**
   * Starts a challenge and runs the browser ceremony it asks for: registration for an unverified factor,
   * assertion for a verified one. Resolves with the authenticator's answer, ready for {@link verify}.
   * @example const answered = await webauthn(auth).challenge({ factorId, webauthn: { rpId: location.hostname } })
   */
  async challenge(
    params: { factorId: string; webauthn: CeremonyParams; friendlyName?: string; signal?: AbortSignal },
    overrides?: CeremonyOverrides,
    options?: CallOptions,
  ): Promise<AnsweredChallenge> {
    requireObject(params, 'params')
    const credentials = credentialsOf(this.#credentials)
    const rp = relyingPartyOf(params.webauthn)
    const signal = params.signal ?? params.webauthn?.signal
    const { transport } = this.#core.io
    const { challenge, user } = await withSession(this.#core, async (token, session) => ({
      challenge: await api.challengeFactor(transport, token, { factorId: params.factorId, webauthn: rp }, options),
      user: session.user,
    }))
    const asked = challenge.webauthn
    if (asked === undefined) throw new AuthApiError('The factor is not a WebAuthn factor', 400, 'validation_failed')
    const answered = { factorId: params.factorId, challengeId: challenge.id }
    if (asked.type === 'create') {
      const json = layered<CreationOptionsJSON>(FACTOR_CREATION_DEFAULTS, namedUser(asked.credential_options.publicKey, params.friendlyName, user))
      const publicKey = layered<PublicKeyCredentialCreationOptions>(creationOptionsFromJson(json), overrides?.create)
      return { ...answered, webauthn: { type: 'create', credential_response: await createCredential(credentials, publicKey, signal) } }
    }
    const json = layered<RequestOptionsJSON>(FACTOR_REQUEST_DEFAULTS, asked.credential_options.publicKey)
    const publicKey = layered<PublicKeyCredentialRequestOptions>(requestOptionsFromJson(json), overrides?.request)
    return { ...answered, webauthn: { type: 'request', credential_response: await getCredential(credentials, publicKey, signal) } }
  }

  /**
   * Sends the authenticator's answer. The session becomes `aal2`; `MFA_CHALLENGE_VERIFIED` is announced.
   * @example await webauthn(auth).verify({ factorId, challengeId, webauthn: { ...answered.webauthn, rpId } })
   */
  async verify(params: { factorId: string; challengeId: string; webauthn: FactorVerifyWebAuthn }, options?: CallOptions): Promise<TokenResponse> {
    const operation = mfaVerifyOperation(params, options)
    // Through the session gateway, as `mfa(auth).verify`: an answer that the session is gone ends it.
    const { response } = await withSession(this.#core, () => this.#core.verifyMfa(operation))
    return response
  }

  /**
   * Signs in the second step with a verified factor: challenge, the browser prompt, verify.
   * @example await webauthn(auth).authenticate({ factorId })
   */
  async authenticate(params: { factorId: string; webauthn?: CeremonyParams }, overrides?: Partial<PublicKeyCredentialRequestOptions>, options?: CallOptions): Promise<TokenResponse> {
    requireObject(params, 'params')
    const rp = relyingPartyOf(params.webauthn)
    const answered = await this.challenge({ factorId: params.factorId, webauthn: rp, signal: params.webauthn?.signal }, { request: overrides }, options)
    return this.verify({ ...answered, webauthn: { ...answered.webauthn, ...rp } as FactorVerifyWebAuthn }, options)
  }

  /**
   * Adds a security key (or platform authenticator) as a verified factor: enrol, the browser prompt,
   * verify. If the prompt is cancelled or the server refuses the key, the half-made factor is removed, so
   * trying again with the same name works (auth-js leaves it behind and the retry meets a name conflict).
   * @example await webauthn(auth).register({ friendlyName: 'YubiKey' })
   */
  async register(params: { friendlyName: string; webauthn?: CeremonyParams }, overrides?: Partial<PublicKeyCredentialCreationOptions>, options?: CallOptions): Promise<TokenResponse> {
    requireObject(params, 'params')
    const rp = relyingPartyOf(params.webauthn)
    credentialsOf(this.#credentials)
    const factor = await this.#enrollAfresh(params.friendlyName, options)
    try {
      const answered = await this.challenge(
        { factorId: factor.id, friendlyName: factor.friendly_name, webauthn: rp, signal: params.webauthn?.signal },
        { create: overrides },
        options,
      )
      return await this.verify({ ...answered, webauthn: { ...answered.webauthn, ...rp } as FactorVerifyWebAuthn }, options)
    } catch (error) {
      if (refusedOutright(error)) await this.#discard(factor.id)
      throw error
    }
  }

  /** Enrols; a name taken by an unverified factor (an earlier attempt's leftover) is freed once and retried. */
  async #enrollAfresh(friendlyName: string, options: CallOptions | undefined): Promise<api.WebAuthnEnrollResponse> {
    try {
      return await this.enroll({ friendlyName }, options)
    } catch (error) {
      if (!(error instanceof AuthApiError) || error.code !== 'mfa_factor_name_conflict') throw error
      const user = await withSession(this.#core, (token) => api.getUser(this.#core.io.transport, token, options))
      const leftover = user.factors?.find((f) => f.factor_type === 'webauthn' && f.friendly_name === friendlyName && f.status === 'unverified')
      if (leftover === undefined) throw error
      await this.#discard(leftover.id)
      return this.enroll({ friendlyName }, options)
    }
  }

  /** Best effort: a factor that cannot be removed now expires at the server on its own (unverified). */
  async #discard(factorId: string): Promise<void> {
    await withSession(this.#core, (token) => api.unenrollFactor(this.#core.io.transport, token, { factorId })).catch(() => undefined)
  }
}
