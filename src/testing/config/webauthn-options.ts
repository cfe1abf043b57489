/**
 * Options for WebAuthn: MFA factors of type `webauthn` and passkey sign-in, named after GoTrue's settings.
 * Both features are off by default, as on GoTrue. Verifying what an authenticator sends needs the optional
 * package `@simplewebauthn/server`; only the routes that verify load it.
 * @module
 */

export interface WebAuthnOptions {
  /**
   * WebAuthn factors may be enrolled, GoTrue `MFA_WEB_AUTHN_ENROLL_ENABLED`; default false. Off,
   * `POST /factors {factor_type:'webauthn'}` answers `422 mfa_webauthn_enroll_not_enabled`.
   *
   * @example
   * const server = await startAuthServer({ mfaWebAuthnEnroll: true, mfaWebAuthnVerify: true, webauthnRpOrigins: ['http://localhost:5173'] })
   */
  mfaWebAuthnEnroll?: boolean
  /**
   * WebAuthn factors may be challenged and verified, GoTrue `MFA_WEB_AUTHN_VERIFY_ENABLED`; default false.
   * Off, a challenge answers `422 mfa_webauthn_verify_not_enabled` and a verify
   * `422 mfa_webauthn_enroll_not_enabled` (GoTrue reports the enrol code there).
   */
  mfaWebAuthnVerify?: boolean
  /**
   * The relying party id, GoTrue `WEBAUTHN_RP_ID`: the domain credentials are scoped to; default
   * `'localhost'`. Options carry it, and authenticator data must hash it.
   */
  webauthnRpId?: string
  /** The relying party name shown by authenticators, GoTrue `WEBAUTHN_RP_DISPLAY_NAME`; default `'Supabase Auth'`. */
  webauthnRpDisplayName?: string
  /**
   * Origins a ceremony may run on, GoTrue `WEBAUTHN_RP_ORIGINS`; default `['http://localhost:3000']`. A
   * response whose `clientDataJSON.origin` is not listed is refused.
   *
   * @example
   * const server = await startAuthServer({ passkeyEnabled: true, webauthnRpOrigins: ['http://localhost:5173'] })
   */
  webauthnRpOrigins?: string[]
  /** Seconds a passkey challenge stays valid, GoTrue `WEBAUTHN_CHALLENGE_EXPIRY_DURATION`; default 300. */
  webauthnChallengeExpiry?: number
  /**
   * Passkey sign-in and passkey management, GoTrue `PASSKEY_ENABLED`; default false. Off, every
   * `/passkeys*` route (and `/admin/users/{id}/passkeys*`) answers `404 passkey_disabled`, and
   * `/settings` reports `passkeys_enabled: false`.
   *
   * @example
   * const server = await startAuthServer({ passkeyEnabled: true, passkeyMaxPerUser: 1 })
   */
  passkeyEnabled?: boolean
  /** Passkeys one user may register, GoTrue `PASSKEY_MAX_PASSKEYS_PER_USER`; default 10. */
  passkeyMaxPerUser?: number
}

export interface WebAuthnConfig {
  mfaWebAuthnEnroll: boolean
  mfaWebAuthnVerify: boolean
  webauthnRpId: string
  webauthnRpDisplayName: string
  webauthnRpOrigins: string[]
  webauthnChallengeExpiry: number
  passkeyEnabled: boolean
  passkeyMaxPerUser: number
}

/**
 * Fills the WebAuthn options with their defaults.
 *
 * @example
 * resolveWebAuthnOptions({ passkeyEnabled: true }).webauthnRpId   // 'localhost'
 */
export function resolveWebAuthnOptions(o: WebAuthnOptions): WebAuthnConfig {
  return {
    mfaWebAuthnEnroll: o.mfaWebAuthnEnroll ?? false,
    mfaWebAuthnVerify: o.mfaWebAuthnVerify ?? false,
    webauthnRpId: o.webauthnRpId ?? 'localhost',
    webauthnRpDisplayName: o.webauthnRpDisplayName ?? 'Supabase Auth',
    webauthnRpOrigins: o.webauthnRpOrigins ?? ['http://localhost:3000'],
    webauthnChallengeExpiry: o.webauthnChallengeExpiry ?? 300,
    passkeyEnabled: o.passkeyEnabled ?? false,
    passkeyMaxPerUser: o.passkeyMaxPerUser ?? 10,
  }
}
