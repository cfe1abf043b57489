/**
 * Every endpoint the clients call, with the good body GoTrue answers it with. The answer server gives each
 * request its route's good body, except the requests to the route under test, which get the generated
 * answer; so a method that makes several calls (challenge, then verify) reaches the one under test.
 * A new endpoint is a new entry here and a new row in the property file.
 */
import type { JsonValue } from '../arbitraries/answers.js'
import type { RecordedRequest } from '../../support/http-test-server.js'
import {
  CHALLENGE_ID,
  CLIENT_ID,
  creationOptions,
  FACTOR_ID,
  oauthClientBody,
  OTHER_ID,
  passkeyBody,
  requestOptions,
  tokenBody,
  userBody,
  USER_ID,
} from './wire.js'

export interface Route {
  method: string
  path: RegExp
  /** `/token` only: the `grant_type` the request names. */
  grant?: string
  /** The good body; null: an empty one (204-style), which the client must take as success. */
  good: (request: RecordedRequest) => JsonValue | null
}

const factorChallenge = (request: RecordedRequest): JsonValue => {
  // A WebAuthn factor's challenge is asked with a relying party; it answers with the ceremony's options.
  const body = request.body as { webauthn?: unknown } | undefined
  const expires_at = Math.floor(Date.now() / 1000) + 300
  if (body?.webauthn === undefined) return { id: CHALLENGE_ID, type: 'totp', expires_at }
  const create = request.headers['x-test-ceremony'] !== 'request'
  return {
    id: CHALLENGE_ID,
    type: 'webauthn',
    expires_at,
    webauthn: create
      ? { type: 'create', credential_options: { publicKey: creationOptions() } }
      : { type: 'request', credential_options: { publicKey: requestOptions() } },
  }
}

/** The public keys `/.well-known/jwks.json` lists: set by a test that signs its tokens ({@link publishJwks}). */
let publishedKeys: JsonValue[] = []

export function publishJwks(keys: JsonValue[]): void {
  publishedKeys = keys
}

export const ROUTES = {
  tokenPassword: { method: 'POST', path: /^\/token$/, grant: 'password', good: () => tokenBody() },
  tokenRefresh: { method: 'POST', path: /^\/token$/, grant: 'refresh_token', good: () => tokenBody() },
  tokenPkce: { method: 'POST', path: /^\/token$/, grant: 'pkce', good: () => tokenBody() },
  tokenIdToken: { method: 'POST', path: /^\/token$/, grant: 'id_token', good: () => tokenBody() },
  tokenWeb3: { method: 'POST', path: /^\/token$/, grant: 'web3', good: () => tokenBody() },
  signup: { method: 'POST', path: /^\/signup$/, good: () => tokenBody() },
  otp: { method: 'POST', path: /^\/otp$/, good: () => ({}) },
  resend: { method: 'POST', path: /^\/resend$/, good: () => ({ message_id: 'msg-1' }) },
  recover: { method: 'POST', path: /^\/recover$/, good: () => ({}) },
  verify: { method: 'POST', path: /^\/verify$/, good: () => tokenBody() },
  userGet: { method: 'GET', path: /^\/user$/, good: () => userBody() },
  userPut: { method: 'PUT', path: /^\/user$/, good: () => userBody() },
  reauthenticate: { method: 'GET', path: /^\/reauthenticate$/, good: () => ({}) },
  logout: { method: 'POST', path: /^\/logout$/, good: () => null },
  sso: { method: 'POST', path: /^\/sso$/, good: () => ({ url: 'https://idp.example.com/saml?SAMLRequest=abc' }) },
  identityAuthorize: { method: 'GET', path: /^\/user\/identities\/authorize$/, good: () => ({ url: 'https://github.com/login/oauth/authorize?client_id=x' }) },
  identityDelete: { method: 'DELETE', path: /^\/user\/identities\/[^/]+$/, good: () => ({}) },
  factorEnroll: {
    method: 'POST',
    path: /^\/factors$/,
    good: (request) => {
      const type = (request.body as { factor_type?: unknown } | undefined)?.factor_type
      if (type === 'webauthn') return { id: FACTOR_ID, type: 'webauthn', friendly_name: 'Key' }
      return { id: FACTOR_ID, type: 'totp', friendly_name: 'App', totp: { qr_code: '<svg/>', secret: 'JBSWY3DPEHPK3PXP', uri: 'otpauth://totp/x' } }
    },
  },
  factorChallenge: { method: 'POST', path: /^\/factors\/[^/]+\/challenge$/, good: factorChallenge },
  factorVerify: { method: 'POST', path: /^\/factors\/[^/]+\/verify$/, good: () => tokenBody({ aal: 'aal2' }) },
  factorDelete: { method: 'DELETE', path: /^\/factors\/[^/]+$/, good: () => ({ id: FACTOR_ID }) },
  passkeyRegistrationOptions: {
    method: 'POST',
    path: /^\/passkeys\/registration\/options$/,
    good: () => ({ challenge_id: CHALLENGE_ID, options: creationOptions(), expires_at: Math.floor(Date.now() / 1000) + 300 }),
  },
  passkeyRegistrationVerify: { method: 'POST', path: /^\/passkeys\/registration\/verify$/, good: () => passkeyBody() },
  passkeySignInOptions: {
    method: 'POST',
    path: /^\/passkeys\/authentication\/options$/,
    good: () => ({ challenge_id: CHALLENGE_ID, options: requestOptions(), expires_at: Math.floor(Date.now() / 1000) + 300 }),
  },
  passkeySignInVerify: { method: 'POST', path: /^\/passkeys\/authentication\/verify$/, good: () => tokenBody() },
  passkeyList: { method: 'GET', path: /^\/passkeys$/, good: () => [passkeyBody()] },
  passkeyUpdate: { method: 'PATCH', path: /^\/passkeys\/[^/]+$/, good: () => passkeyBody() },
  passkeyDelete: { method: 'DELETE', path: /^\/passkeys\/[^/]+$/, good: () => null },
  oauthAuthorization: {
    method: 'GET',
    path: /^\/oauth\/authorizations\/[^/]+$/,
    good: () => ({
      authorization_id: 'auth-id-1',
      redirect_uri: 'https://app.example.com/cb',
      client: { id: CLIENT_ID, name: 'CLI', uri: 'https://cli.example.com', logo_uri: '' },
      user: { id: USER_ID, email: 'ada@example.com' },
      scope: 'openid email',
    }),
  },
  oauthConsent: { method: 'POST', path: /^\/oauth\/authorizations\/[^/]+\/consent$/, good: () => ({ redirect_url: 'https://app.example.com/cb?code=abc' }) },
  oauthGrants: {
    method: 'GET',
    path: /^\/user\/oauth\/grants$/,
    good: () => [{ client: { id: CLIENT_ID, name: 'CLI' }, scopes: ['openid'], granted_at: '2026-01-01T00:00:00Z' }],
  },
  oauthRevoke: { method: 'DELETE', path: /^\/user\/oauth\/grants$/, good: () => null },
  jwks: { method: 'GET', path: /^\/\.well-known\/jwks\.json$/, good: () => ({ keys: publishedKeys }) },
  adminUsers: { method: 'GET', path: /^\/admin\/users$/, good: () => ({ users: [userBody(), userBody(OTHER_ID)], aud: 'authenticated' }) },
  adminCreateUser: { method: 'POST', path: /^\/admin\/users$/, good: () => userBody(OTHER_ID) },
  adminUser: { method: 'GET', path: /^\/admin\/users\/[^/]+$/, good: () => userBody(OTHER_ID) },
  adminUpdateUser: { method: 'PUT', path: /^\/admin\/users\/[^/]+$/, good: () => userBody(OTHER_ID) },
  adminDeleteUser: { method: 'DELETE', path: /^\/admin\/users\/[^/]+$/, good: () => ({}) },
  adminGenerateLink: {
    method: 'POST',
    path: /^\/admin\/generate_link$/,
    good: () => ({
      ...userBody(OTHER_ID),
      action_link: 'https://example.com/verify?token=abc',
      email_otp: '123456',
      hashed_token: 'hashed',
      redirect_to: 'https://app.example.com',
      verification_type: 'magiclink',
    }),
  },
  adminInvite: { method: 'POST', path: /^\/invite$/, good: () => userBody(OTHER_ID) },
  adminFactors: {
    method: 'GET',
    path: /^\/admin\/users\/[^/]+\/factors$/,
    good: () => [{ id: FACTOR_ID, factor_type: 'totp', status: 'verified', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }],
  },
  adminPasskeys: { method: 'GET', path: /^\/admin\/users\/[^/]+\/passkeys$/, good: () => [passkeyBody()] },
  adminOAuthClients: { method: 'GET', path: /^\/admin\/oauth\/clients$/, good: () => ({ clients: [oauthClientBody()], aud: 'authenticated' }) },
  adminOAuthClient: { method: 'GET', path: /^\/admin\/oauth\/clients\/[^/]+$/, good: () => oauthClientBody() },
  adminSsoProviders: {
    method: 'GET',
    path: /^\/admin\/sso\/providers$/,
    good: () => ({ items: [{ id: OTHER_ID, saml: { entity_id: 'https://idp.example.com', metadata_xml: '<x/>' }, domains: [{ domain: 'acme.com' }] }] }),
  },
} satisfies Record<string, Route>

export type RouteName = keyof typeof ROUTES

/** The route a request is for, most specific first (a grant-bound `/token` route before any other). */
export function routeOf(request: RecordedRequest): RouteName | undefined {
  const grant = request.query.get('grant_type') ?? undefined
  for (const [name, route] of Object.entries(ROUTES) as Array<[RouteName, Route]>) {
    if (route.method !== request.method || !route.path.test(request.path)) continue
    if (route.grant !== undefined && route.grant !== grant) continue
    return name
  }
  return undefined
}
