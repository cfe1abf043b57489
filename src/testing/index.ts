/**
 * `supabase-auth-machine/testing`: a GoTrue-compatible auth server that runs in-process, for tests and
 * local development. It serves every route under `/auth/v1`, like the Supabase gateway.
 *
 * @example
 * import { startAuthServer } from 'supabase-auth-machine/testing'
 * const server = await startAuthServer({ mailerAutoconfirm: false })
 * const auth = createAuthClient({ url: server.url, apiKey: server.anonKey })
 * await auth.signUp({ email: 'ada@example.com', password: 'correct horse' })
 * const mail = server.outbox.latest('ada@example.com', 'signup')
 * await auth.verifyOtp({ type: 'email', email: 'ada@example.com', token: mail!.otp })
 * await server.close()
 * @module
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createKeySet } from './jwt/keys.js'
import { resolveOptions, type AuthServerOptions } from './config/options.js'
import { createOutbox, type Outbox } from './store/outbox.js'
import { adminLinkRoutes } from './routes/admin-links.js'
import { createOidcIssuer, type OidcControl } from './oidc/issuer.js'
import { createIdentityProvider, type ProviderControl } from './provider/identity-provider.js'
import { adminSsoRoutes } from './routes/admin-sso.js'
import { adminRoutes } from './routes/admin.js'
import { authorizeRoutes } from './routes/authorize.js'
import { callbackRoutes } from './routes/callback.js'
import { adminPasskeyRoutes } from './routes/admin-passkeys.js'
import { adminOAuthClientRoutes } from './routes/admin-oauth-clients.js'
import { manualLinkingDisabledRoutes, passkeysDisabledRoutes, samlDisabledRoutes } from './routes/disabled.js'
import { factorRoutes } from './routes/factors.js'
import { identityRoutes } from './routes/identities.js'
import { idpRoutes } from './routes/idp.js'
import { oauthConsentRoutes } from './routes/oauth-consent.js'
import { oauthServerRoutes } from './routes/oauth-server.js'
import { otpRoutes } from './routes/otp.js'
import { passkeyManageRoutes } from './routes/passkey-manage.js'
import { passkeyCeremonyRoutes } from './routes/passkeys.js'
import { publicRoutes } from './routes/public.js'
import { signupRoutes } from './routes/signup.js'
import { ssoRoutes } from './routes/sso.js'
import { tokenRoutes } from './routes/token.js'
import { userRoutes } from './routes/user.js'
import { verifyRoutes } from './routes/verify.js'
import type { App } from './server/context.js'
import { createFaults, type Faults } from './server/faults.js'
import { createRequestLog, type RequestLog } from './server/request-log.js'
import { BASE_PATH, createDispatcher } from './server/router.js'
import { Store } from './store/store.js'

export type { AuthServerOptions, JwtAlgorithm, ProviderUser } from './config/options.js'
export type { ProviderControl, ProviderError } from './provider/identity-provider.js'
export type { IdTokenClaims, OidcControl } from './oidc/issuer.js'
export { DEFAULT_JWT_SECRET } from './config/options.js'
export type { MessageType, Outbox, OutboxMessage, SendSmsHookPayload } from './store/outbox.js'
export type { WebAuthnOptions } from './config/webauthn-options.js'
export type { Web3Options } from './config/web3-options.js'
export type { OAuthServerOptions } from './config/oauth-server-options.js'
export type { FaultAction, FaultRule, Faults } from './server/faults.js'
export type { RequestFilter, RequestLog, RequestLogEntry } from './server/request-log.js'
export { totpCode } from './crypto/totp.js'

export interface AuthServer {
  /** Base URL including `/auth/v1`, e.g. `http://127.0.0.1:54321/auth/v1`. */
  url: string
  /** HS256 JWT with `role: anon`. */
  anonKey: string
  /** HS256 JWT with `role: service_role` (admin endpoints). */
  serviceRoleKey: string
  jwtSecret: string
  /** Captured emails and SMS. */
  outbox: Outbox
  /** Fault hooks for reliability tests. */
  faults: Faults
  /** Every request seen (CORS preflights excluded). */
  requests: RequestLog
  /**
   * The built-in identity provider every OAuth provider and SSO sign-in goes through: choose who signs in,
   * or make it answer with an error. Its page is `<url>/idp/authorize`.
   *
   * @example
   * server.provider.nextUser({ sub: 'gh-42', email: 'ada@example.com' })
   * const res = await fetch(`${server.url}/authorize?provider=github&redirect_to=http://localhost:3000/cb`, { redirect: 'manual' })
   * // follow Location: the provider page → /callback → http://localhost:3000/cb#access_token=…
   */
  provider: ProviderControl
  /**
   * The local OIDC issuer behind `grant_type=id_token`: mints ID tokens for any provider (JWKS at
   * `<url>/idp/.well-known/jwks.json`, audience the `oauthClientId` option).
   *
   * @example
   * const id_token = await server.oidc.issueIdToken({ sub: 'g-1', email: 'ada@example.com' })
   */
  oidc: OidcControl
  /** Closes the server and every socket, hung requests included; idempotent. */
  close(): Promise<void>
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/**
 * Starts a local auth server on 127.0.0.1.
 *
 * @example
 * const server = await startAuthServer({ refreshTokenReuseInterval: 0 })
 * server.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { status: 503 } })
 */
export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const cfg = resolveOptions(options)
  const keys = await createKeySet(cfg.jwtAlgorithm, cfg.jwtSecret)
  const outbox = createOutbox()
  const faults = createFaults()
  const requests = createRequestLog()
  const idp = createIdentityProvider(cfg.oauthClientId, cfg.oauthUser)
  const oidc = await createOidcIssuer(cfg.oauthClientId, () => cfg.now())
  const app: App = { cfg, store: new Store(() => cfg.now()), keys, outbox, sent: { email: [], sms: [] }, idp, oidc }
  const routes = [
    ...publicRoutes,
    ...authorizeRoutes,
    ...callbackRoutes,
    ...idpRoutes,
    ...(cfg.saml ? [...ssoRoutes, ...adminSsoRoutes] : samlDisabledRoutes),
    ...(cfg.manualLinking ? identityRoutes : manualLinkingDisabledRoutes),
    ...(cfg.passkeyEnabled ? [...passkeyCeremonyRoutes, ...passkeyManageRoutes, ...adminPasskeyRoutes] : passkeysDisabledRoutes),
    ...signupRoutes,
    ...tokenRoutes,
    ...verifyRoutes,
    ...otpRoutes,
    ...userRoutes,
    ...factorRoutes,
    ...adminRoutes,
    ...adminLinkRoutes,
    // Always registered: each answers 404 feature_disabled itself, at the point GoTrue's middleware would.
    ...oauthServerRoutes,
    ...oauthConsentRoutes,
    ...adminOAuthClientRoutes,
  ]
  const dispatcher = createDispatcher(app, routes, faults, requests)
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => dispatcher.handle(req, res))
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const port = await listen(server, cfg.port)
  cfg.url = `http://127.0.0.1:${port}${BASE_PATH}`
  cfg.issuer ||= cfg.url
  idp.baseUrl = cfg.url
  oidc.baseUrl = cfg.url
  let closing: Promise<void> | undefined

  return {
    url: cfg.url,
    anonKey: await keys.apiKey('anon'),
    serviceRoleKey: await keys.apiKey('service_role'),
    jwtSecret: cfg.jwtSecret,
    outbox,
    faults,
    requests,
    provider: idp,
    oidc,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const res of dispatcher.hanging) res.destroy()
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}
