/**
 * Arguments (issue 13 §2): any value for every parameter of every public method (the client's, and those of
 * the mfa, webauthn, identities, web3, oauth, jwt and admin entries) either is refused with a typed error
 * before any request (counted at the local auth server) and changes nothing, or makes requests and settles
 * with a result or a typed error. Never a `TypeError` or a plain `Error`, never a throw from an async
 * method, never a retryable "network" error for a request that was never sent, never an unhandled
 * rejection. `test/integration/bad-input.test.ts` pins the cases named by hand; this explores around them.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import { isAuthError } from '../../src/errors.js'
import { getUserIdentities, linkIdentity, signInAnonymously, signInWithIdToken, signInWithSSO, unlinkIdentity } from '../../src/identities/index.js'
import { createAuthClient, memoryStorage, type AuthClient } from '../../src/index.js'
import { getClaims } from '../../src/jwt/index.js'
import { mfa } from '../../src/mfa/index.js'
import { oauth } from '../../src/oauth/index.js'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { signInWithWeb3 } from '../../src/web3/index.js'
import { passkey, registerPasskey, signInWithPasskey, webauthn } from '../../src/webauthn/index.js'
import { callOptions, hostile, parameter } from './arbitraries/argument-values.js'
import { agreeableAuthenticator } from './support/client-rig.js'
import { chartHealth, describe as describeOutcome, isTypedError, settle, watchUnhandledRejections, type Outcome } from './support/invariants.js'
import { propertyRuns, propertyTimeout } from './support/runs.js'
import { accessToken } from './support/wire.js'
import { reauthenticate, resend, resetPasswordForEmail } from '../../src/confirmations/index.js'
import { exchangeCodeForSession, implicitFlow, setSession } from '../../src/handoff/index.js'

const PASSWORD = 'correct-horse-battery'
const UUID = '00000000-0000-4000-8000-000000000000'
const EMAIL = 'ada@example.com'
const REDIRECT = 'http://localhost:3000/welcome'
const CREDENTIAL = {
  id: 'Y3JlZGVudGlhbA',
  rawId: 'Y3JlZGVudGlhbA',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'ZGF0YQ', signature: 'c2ln', attestationObject: 'YXR0' },
  clientExtensionResults: {},
}
/** Longest a call may take: a few requests and, for a ceremony, the authenticator's answer. */
const CALL_BOUND_MS = 8_000

interface Row {
  name: string
  /** Each parameter's values, in order. */
  params: Array<fc.Arbitrary<unknown>>
  call(auth: AuthClient, args: unknown[]): unknown
  /** A synchronous function: refusing by a typed throw is its way. */
  sync?: true
}

const row = (name: string, params: Array<fc.Arbitrary<unknown>>, call: Row['call'], sync?: true): Row => (sync ? { name, params, call, sync } : { name, params, call })
/** An argument the signature types, passed whatever it is. */
const as = <T,>(value: unknown): T => value as T

const clientRows: Row[] = [
  row('signUp', [parameter({ email: EMAIL, password: PASSWORD, options: { emailRedirectTo: REDIRECT, data: { plan: 'free' }, captchaToken: 't' } }), callOptions], (a, [c, o]) => a.signUp(as(c), as(o))),
  row('signUp (phone)', [parameter({ phone: '+15550100', password: PASSWORD, options: { channel: 'whatsapp', data: {} } }), callOptions], (a, [c, o]) => a.signUp(as(c), as(o))),
  row('signInWithPassword', [parameter({ email: EMAIL, password: PASSWORD, options: { captchaToken: 't' } }), callOptions], (a, [c, o]) => a.signInWithPassword(as(c), as(o))),
  row('signInAnonymously', [parameter({ options: { data: { theme: 'dark' }, captchaToken: 't' } }), callOptions], (a, [c, o]) => signInAnonymously(a, as(c), as(o))),
  row('signInWithOtp', [parameter({ email: EMAIL, options: { emailRedirectTo: REDIRECT, shouldCreateUser: false, data: {}, captchaToken: 't' } }), callOptions], (a, [c, o]) => a.signInWithOtp(as(c), as(o))),
  row('signInWithOtp (phone)', [parameter({ phone: '+15550100', options: { channel: 'sms', shouldCreateUser: false } }), callOptions], (a, [c, o]) => a.signInWithOtp(as(c), as(o))),
  row('verifyOtp', [parameter({ email: EMAIL, token: '123456', type: 'email', options: { redirectTo: REDIRECT, captchaToken: 't' } }), callOptions], (a, [p, o]) => a.verifyOtp(as(p), as(o))),
  row('verifyOtp (token hash)', [parameter({ token_hash: 'pkce_abc', type: 'recovery' }), callOptions], (a, [p, o]) => a.verifyOtp(as(p), as(o))),
  row('setSession', [parameter({ access_token: accessToken(), refresh_token: 'refresh-token' }), callOptions], (a, [t, o]) => setSession(a, as(t), as(o))),
  row('refreshSession', [parameter({ refresh_token: 'refresh-token' }), callOptions], (a, [c, o]) => a.refreshSession(as(c), as(o))),
  row('signInWithOAuth', [parameter({ provider: 'github', options: { redirectTo: REDIRECT, scopes: 'repo', queryParams: { prompt: 'consent' }, skipBrowserRedirect: true } }), callOptions], (a, [c, o]) => a.signInWithOAuth(as(c), as(o))),
  row('exchangeCodeForSession', [parameter('auth-code'), parameter({ flowId: '0123456789abcdef', timeout: 5_000 })], (a, [c, o]) => exchangeCodeForSession(a, as(c), as(o))),
  row('getSession', [], (a) => a.getSession()),
  row('getUser', [parameter(accessToken()), callOptions], (a, [j, o]) => a.getUser(as(j), as(o))),
  row('updateUser', [parameter({ data: { name: 'Ada' }, email: 'new@example.com', phone: '+15550101', nonce: '123456' }), parameter({ emailRedirectTo: REDIRECT, timeout: 5_000 })], (a, [u, o]) => a.updateUser(as(u), as(o))),
  row('resetPasswordForEmail', [parameter(EMAIL), parameter({ redirectTo: REDIRECT, captchaToken: 't' }), callOptions], (a, [e, p, o]) => resetPasswordForEmail(a, as(e), as(p), as(o))),
  row('resend', [parameter({ type: 'signup', email: EMAIL, options: { emailRedirectTo: REDIRECT, captchaToken: 't' } }), callOptions], (a, [p, o]) => resend(a, as(p), as(o))),
  row('reauthenticate', [callOptions], (a, [o]) => reauthenticate(a, as(o))),
  row('signOut', [parameter({ scope: 'local' }), callOptions], (a, [p, o]) => a.signOut(as(p), as(o))),
  row('onAuthStateChange', [fc.oneof(hostile, fc.constant(() => undefined))], (a, [f]) => a.onAuthStateChange(as(f)).data.subscription.unsubscribe(), true),
  // supabase-auth-machine/mfa
  row('mfa.enroll', [parameter({ factorType: 'totp', friendlyName: 'App', issuer: 'Example' }), callOptions], (a, [p, o]) => mfa(a).enroll(as(p), as(o))),
  row('mfa.challenge', [parameter({ factorId: UUID, channel: 'sms', webauthn: { rpId: 'example.com', rpOrigins: ['https://example.com'] } }), callOptions], (a, [p, o]) => mfa(a).challenge(as(p), as(o))),
  row('mfa.verify', [parameter({ factorId: UUID, challengeId: UUID, code: '123456' }), callOptions], (a, [p, o]) => mfa(a).verify(as(p), as(o))),
  row('mfa.verify (webauthn)', [parameter({ factorId: UUID, challengeId: UUID, webauthn: { type: 'request', rpId: 'example.com', rpOrigins: ['https://example.com'], credential_response: CREDENTIAL } }), callOptions], (a, [p, o]) => mfa(a).verify(as(p), as(o))),
  row('mfa.challengeAndVerify', [parameter({ factorId: UUID, code: '123456' }), callOptions], (a, [p, o]) => mfa(a).challengeAndVerify(as(p), as(o))),
  row('mfa.unenroll', [parameter({ factorId: UUID }), callOptions], (a, [p, o]) => mfa(a).unenroll(as(p), as(o))),
  row('mfa.listFactors', [callOptions], (a, [o]) => mfa(a).listFactors(as(o))),
  row('mfa(anything)', [hostile], (_a, [client]) => mfa(as(client)), true),
  // supabase-auth-machine/webauthn
  row('passkey.signIn', [parameter({ credentials: agreeableAuthenticator }), parameter({ captchaToken: 't', mediation: 'optional' }), callOptions], (a, [w, p, o]) => passkey(a, as(w)).signIn(as(p), as(o))),
  row('passkey.register', [parameter({ credentials: agreeableAuthenticator }), parameter({ signal: new AbortController().signal }), callOptions], (a, [w, p, o]) => passkey(a, as(w)).register(as(p), as(o))),
  row('passkey.verifyRegistration', [parameter({ challengeId: UUID, credential: CREDENTIAL }), callOptions], (a, [p, o]) => passkey(a).verifyRegistration(as(p), as(o))),
  row('passkey.startAuthentication', [parameter({ options: { captchaToken: 't' } }), callOptions], (a, [p, o]) => passkey(a).startAuthentication(as(p), as(o))),
  row('passkey.verifyAuthentication', [parameter({ challengeId: UUID, credential: CREDENTIAL }), callOptions], (a, [p, o]) => passkey(a).verifyAuthentication(as(p), as(o))),
  row('passkey.update', [parameter({ passkeyId: UUID, friendlyName: 'Laptop' }), callOptions], (a, [p, o]) => passkey(a).update(as(p), as(o))),
  row('passkey.delete', [parameter({ passkeyId: UUID }), callOptions], (a, [p, o]) => passkey(a).delete(as(p), as(o))),
  row('signInWithPasskey', [parameter({ options: { credentials: agreeableAuthenticator, captchaToken: 't' } })], (a, [p]) => signInWithPasskey(a, as(p))),
  row('registerPasskey', [parameter({ options: { credentials: agreeableAuthenticator } })], (a, [p]) => registerPasskey(a, as(p))),
  row('webauthn.enroll', [parameter({ friendlyName: 'Key' }), callOptions], (a, [p, o]) => webauthn(a).enroll(as(p), as(o))),
  row('webauthn.challenge', [parameter({ factorId: UUID, webauthn: { rpId: 'example.com', rpOrigins: ['https://example.com'] }, friendlyName: 'Key' }), parameter({ request: { timeout: 1_000 } }), callOptions], (a, [p, v, o]) => webauthn(a, { credentials: agreeableAuthenticator }).challenge(as(p), as(v), as(o))),
  row('webauthn.verify', [parameter({ factorId: UUID, challengeId: UUID, webauthn: { type: 'create', rpId: 'example.com', credential_response: CREDENTIAL } }), callOptions], (a, [p, o]) => webauthn(a).verify(as(p), as(o))),
  row('webauthn.authenticate', [parameter({ factorId: UUID, webauthn: { rpId: 'example.com' } }), parameter({ timeout: 1_000 }), callOptions], (a, [p, v, o]) => webauthn(a, { credentials: agreeableAuthenticator }).authenticate(as(p), as(v), as(o))),
  row('webauthn.register', [parameter({ friendlyName: 'Key', webauthn: { rpId: 'example.com', rpOrigins: ['https://example.com'] } }), parameter({ timeout: 1_000 }), callOptions], (a, [p, v, o]) => webauthn(a, { credentials: agreeableAuthenticator }).register(as(p), as(v), as(o))),
  // supabase-auth-machine/identities
  row('signInWithSSO', [parameter({ domain: 'acme.com', options: { redirectTo: REDIRECT, captchaToken: 't', skipBrowserRedirect: true } }), callOptions], (a, [p, o]) => signInWithSSO(a, as(p), as(o))),
  row('signInWithSSO (provider id)', [parameter({ providerId: UUID, options: { skipBrowserRedirect: true } }), callOptions], (a, [p, o]) => signInWithSSO(a, as(p), as(o))),
  row('signInWithIdToken', [parameter({ provider: 'google', token: 'x.y.z', access_token: 'at', nonce: 'n', options: { captchaToken: 't' } }), callOptions], (a, [c, o]) => signInWithIdToken(a, as(c), as(o))),
  row('linkIdentity (OAuth)', [parameter({ provider: 'github', options: { redirectTo: REDIRECT, scopes: 'repo', skipBrowserRedirect: true } }), callOptions], (a, [c, o]) => linkIdentity(a, as(c), as(o))),
  row('linkIdentity (ID token)', [parameter({ provider: 'google', token: 'x.y.z' }), callOptions], (a, [c, o]) => linkIdentity(a, as(c), as(o))),
  row('unlinkIdentity', [parameter({ identity_id: UUID, id: UUID, user_id: UUID, provider: 'github', identity_data: {} }), callOptions], (a, [i, o]) => unlinkIdentity(a, as(i), as(o))),
  row('getUserIdentities', [callOptions], (a, [o]) => getUserIdentities(a, as(o))),
  row('companion entries given anything for the client', [hostile], (_a, [client]) => signInWithSSO(as(client), { domain: 'acme.com' })),
  // supabase-auth-machine/web3, /oauth, /jwt
  row('signInWithWeb3 (signed)', [parameter({ chain: 'ethereum', message: 'example.com wants you to sign in', signature: '0xabcdef', options: { captchaToken: 't' } }), callOptions], (a, [c, o]) => signInWithWeb3(a, as(c), as(o))),
  row('signInWithWeb3 (solana)', [parameter({ chain: 'solana', message: 'example.com wants you to sign in', signature: new Uint8Array([1, 2, 3]) }), callOptions], (a, [c, o]) => signInWithWeb3(a, as(c), as(o))),
  row('oauth.getAuthorizationDetails', [parameter('authorization-id'), callOptions], (a, [i, o]) => oauth(a).getAuthorizationDetails(as(i), as(o))),
  row('oauth.approveAuthorization', [parameter('authorization-id'), parameter({ skipBrowserRedirect: true, timeout: 5_000 })], (a, [i, o]) => oauth(a).approveAuthorization(as(i), as(o))),
  row('oauth.denyAuthorization', [parameter('authorization-id'), parameter({ skipBrowserRedirect: true })], (a, [i, o]) => oauth(a).denyAuthorization(as(i), as(o))),
  row('oauth.listGrants', [callOptions], (a, [o]) => oauth(a).listGrants(as(o))),
  row('oauth.revokeGrant', [parameter({ clientId: UUID }), callOptions], (a, [p, o]) => oauth(a).revokeGrant(as(p), as(o))),
  row(
    'createAuthClient',
    [parameter({ url: 'http://127.0.0.1:9/auth/v1', apiKey: 'anon', storageKey: 'sb-x-auth-token', timeout: 1_000, flowType: implicitFlow, persistSession: false, autoRefreshToken: false, headers: { 'x-app': 'a' }, detectSessionInUrl: true, pageUrl: 'http://localhost:3000/#access_token=a&refresh_token=b&expires_in=3600&token_type=bearer' })],
    async (_a, [options]) => {
      const client = createAuthClient(as(options))
      try {
        await client.ready
        // Started whatever the options: its chart alive and in a status (a plain Error here fails the property).
        const health = chartHealth(client)
        if (health !== null) throw new Error(health)
      } finally {
        client.dispose()
      }
    },
  ),
  row('getClaims', [parameter(accessToken()), parameter({ allowExpired: true, now: Date.now(), timeout: 5_000 })], (a, [j, o]) => getClaims(a, as(j), as(o))),
]

interface AdminRow {
  name: string
  params: Array<fc.Arbitrary<unknown>>
  call(admin: AdminClient, args: unknown[]): unknown
  /**
   * The server may answer 500 to a request made of these arguments: GoTrue answers metadata XML it cannot
   * parse with a bare 500, and the local server does the same.
   */
  serverMay500?: true
}

const adminRow = (name: string, params: Array<fc.Arbitrary<unknown>>, call: AdminRow['call'], serverMay500?: true): AdminRow =>
  serverMay500 ? { name, params, call, serverMay500 } : { name, params, call }

/** IdP metadata as the local server (and GoTrue) reads it: an entity id and one IdP descriptor. */
const METADATA_XML = '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/metadata"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>'

const adminRows: AdminRow[] = [
  adminRow('admin.listUsers', [parameter({ page: 1, perPage: 50 }), callOptions], (a, [p, o]) => a.listUsers(as(p), as(o))),
  adminRow('admin.createUser', [parameter({ email: EMAIL, password: PASSWORD, email_confirm: true, user_metadata: { a: 1 }, app_metadata: {}, id: UUID }), callOptions], (a, [p, o]) => a.createUser(as(p), as(o))),
  adminRow('admin.getUserById', [parameter(UUID), callOptions], (a, [i, o]) => a.getUserById(as(i), as(o))),
  adminRow('admin.updateUserById', [parameter(UUID), parameter({ email: 'b@example.com', ban_duration: '1h', user_metadata: {} }), callOptions], (a, [i, p, o]) => a.updateUserById(as(i), as(p), as(o))),
  adminRow('admin.deleteUser', [parameter(UUID), parameter(false), callOptions], (a, [i, s, o]) => a.deleteUser(as(i), as(s), as(o))),
  adminRow('admin.generateLink', [parameter({ type: 'magiclink', email: EMAIL, options: { redirectTo: REDIRECT, data: { a: 1 } } }), callOptions], (a, [p, o]) => a.generateLink(as(p), as(o))),
  adminRow('admin.generateLink (email change)', [parameter({ type: 'email_change_new', email: EMAIL, newEmail: 'new@example.com' }), callOptions], (a, [p, o]) => a.generateLink(as(p), as(o))),
  adminRow('admin.inviteUserByEmail', [parameter(EMAIL), parameter({ data: { a: 1 }, redirectTo: REDIRECT }), callOptions], (a, [e, p, o]) => a.inviteUserByEmail(as(e), as(p), as(o))),
  adminRow('admin.signOut', [parameter(accessToken()), parameter('global'), callOptions], (a, [j, s, o]) => a.signOut(as(j), as(s), as(o))),
  adminRow('admin.mfa.listFactors', [parameter({ userId: UUID }), callOptions], (a, [p, o]) => a.mfa.listFactors(as(p), as(o))),
  adminRow('admin.mfa.deleteFactor', [parameter({ id: UUID, userId: UUID }), callOptions], (a, [p, o]) => a.mfa.deleteFactor(as(p), as(o))),
  adminRow('admin.passkey.listPasskeys', [parameter({ userId: UUID }), callOptions], (a, [p, o]) => a.passkey.listPasskeys(as(p), as(o))),
  adminRow('admin.passkey.deletePasskey', [parameter({ userId: UUID, passkeyId: UUID }), callOptions], (a, [p, o]) => a.passkey.deletePasskey(as(p), as(o))),
  adminRow('admin.oauth.listClients', [parameter({ page: 1, perPage: 20 }), callOptions], (a, [p, o]) => a.oauth.listClients(as(p), as(o))),
  adminRow('admin.oauth.createClient', [parameter({ client_name: 'CLI', redirect_uris: ['http://localhost:8976/cb'], grant_types: ['authorization_code'], scope: 'openid' }), callOptions], (a, [p, o]) => a.oauth.createClient(as(p), as(o))),
  adminRow('admin.oauth.getClient', [parameter(UUID), callOptions], (a, [i, o]) => a.oauth.getClient(as(i), as(o))),
  adminRow('admin.oauth.updateClient', [parameter(UUID), parameter({ client_name: 'CLI 2', redirect_uris: ['https://app.example.com/cb'] }), callOptions], (a, [i, p, o]) => a.oauth.updateClient(as(i), as(p), as(o))),
  adminRow('admin.oauth.deleteClient', [parameter(UUID), callOptions], (a, [i, o]) => a.oauth.deleteClient(as(i), as(o))),
  adminRow('admin.oauth.regenerateClientSecret', [parameter(UUID), callOptions], (a, [i, o]) => a.oauth.regenerateClientSecret(as(i), as(o))),
  adminRow('admin.sso.listProviders', [callOptions], (a, [o]) => a.sso.listProviders(as(o))),
  adminRow('admin.sso.createProvider', [parameter({ type: 'saml', metadata_xml: METADATA_XML, domains: ['acme.com'], attribute_mapping: { keys: {} } }), callOptions], (a, [p, o]) => a.sso.createProvider(as(p), as(o)), true),
  adminRow('admin.sso.getProvider', [parameter(UUID), callOptions], (a, [i, o]) => a.sso.getProvider(as(i), as(o))),
  adminRow('admin.sso.updateProvider', [parameter(UUID), parameter({ domains: ['acme.org'], metadata_xml: METADATA_XML }), callOptions], (a, [i, p, o]) => a.sso.updateProvider(as(i), as(p), as(o)), true),
  adminRow('admin.sso.deleteProvider', [parameter(UUID), callOptions], (a, [i, o]) => a.sso.deleteProvider(as(i), as(o))),
  adminRow('admin.customProviders.listProviders', [parameter({ type: 'oidc' }), callOptions], (a, [p, o]) => a.customProviders.listProviders(as(p), as(o))),
  adminRow('admin.customProviders.createProvider', [parameter({ provider_type: 'oidc', identifier: 'custom:acme', name: 'Acme', client_id: 'id', client_secret: 'secret', issuer: 'https://idp.example.com' }), callOptions], (a, [p, o]) => a.customProviders.createProvider(as(p), as(o))),
  adminRow('admin.customProviders.getProvider', [parameter('custom:acme'), callOptions], (a, [i, o]) => a.customProviders.getProvider(as(i), as(o))),
  adminRow('admin.customProviders.updateProvider', [parameter('custom:acme'), parameter({ name: 'Acme 2' }), callOptions], (a, [i, p, o]) => a.customProviders.updateProvider(as(i), as(p), as(o))),
  adminRow('admin.customProviders.deleteProvider', [parameter('custom:acme'), callOptions], (a, [i, o]) => a.customProviders.deleteProvider(as(i), as(o))),
]

let server: AuthServer
const unhandled = watchUnhandledRejections()
let users = 0

beforeAll(async () => {
  server = await startAuthServer({
    mfaWebAuthnEnroll: true,
    mfaWebAuthnVerify: true,
    passkeyEnabled: true,
    webauthnRpId: 'example.com',
    webauthnRpOrigins: ['https://example.com'],
    oauthServer: true,
    saml: true,
    manualLinking: true,
    web3Ethereum: true,
    web3Solana: true,
  })
})
afterAll(async () => {
  unhandled.stop()
  await server?.close()
})

/**
 * A client signed in as a user of its own, so only the arguments can be at fault and no run can spoil the
 * next. Anonymous: a password user costs the local server two scrypt hashes a run.
 */
async function signedInClient(): Promise<AuthClient> {
  users += 1
  const auth = createAuthClient({ url: server.url, apiKey: server.anonKey, storage: memoryStorage(), storageKey: `sb-arguments-${users}`, timeout: 5_000 })
  await signInAnonymously(auth)
  return auth
}

/**
 * The outcome's verdict: the error is one of the library's; a refusal of the arguments sent nothing; an
 * error that says "the network failed" comes from a request that was sent; a sync function refuses by a
 * typed throw, an async one never throws.
 */
function checkOutcome(outcome: Outcome, requests: number, sync: boolean, what: string): void {
  expect(outcome.kind, what).not.toBe('unsettled')
  if (!sync) expect(outcome.kind, what).not.toBe('thrown')
  if (outcome.kind !== 'rejected' && outcome.kind !== 'thrown') return
  expect(isTypedError(outcome.error), what).toBe(true)
  if (!isAuthError(outcome.error)) return
  if (outcome.error.name === 'AuthInvalidCredentialsError') expect(requests, `${what}: refused arguments, yet sent requests`).toBe(0)
  // (A timeout may fire before the server logs the request: a caller's `timeout: 1.5` is one.)
  if (outcome.error.code === 'network_error') expect(requests, `${what}: a network error for a request never sent`).toBeGreaterThan(0)
}

/** The local server's answers: none may be a 5xx (a request it could not make sense of is a 4xx). */
function serverFailures(): string[] {
  return server.requests.all().filter((entry) => entry.status >= 500).map((entry) => `${entry.method} ${entry.path} → ${entry.status}`)
}

function show(args: unknown[]): string {
  return fc.stringify(args).slice(0, 400)
}

describe('arguments of the client and its companion entries', () => {
  for (const { name, params, call, sync } of clientRows) {
    it(`${name}: any arguments are refused typed before any request, or make requests that settle typed`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...params), async (args) => {
          const auth = await signedInClient()
          server.requests.clear()
          const before = auth.snapshot
          try {
            const outcome = await settle(() => call(auth, args), CALL_BOUND_MS)
            const requests = server.requests.count()
            const what = `${name}(${show(args)}) → ${describeOutcome(outcome)} after ${requests} requests`
            checkOutcome(outcome, requests, sync === true, what)
            // Refused locally: the state has not moved.
            if (requests === 0 && outcome.kind !== 'resolved') {
              expect(auth.snapshot.status, what).toBe(before.status)
              expect(auth.snapshot.session, what).toBe(before.session)
            }
            expect(serverFailures(), what).toEqual([])
            await new Promise((resolve) => setImmediate(resolve))
            expect(unhandled.seen.map(String), what).toEqual([])
          } finally {
            auth.dispose()
            unhandled.seen.length = 0
          }
        }),
        propertyRuns(`arguments: ${name}`),
      )
    }, propertyTimeout(300))
  }
})

describe('arguments of the admin client', () => {
  for (const { name, params, call, serverMay500 } of adminRows) {
    it(`${name}: any arguments are refused typed before any request, or make requests that settle typed`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...params), async (args) => {
          server.requests.clear()
          const client = createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey, timeout: 5_000, retry: false })
          try {
            const outcome = await settle(() => call(client, args), CALL_BOUND_MS)
            const requests = server.requests.count()
            const what = `${name}(${show(args)}) → ${describeOutcome(outcome)} after ${requests} requests`
            checkOutcome(outcome, requests, false, what)
            if (!serverMay500) expect(serverFailures(), what).toEqual([])
            await new Promise((resolve) => setImmediate(resolve))
            expect(unhandled.seen.map(String), what).toEqual([])
          } finally {
            unhandled.seen.length = 0
          }
        }),
        propertyRuns(`arguments: ${name}`),
      )
    }, propertyTimeout(300))
  }
})
