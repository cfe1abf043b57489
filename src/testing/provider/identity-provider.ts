/**
 * The built-in identity provider: the "other side" of OAuth and SSO sign-ins. It decides who signs in (a
 * configured user, a per-test one, an error, or a person filling in its form) and hands out one-time codes
 * that the auth server's callback redeems, as a real provider's token endpoint would.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { ProviderUser } from '../config/options.js'
import { builtInIdpMetadata } from './saml-metadata.js'

/** An error the provider answers instead of signing anyone in, e.g. the user pressed "Cancel". */
export interface ProviderError {
  /** OAuth error code, e.g. `access_denied`. */
  error: string
  error_description?: string
}

/**
 * `server.provider`: who the built-in identity provider signs in. Without a user it serves an HTML form
 * (fields `sub`, `email`, `email_verified`, `name`), so a browser test can sign in by hand.
 *
 * @example
 * server.provider.nextUser({ sub: 'gh-42', email: 'ada@example.com', name: 'Ada' })
 * server.provider.nextError({ error: 'access_denied', error_description: 'The user cancelled' })
 */
export interface ProviderControl {
  /** The client id the auth server presents to the provider (the `oauthClientId` option). */
  readonly clientId: string
  /** The provider's sign-in page: `<server url>/idp/authorize`. */
  readonly authorizeUrl: string
  /** Signs in `user` on the next authorization only, ahead of the standing user. */
  nextUser(user: ProviderUser): void
  /** Signs in `user` on every authorization from now on; `null` brings the form back. */
  setUser(user: ProviderUser | null): void
  /** Answers the next authorization with an error; default `access_denied`. */
  nextError(error?: ProviderError): void
  /** Forgets queued users and errors and restores the `oauthUser` option. */
  reset(): void
  /**
   * SAML metadata of this provider under `entityId` (default `<server url>/idp`), to register it as an SSO
   * provider; SSO sign-ins then go through the same page.
   *
   * @example
   * await fetch(`${server.url}/admin/sso/providers`, {
   *   method: 'POST',
   *   headers: { Authorization: `Bearer ${server.serviceRoleKey}` },
   *   body: JSON.stringify({ type: 'saml', metadata_xml: server.provider.samlMetadata('https://idp.acme.test'), domains: ['acme.test'] }),
   * })
   */
  samlMetadata(entityId?: string): string
}

/** What the provider returned for one authorization, redeemable once by its code. */
export type ProviderGrant =
  | { user: ProviderUser; accessToken: string; refreshToken: string }
  | { error: ProviderError }

/** How the provider answers an authorization request right now. */
export type ProviderDecision = { user: ProviderUser } | { error: ProviderError } | { ask: true }

export interface IdentityProvider extends ProviderControl {
  /** The server's `/auth/v1` URL, known once it listens. */
  baseUrl: string
  /** Consumes a queued error or user, else the standing user, else asks. */
  decide(): ProviderDecision
  /** A one-time code for `grant`, valid for ten minutes. */
  issueCode(grant: ProviderGrant, nowMs: number): string
  /** The grant behind `code`, once; `undefined` for unknown, used or stale codes. */
  redeem(code: string, nowMs: number): ProviderGrant | undefined
}

const CODE_TTL_MS = 10 * 60 * 1000

const opaque = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`

/** A provider that signs in `standing` (from the `oauthUser` option) unless told otherwise. */
export function createIdentityProvider(clientId: string, configured: ProviderUser | undefined): IdentityProvider {
  let standing = configured
  let queue: ProviderDecision[] = []
  const codes = new Map<string, { grant: ProviderGrant; expiresAt: number }>()
  return {
    baseUrl: '',
    clientId,
    get authorizeUrl() {
      return `${this.baseUrl}/idp/authorize`
    },
    nextUser(user) {
      queue.push({ user: { ...user } })
    },
    setUser(user) {
      standing = user === null ? undefined : { ...user }
    },
    nextError(error = { error: 'access_denied' }) {
      queue.push({ error: { ...error } })
    },
    reset() {
      queue = []
      standing = configured
    },
    samlMetadata(entityId) {
      return builtInIdpMetadata(entityId ?? `${this.baseUrl}/idp`, this.authorizeUrl)
    },
    decide() {
      const next = queue.shift()
      if (next) return next
      return standing ? { user: standing } : { ask: true }
    },
    issueCode(grant, nowMs) {
      const code = opaque('idp_')
      codes.set(code, { grant, expiresAt: nowMs + CODE_TTL_MS })
      return code
    },
    redeem(code, nowMs) {
      const entry = codes.get(code)
      codes.delete(code)
      return entry && entry.expiresAt > nowMs ? entry.grant : undefined
    },
  }
}

/** Provider access and refresh tokens for a successful sign-in (opaque, like most providers'). */
export function providerTokens(): { accessToken: string; refreshToken: string } {
  return { accessToken: opaque('idp_at_'), refreshToken: opaque('idp_rt_') }
}
