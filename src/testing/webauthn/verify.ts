/**
 * Verifying parsed responses against the relying party and the challenge that was handed out, with
 * `@simplewebauthn/server` (attestation formats `none`, `packed`, `fido-u2f` and the rest it knows).
 * User verification is not required, as GoTrue asks for it only as `preferred`.
 * @module
 */
import type { WebAuthnCredential } from '../store/records.js'
import { CredentialRejectedError } from './errors.js'
import { loadSimpleWebAuthn } from './library.js'
import { SUPPORTED_ALGORITHMS, type RelyingParty } from './options.js'
import type { ParsedAssertion, ParsedRegistration } from './responses.js'

// COSE key parameter 3 is the key's algorithm.
const COSE_ALG = 3

function rejected(err: unknown): CredentialRejectedError {
  return new CredentialRejectedError(err instanceof Error ? err.message : String(err))
}

/**
 * Checks a registration: origin, RP ID hash, challenge, user presence, key type and attestation. Returns
 * the credential to store, or throws {@link CredentialRejectedError}.
 *
 * @example
 * const credential = await verifyRegistration(relyingParty(ctx.cfg), await parseRegistration(raw), row.challenge)
 */
export async function verifyRegistration(rp: RelyingParty, parsed: ParsedRegistration, challenge: string): Promise<WebAuthnCredential> {
  const { server, helpers } = await loadSimpleWebAuthn()
  let result: Awaited<ReturnType<typeof server.verifyRegistrationResponse>>
  try {
    result = await server.verifyRegistrationResponse({
      response: parsed.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: false,
      supportedAlgorithmIDs: [...SUPPORTED_ALGORITHMS],
    })
  } catch (err) {
    throw rejected(err)
  }
  if (!result.verified) throw new CredentialRejectedError('attestation did not verify')
  const info = result.registrationInfo
  const alg = helpers.decodeCredentialPublicKey(info.credential.publicKey).get(COSE_ALG)
  return {
    id: info.credential.id,
    publicKey: info.credential.publicKey,
    alg: typeof alg === 'number' ? alg : 0,
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    aaguid: info.aaguid,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
  }
}

/**
 * Checks an assertion made with `credential`: origin, RP ID hash, challenge, user presence, signature,
 * and a signature counter that moved forward (unless both counters are 0, for authenticators that keep
 * none). Returns the new counter, or throws {@link CredentialRejectedError}.
 *
 * @example
 * credential.counter = await verifyAssertion(relyingParty(ctx.cfg), parsed, row.challenge, credential)
 */
export async function verifyAssertion(
  rp: RelyingParty,
  parsed: ParsedAssertion,
  challenge: string,
  credential: WebAuthnCredential,
): Promise<number> {
  if (parsed.credentialId !== credential.id) throw new CredentialRejectedError('response is for another credential')
  const { server } = await loadSimpleWebAuthn()
  let result: Awaited<ReturnType<typeof server.verifyAuthenticationResponse>>
  try {
    result = await server.verifyAuthenticationResponse({
      response: parsed.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: { id: credential.id, publicKey: new Uint8Array(credential.publicKey), counter: credential.counter, transports: credential.transports },
      requireUserVerification: false,
    })
  } catch (err) {
    throw rejected(err)
  }
  if (!result.verified) throw new CredentialRejectedError('signature did not verify')
  return result.authenticationInfo.newCounter
}
