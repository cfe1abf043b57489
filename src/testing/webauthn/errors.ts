/**
 * What can go wrong with a WebAuthn response, independent of HTTP: each route words these the way GoTrue
 * does for its own endpoint (MFA verify and the passkey routes disagree on statuses and codes).
 * @module
 */

/** The credential JSON is not a response at all (GoTrue: the go-webauthn parse step failed). */
export class CredentialParseError extends Error {
  override readonly name = 'CredentialParseError'
}

/**
 * A well-formed response that does not verify: wrong origin, RP ID, challenge or type, a bad signature or
 * attestation, an unknown credential, a counter that did not move forward.
 */
export class CredentialRejectedError extends Error {
  override readonly name = 'CredentialRejectedError'
}
