/**
 * WebAuthn factors (contract §4.16, §7): the options a challenge hands out (`create` to register the
 * factor's credential, `request` to use it) and checking the authenticator's response at verify. The
 * routes in `factors.ts` call these for `factor_type: 'webauthn'`; GoTrue ignores the `rpId`/`rpOrigins`
 * auth-js sends along and uses its configured relying party, and so does this.
 * @module
 */
import { obj, str, type Ctx } from '../server/context.js'
import { badRequest, unexpectedFailure, unhandled, unprocessable, type HttpError } from '../server/respond.js'
import type { ChallengeRow, FactorRow, Json, UserRow, WebAuthnCredential } from '../store/records.js'
import { CredentialParseError, CredentialRejectedError } from '../webauthn/errors.js'
import { OptionalPackageMissing } from '../server/optional-package.js'
import { creationOptions, descriptor, newChallenge, relyingParty, requestOptions } from '../webauthn/options.js'
import { parseAssertion, parseRegistration } from '../webauthn/responses.js'
import { verifyAssertion, verifyRegistration } from '../webauthn/verify.js'

/** GoTrue's messages for WebAuthn factors switched off. Verify reports the enrol code, as GoTrue does. */
export const WEBAUTHN_ENROLL_DISABLED = (): HttpError =>
  unprocessable('MFA enroll is disabled for WebAuthn', 'mfa_webauthn_enroll_not_enabled')
export const WEBAUTHN_CHALLENGE_DISABLED = (): HttpError =>
  unprocessable('MFA verification is disabled for WebAuthn', 'mfa_webauthn_verify_not_enabled')
export const WEBAUTHN_VERIFY_DISABLED = (): HttpError =>
  unprocessable('MFA verification is disabled for WebAuthn', 'mfa_webauthn_enroll_not_enabled')

/** The credentials of the user's verified WebAuthn factors (GoTrue `User.WebAuthnCredentials`). */
function factorCredentials(ctx: Ctx, userId: string): WebAuthnCredential[] {
  return ctx.store
    .factorsOf(userId)
    .flatMap((f) => (f.factorType === 'webauthn' && f.status === 'verified' && f.webauthnCredential ? [f.webauthnCredential] : []))
}

/**
 * Starts a ceremony for a WebAuthn factor: registration options while the factor is unverified, assertion
 * options over the user's factor credentials once it is. Returns what the challenge row keeps and the
 * `webauthn` member of the response.
 *
 * @example
 * const { webauthn, body } = startWebAuthnChallenge(ctx, user, factor)
 */
export function startWebAuthnChallenge(ctx: Ctx, user: UserRow, factor: FactorRow): { webauthn: NonNullable<ChallengeRow['webauthn']>; body: Json } {
  ctx.body() // GoTrue decodes a body here, so an empty one is a bad_json error.
  const rp = relyingParty(ctx.cfg)
  const challenge = newChallenge()
  const credentials = factorCredentials(ctx, user.id)
  if (factor.status === 'unverified') {
    // GoTrue's exclusion list names every existing factor credential with transports usb and nfc.
    const exclude = credentials.map((c) => descriptor(c, ['usb', 'nfc']))
    const publicKey = creationOptions(rp, user, challenge, exclude, 'discouraged')
    return { webauthn: { type: 'create', challenge }, body: { type: 'create', credential_options: { publicKey } } }
  }
  const publicKey = requestOptions(rp, challenge, credentials.map((c) => descriptor(c)))
  return { webauthn: { type: 'request', challenge }, body: { type: 'request', credential_options: { publicKey } } }
}

export interface WebAuthnVerifyParams {
  type: 'create' | 'request'
  credentialResponse: unknown
}

/**
 * The `webauthn` member of a verify body, checked in GoTrue's order.
 *
 * @example
 * const params = webauthnVerifyParams(ctx.body())   // { type: 'create', credentialResponse: {…} }
 */
export function webauthnVerifyParams(body: Json): WebAuthnVerifyParams {
  const webauthn = obj(body, 'webauthn')
  if (!webauthn) throw badRequest('WebAuthn config required')
  const type = str(webauthn, 'type')
  if (type !== 'create' && type !== 'request') throw badRequest('WebAuthn type must be create or request')
  if (webauthn.credential_response === undefined) throw badRequest('credential_response required')
  return { type, credentialResponse: webauthn.credential_response }
}

// A failed registration is go-webauthn's own error, which GoTrue answers with its generic 500; a failed
// assertion is wrapped in a 500 with a message.
function refusal(type: WebAuthnVerifyParams['type']): Error {
  return type === 'create' ? unhandled() : unexpectedFailure('Failed to validate WebAuthn MFA response')
}

async function checkCeremony(ctx: Ctx, factor: FactorRow, expected: NonNullable<ChallengeRow['webauthn']>, params: WebAuthnVerifyParams): Promise<void> {
  const rp = relyingParty(ctx.cfg)
  if (params.type === 'create') {
    const parsed = await parseRegistration(params.credentialResponse)
    if (expected.type !== 'create') throw new CredentialRejectedError('the challenge was for an assertion')
    const credential = await verifyRegistration(rp, parsed, expected.challenge)
    if (factor.status === 'unverified') factor.webauthnCredential = credential
    return
  }
  const parsed = await parseAssertion(params.credentialResponse)
  const credential = factorCredentials(ctx, factor.userId).find((c) => c.id === parsed.credentialId)
  if (expected.type !== 'request' || !credential) throw new CredentialRejectedError('unknown credential')
  credential.counter = await verifyAssertion(rp, parsed, expected.challenge, credential)
}

/**
 * Verifies the response against the challenge. On success the challenge is deleted (a replay finds no
 * challenge), a registration stores the credential on the factor and an assertion moves its counter; a
 * failure leaves the challenge for another try, as GoTrue does.
 *
 * @example
 * await checkWebAuthnResponse(ctx, factor, challenge, webauthnVerifyParams(body))
 */
export async function checkWebAuthnResponse(ctx: Ctx, factor: FactorRow, challenge: ChallengeRow, params: WebAuthnVerifyParams): Promise<void> {
  if (!challenge.webauthn) throw unhandled()
  try {
    await checkCeremony(ctx, factor, challenge.webauthn, params)
  } catch (err) {
    if (err instanceof CredentialParseError) throw badRequest('Invalid credential_response')
    if (err instanceof OptionalPackageMissing) throw unexpectedFailure(err.message)
    if (err instanceof CredentialRejectedError) throw refusal(params.type)
    throw err
  }
  ctx.store.challenges.delete(challenge.id)
}
