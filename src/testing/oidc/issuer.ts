/**
 * The local OIDC issuer: one RS256 key pair per server, published as a JWKS, that signs the ID tokens tests
 * present to `grant_type=id_token` in place of Google's, Apple's, … — and verifies them there.
 * @module
 */
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose'
import { randomUUID } from 'node:crypto'
import { issuerOf } from './issuers.js'

/** Claims of an ID token minted by {@link OidcControl.issueIdToken}. */
export interface IdTokenClaims {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  /** Becomes the `picture` claim. */
  avatar_url?: string
  /**
   * Copied into the token as is. GoTrue wants the hex SHA-256 of the `nonce` the app sends with the grant,
   * which is what a real provider echoes when the app hands it the hashed nonce.
   */
  nonce?: string
  /** Default the server's `oauthClientId`. */
  aud?: string | string[]
  /** Whose token this plays: its `iss` is that provider's (Google's by default, the local issuer for Keycloak and `custom:`). */
  provider?: string
  /** Overrides `iss` outright, e.g. to test an issuer mismatch. */
  iss?: string
  /** Seconds until `exp`; default 3600. Negative mints an already expired token. */
  expiresIn?: number
}

/**
 * `server.oidc`: mints ID tokens the server accepts, signed with a key published at {@link jwksUrl}.
 *
 * @example
 * const idToken = await server.oidc.issueIdToken({ sub: 'g-1', email: 'ada@example.com', provider: 'google' })
 * await fetch(`${server.url}/token?grant_type=id_token`, {
 *   method: 'POST',
 *   body: JSON.stringify({ provider: 'google', id_token: idToken }),
 * })
 */
export interface OidcControl {
  /** The local issuer, `<server url>/idp` (the `iss` of Keycloak and custom-provider tokens). */
  readonly issuer: string
  /** Its public keys: `<server url>/idp/.well-known/jwks.json`. */
  readonly jwksUrl: string
  /** The audience tokens need (the `oauthClientId` option). */
  readonly clientId: string
  issueIdToken(claims: IdTokenClaims): Promise<string>
}

export interface OidcIssuer extends OidcControl {
  baseUrl: string
  /** The issuer GoTrue expects from `provider`. */
  issuerFor(provider: string): string
  /** Signature and expiry (server clock); throws on either. */
  verify(token: string, nowMs: number): Promise<JWTPayload>
  jwks(): { keys: JWK[] }
}

/** A fresh issuer whose clock is `now` (the server's). */
export async function createOidcIssuer(clientId: string, now: () => number): Promise<OidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomUUID()
  const published: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  const oidc: OidcIssuer = {
    baseUrl: '',
    clientId,
    get issuer() {
      return `${this.baseUrl}/idp`
    },
    get jwksUrl() {
      return `${this.baseUrl}/idp/.well-known/jwks.json`
    },
    issuerFor(provider) {
      return issuerOf(provider, this.issuer)
    },
    issueIdToken(c) {
      const iat = Math.floor(now() / 1000)
      const payload: JWTPayload = { sub: c.sub, aud: c.aud ?? clientId, iat, exp: iat + (c.expiresIn ?? 3600) }
      if (c.email !== undefined) payload.email = c.email
      if (c.email !== undefined || c.email_verified !== undefined) payload.email_verified = c.email_verified ?? true
      if (c.name !== undefined) payload.name = c.name
      if (c.avatar_url !== undefined) payload.picture = c.avatar_url
      if (c.nonce !== undefined) payload.nonce = c.nonce
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setIssuer(c.iss ?? this.issuerFor(c.provider ?? 'google'))
        .sign(privateKey)
    },
    async verify(token, nowMs) {
      const { payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'], currentDate: new Date(nowMs) })
      return payload
    },
    jwks: () => ({ keys: [{ ...published }] }),
  }
  return oidc
}
