/**
 * Passkeys: signing in with one (no password, no email), registering one for the signed-in user, and
 * managing them. auth-js's `signInWithPasskey`, `registerPasskey` and `auth.passkey`. A passkey sign-in is
 * a sign-in operation of the chart; the browser prompt before it is not, because a passkey prompt (or the
 * autofill of `mediation: 'conditional'`) can stay open for as long as the user leaves it.
 * @module
 */
import * as api from '../api/index.js'
import type { AuthenticationResponseJSON, CreationOptionsJSON, RegistrationResponseJSON, RequestOptionsJSON } from '../api/webauthn-wire.js'
import { requireObject, requireUuid } from '../api/validate.js'
import { AuthInvalidCredentialsError } from '../errors.js'
import type { ClientCore } from '../client/core.js'
import { withSession } from '../client/gateway.js'
import { authResponse } from '../client/responses.js'
import type { AuthResponse } from '../client/types.js'
import type { CallOptions } from '../types.js'
import { createCredential, credentialsOf, getCredential, type CredentialsLike } from './ceremony.js'
import { creationOptionsFromJson, requestOptionsFromJson } from './json.js'

/** A serialized credential (from `navigator.credentials`, through `toJSON` or this entry's ceremony). */
function requireCredential<T extends { id: string; response: object }>(value: T): T {
  const candidate = value as { id?: unknown; response?: unknown } | null | undefined
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string' || typeof candidate.response !== 'object' || candidate.response === null) {
    throw new AuthInvalidCredentialsError('credential must be a serialized WebAuthn credential')
  }
  return value
}

/** Options of a passkey sign-in. */
export interface SignInWithPasskeyOptions {
  captchaToken?: string
  /** Cancels the prompt; without one, a newer ceremony cancels this one. */
  signal?: AbortSignal
  /** `'conditional'`: offer the passkeys in the browser's autofill instead of a modal prompt. */
  mediation?: CredentialMediationRequirement
}

/** `passkey(auth)`: the passkeys of the signed-in user, and the two halves of each ceremony (auth-js's `auth.passkey`). */
export class PasskeyApi {
  readonly #core: ClientCore
  readonly #credentials: CredentialsLike | undefined

  /** @internal Made by `passkey(auth)`. */
  constructor(core: ClientCore, credentials: CredentialsLike | undefined) {
    this.#core = core
    this.#credentials = credentials
  }

  /**
   * Signs in with a passkey: the server's challenge, the browser prompt, then the chart's sign-in.
   * @example const { session } = await passkey(auth).signIn()
   */
  async signIn(options?: SignInWithPasskeyOptions, call?: CallOptions): Promise<AuthResponse> {
    const credentials = credentialsOf(this.#credentials)
    const { challenge_id, options: json } = await this.startAuthentication({ options: { captchaToken: options?.captchaToken } }, call)
    const credential = await getCredential(credentials, requestOptionsFromJson(json), options?.signal, options?.mediation)
    return this.verifyAuthentication({ challengeId: challenge_id, credential }, call)
  }

  /**
   * Registers a new passkey for the signed-in user: the server's options, the browser prompt, the server's check.
   * @example const { id } = await passkey(auth).register()
   */
  async register(options?: { signal?: AbortSignal }, call?: CallOptions): Promise<api.Passkey> {
    const credentials = credentialsOf(this.#credentials)
    const { challenge_id, options: json } = await this.startRegistration(call)
    const credential = await createCredential(credentials, creationOptionsFromJson(json), options?.signal)
    return this.verifyRegistration({ challengeId: challenge_id, credential }, call)
  }

  /** @example const { challenge_id, options } = await passkey(auth).startRegistration() */
  async startRegistration(call?: CallOptions): Promise<api.PasskeyChallenge<CreationOptionsJSON>> {
    return withSession(this.#core, (token) => api.startPasskeyRegistration(this.#core.io.transport, token, call))
  }

  /** @example const created = await passkey(auth).verifyRegistration({ challengeId, credential }) */
  async verifyRegistration(params: { challengeId: string; credential: RegistrationResponseJSON }, call?: CallOptions): Promise<api.Passkey> {
    requireObject(params, 'params')
    const checked = { challengeId: requireUuid(params.challengeId, 'challengeId'), credential: requireCredential(params.credential) }
    return withSession(this.#core, (token) => api.verifyPasskeyRegistration(this.#core.io.transport, token, checked, call))
  }

  /** @example const { challenge_id, options } = await passkey(auth).startAuthentication() */
  async startAuthentication(params?: { options?: { captchaToken?: string } }, call?: CallOptions): Promise<api.PasskeyChallenge<RequestOptionsJSON>> {
    return api.startPasskeySignIn(this.#core.io.transport, { captchaToken: params?.options?.captchaToken }, call)
  }

  /**
   * Trades a passkey's answer for a session: the chart signs in (`SIGNED_IN`).
   * @example const { session } = await passkey(auth).verifyAuthentication({ challengeId, credential })
   */
  async verifyAuthentication(params: { challengeId: string; credential: AuthenticationResponseJSON }, call?: CallOptions): Promise<AuthResponse> {
    requireObject(params, 'params')
    const challengeId = requireUuid(params.challengeId, 'challengeId')
    const request = api.passkeySignInRequest({ challenge_id: challengeId, credential: requireCredential(params.credential) })
    return authResponse(await this.#core.signIn({ kind: 'grant', via: 'passkey', request, options: call }, 'sign in with a passkey'))
  }

  /** @example const passkeys = await passkey(auth).list() */
  async list(call?: CallOptions): Promise<api.Passkey[]> {
    return withSession(this.#core, (token) => api.listPasskeys(this.#core.io.transport, token, call))
  }

  /** Renames a passkey (at most 120 characters). @example await passkey(auth).update({ passkeyId, friendlyName: 'Laptop' }) */
  async update(params: { passkeyId: string; friendlyName: string }, call?: CallOptions): Promise<api.Passkey> {
    requireObject(params, 'params')
    return withSession(this.#core, (token) => api.updatePasskey(this.#core.io.transport, token, params, call))
  }

  /** Deletes a passkey (with MFA on, from an `aal2` session). @example await passkey(auth).delete({ passkeyId }) */
  async delete(params: { passkeyId: string }, call?: CallOptions): Promise<void> {
    requireObject(params, 'params')
    await withSession(this.#core, (token) => api.deletePasskey(this.#core.io.transport, token, params, call))
  }
}
