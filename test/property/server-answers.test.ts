/**
 * Server answers (issue 13 §2): for every endpoint the clients call, any status × body × headers (and no
 * answer at all) leaves the client sound. Each row is one call made by a signed-in client whose server
 * answers that call's request with the generated answer (and every other request well). Invariants:
 * - the call settles, with its data or a typed `AuthError` (never a `TypeError`, never a hang);
 * - a good body on a 200 is accepted;
 * - the session ends exactly when the answer is terminal for the call (`support/oracle.ts`): once, with a
 *   reason; a non-terminal answer (5xx, 429, garbage, a cut connection) never ends it;
 * - no error message quotes a token, password or key the request carried, even when the server echoes it;
 * - the chart is alive, at rest in one of its statuses, and nothing was rejected unhandled.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearJwksCache, getClaims } from '../../src/jwt/index.js'
import { mfa } from '../../src/mfa/index.js'
import { getUserIdentities, linkIdentity, signInAnonymously, signInWithIdToken, signInWithSSO, unlinkIdentity } from '../../src/identities/index.js'
import { oauth } from '../../src/oauth/index.js'
import { passkey, webauthn } from '../../src/webauthn/index.js'
import { signInWithWeb3 } from '../../src/web3/index.js'
import type { AuthClient } from '../../src/index.js'
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import { answer as anyAnswer, isGood, type Answer } from './arbitraries/answers.js'
import { startAnswerServer, type AnswerServer, secretsOf } from './support/answer-server.js'
import { agreeableAuthenticator, HANG_TIMEOUT_MS, REQUEST_TIMEOUT_MS, startRig, type RigOptions } from './support/client-rig.js'
import { atRest, chartHealth, describe as describeOutcome, isTypedError, leakedSecrets, settle, SIGNED_IN, watchUnhandledRejections } from './support/invariants.js'
import { endsSession, type SessionEffect } from './support/oracle.js'
import { publishJwks, type RouteName } from './support/routes.js'
import { propertyRuns, propertyTimeout } from './support/runs.js'
import { accessToken, CHALLENGE_ID, CLIENT_ID, es256Signer, FACTOR_ID, OTHER_ID, secret } from './support/wire.js'
import { reauthenticate, resend, resetPasswordForEmail } from '../../src/confirmations/index.js'
import { exchangeCodeForSession, setSession } from '../../src/handoff/index.js'

interface Context {
  auth: AuthClient
  /** A fresh secret this call sends; error messages are scanned for it. */
  secret(kind: string): string
}

interface Row {
  name: string
  /** The route whose requests get the generated answer. */
  target: RouteName
  effect: SessionEffect
  rig?: RigOptions
  /**
   * The session is ended before the app could see it (while restoring): the app is told `INITIAL_SESSION`
   * with no session, not `SIGNED_OUT`.
   */
  endsBeforeReady?: true
  call(context: Context): Promise<unknown>
}

const rows: Row[] = [
  // Sign-ins: a failure keeps the session the client had.
  { name: 'signInWithPassword', target: 'tokenPassword', effect: 'keeps', call: ({ auth, secret }) => auth.signInWithPassword({ email: 'ada@example.com', password: secret('password') }) },
  { name: 'signUp (email, PKCE)', target: 'signup', effect: 'keeps', call: ({ auth, secret }) => auth.signUp({ email: 'ada@example.com', password: secret('password') }) },
  { name: 'signUp (phone)', target: 'signup', effect: 'keeps', call: ({ auth, secret }) => auth.signUp({ phone: '+15550100', password: secret('password') }) },
  { name: 'signInAnonymously', target: 'signup', effect: 'keeps', call: ({ auth }) => signInAnonymously(auth) },
  { name: 'signInWithOtp', target: 'otp', effect: 'keeps', call: ({ auth }) => auth.signInWithOtp({ email: 'ada@example.com' }) },
  { name: 'verifyOtp', target: 'verify', effect: 'keeps', call: ({ auth, secret }) => auth.verifyOtp({ email: 'ada@example.com', token: secret('otp'), type: 'email' }) },
  { name: 'verifyOtp (token hash)', target: 'verify', effect: 'keeps', call: ({ auth, secret }) => auth.verifyOtp({ token_hash: secret('hash'), type: 'recovery' }) },
  { name: 'resend', target: 'resend', effect: 'keeps', call: ({ auth }) => resend(auth, { type: 'signup', email: 'ada@example.com' }) },
  { name: 'resetPasswordForEmail', target: 'recover', effect: 'keeps', call: ({ auth }) => resetPasswordForEmail(auth, 'ada@example.com') },
  {
    name: 'exchangeCodeForSession',
    target: 'tokenPkce',
    effect: 'keeps',
    rig: { beside: { '-code-verifier': JSON.stringify('verifier-SECRET-0123456789abcdef0123456789abcdef') } },
    call: ({ auth, secret }) => exchangeCodeForSession(auth, secret('code')),
  },
  { name: 'refreshSession (other token)', target: 'tokenRefresh', effect: 'keeps', call: ({ auth, secret }) => auth.refreshSession({ refresh_token: secret('refresh') }) },
  { name: 'setSession (live token)', target: 'userGet', effect: 'keeps', call: ({ auth, secret }) => setSession(auth, { access_token: accessToken(), refresh_token: secret('refresh') }) },
  { name: 'setSession (expired token)', target: 'tokenRefresh', effect: 'keeps', call: ({ auth, secret }) => setSession(auth, { access_token: accessToken({ ttl: -60 }), refresh_token: secret('refresh') }) },
  { name: 'getUser(jwt)', target: 'userGet', effect: 'keeps', call: ({ auth }) => auth.getUser(accessToken()) },
  // The session's own refresh token: a terminal answer ends the session.
  { name: 'refreshSession()', target: 'tokenRefresh', effect: 'refresh', call: ({ auth }) => auth.refreshSession() },
  { name: 'restore of an expiring session', target: 'tokenRefresh', effect: 'refresh', rig: { ttl: 30 }, endsBeforeReady: true, call: ({ auth }) => auth.getSession() },
  // Calls made with the access token: a "session or user gone" answer ends the session.
  { name: 'getUser()', target: 'userGet', effect: 'gateway', call: ({ auth }) => auth.getUser() },
  { name: 'updateUser (data)', target: 'userPut', effect: 'gateway', call: ({ auth }) => auth.updateUser({ data: { theme: 'dark' } }) },
  { name: 'updateUser (password)', target: 'userPut', effect: 'gateway', call: ({ auth, secret }) => auth.updateUser({ password: secret('password') }) },
  { name: 'updateUser (email, PKCE)', target: 'userPut', effect: 'gateway', call: ({ auth }) => auth.updateUser({ email: 'new@example.com' }) },
  { name: 'reauthenticate', target: 'reauthenticate', effect: 'gateway', call: ({ auth }) => reauthenticate(auth) },
  { name: 'signOut (others)', target: 'logout', effect: 'gateway', call: ({ auth }) => auth.signOut({ scope: 'others' }) },
  { name: 'signOut (global)', target: 'logout', effect: 'signOut', call: ({ auth }) => auth.signOut() },
  { name: 'signOut (local)', target: 'logout', effect: 'signOut', call: ({ auth }) => auth.signOut({ scope: 'local' }) },
  // supabase-auth-machine/mfa
  { name: 'mfa.enroll', target: 'factorEnroll', effect: 'gateway', call: ({ auth }) => mfa(auth).enroll({ factorType: 'totp', friendlyName: 'App' }) },
  { name: 'mfa.enroll (phone)', target: 'factorEnroll', effect: 'gateway', call: ({ auth }) => mfa(auth).enroll({ factorType: 'phone', phone: '+15550100' }) },
  { name: 'mfa.challenge', target: 'factorChallenge', effect: 'gateway', call: ({ auth }) => mfa(auth).challenge({ factorId: FACTOR_ID }) },
  { name: 'mfa.challenge (webauthn)', target: 'factorChallenge', effect: 'gateway', call: ({ auth }) => mfa(auth).challenge({ factorId: FACTOR_ID, webauthn: { rpId: 'example.com' } }) },
  { name: 'mfa.verify', target: 'factorVerify', effect: 'gateway', call: ({ auth, secret }) => mfa(auth).verify({ factorId: FACTOR_ID, challengeId: CHALLENGE_ID, code: secret('totp') }) },
  { name: 'mfa.challengeAndVerify', target: 'factorChallenge', effect: 'gateway', call: ({ auth, secret }) => mfa(auth).challengeAndVerify({ factorId: FACTOR_ID, code: secret('totp') }) },
  { name: 'mfa.unenroll', target: 'factorDelete', effect: 'gateway', call: ({ auth }) => mfa(auth).unenroll({ factorId: FACTOR_ID }) },
  { name: 'mfa.listFactors', target: 'userGet', effect: 'gateway', call: ({ auth }) => mfa(auth).listFactors() },
  // supabase-auth-machine/identities
  { name: 'signInWithSSO', target: 'sso', effect: 'keeps', call: ({ auth }) => signInWithSSO(auth, { domain: 'acme.com', options: { skipBrowserRedirect: true } }) },
  { name: 'signInWithIdToken', target: 'tokenIdToken', effect: 'keeps', call: ({ auth, secret }) => signInWithIdToken(auth, { provider: 'google', token: secret('idtoken'), nonce: secret('nonce') }) },
  { name: 'linkIdentity (OAuth)', target: 'identityAuthorize', effect: 'gateway', call: ({ auth }) => linkIdentity(auth, { provider: 'github', options: { skipBrowserRedirect: true } }) },
  { name: 'linkIdentity (ID token)', target: 'tokenIdToken', effect: 'gateway', call: ({ auth, secret }) => linkIdentity(auth, { provider: 'google', token: secret('idtoken') }) },
  { name: 'unlinkIdentity', target: 'identityDelete', effect: 'gateway', call: ({ auth }) => unlinkIdentity(auth, { identity_id: OTHER_ID, id: OTHER_ID, user_id: OTHER_ID, provider: 'github', identity_data: {}, created_at: '' } as never) },
  { name: 'getUserIdentities', target: 'userGet', effect: 'gateway', call: ({ auth }) => getUserIdentities(auth) },
  // supabase-auth-machine/webauthn
  { name: 'signInWithPasskey (options)', target: 'passkeySignInOptions', effect: 'keeps', call: ({ auth }) => passkey(auth, { credentials: agreeableAuthenticator }).signIn() },
  { name: 'signInWithPasskey (verify)', target: 'passkeySignInVerify', effect: 'keeps', call: ({ auth }) => passkey(auth, { credentials: agreeableAuthenticator }).signIn() },
  { name: 'registerPasskey (options)', target: 'passkeyRegistrationOptions', effect: 'gateway', call: ({ auth }) => passkey(auth, { credentials: agreeableAuthenticator }).register() },
  { name: 'registerPasskey (verify)', target: 'passkeyRegistrationVerify', effect: 'gateway', call: ({ auth }) => passkey(auth, { credentials: agreeableAuthenticator }).register() },
  { name: 'passkey.list', target: 'passkeyList', effect: 'gateway', call: ({ auth }) => passkey(auth).list() },
  { name: 'passkey.update', target: 'passkeyUpdate', effect: 'gateway', call: ({ auth }) => passkey(auth).update({ passkeyId: OTHER_ID, friendlyName: 'Phone' }) },
  { name: 'passkey.delete', target: 'passkeyDelete', effect: 'gateway', call: ({ auth }) => passkey(auth).delete({ passkeyId: OTHER_ID }) },
  {
    name: 'webauthn.register (challenge)',
    target: 'factorChallenge',
    effect: 'gateway',
    call: ({ auth }) => webauthn(auth, { credentials: agreeableAuthenticator }).register({ friendlyName: 'Key', webauthn: { rpId: 'example.com', rpOrigins: ['https://example.com'] } }),
  },
  {
    name: 'webauthn.authenticate (challenge)',
    target: 'factorChallenge',
    effect: 'gateway',
    rig: { headers: { 'x-test-ceremony': 'request' } },
    call: ({ auth }) => webauthn(auth, { credentials: agreeableAuthenticator }).authenticate({ factorId: FACTOR_ID, webauthn: { rpId: 'example.com' } }),
  },
  {
    name: 'webauthn.authenticate (verify)',
    target: 'factorVerify',
    effect: 'gateway',
    rig: { headers: { 'x-test-ceremony': 'request' } },
    call: ({ auth }) => webauthn(auth, { credentials: agreeableAuthenticator }).authenticate({ factorId: FACTOR_ID, webauthn: { rpId: 'example.com' } }),
  },
  // supabase-auth-machine/web3, /oauth, /jwt
  { name: 'signInWithWeb3 (signed)', target: 'tokenWeb3', effect: 'keeps', call: ({ auth, secret }) => signInWithWeb3(auth, { chain: 'ethereum', message: secret('message'), signature: '0xabcdef0123456789' }) },
  { name: 'oauth.getAuthorizationDetails', target: 'oauthAuthorization', effect: 'gateway', call: ({ auth }) => oauth(auth).getAuthorizationDetails('auth-id-1') },
  { name: 'oauth.approveAuthorization', target: 'oauthConsent', effect: 'gateway', call: ({ auth }) => oauth(auth).approveAuthorization('auth-id-1', { skipBrowserRedirect: true }) },
  { name: 'oauth.listGrants', target: 'oauthGrants', effect: 'gateway', call: ({ auth }) => oauth(auth).listGrants() },
  { name: 'oauth.revokeGrant', target: 'oauthRevoke', effect: 'gateway', call: ({ auth }) => oauth(auth).revokeGrant({ clientId: CLIENT_ID }) },
  {
    name: 'getClaims (JWKS)',
    target: 'jwks',
    effect: 'keeps',
    call: async ({ auth }) => {
      clearJwksCache()
      return getClaims(auth, await signer.sign())
    },
  },
]

let server: AnswerServer
let signer: Awaited<ReturnType<typeof es256Signer>>
const unhandled = watchUnhandledRejections()

beforeAll(async () => {
  server = await startAnswerServer()
  signer = await es256Signer('property-kid')
  publishJwks([signer.jwk])
})
afterAll(async () => {
  unhandled.stop()
  await server?.close()
})

/** Most requests one call may send to the route under test. */
const MAX_HITS = 4

/** Longest a call may take: a few requests at the request timeout, and the chart's own steps. */
const CALL_BOUND_MS = REQUEST_TIMEOUT_MS * 4 + 1_000

async function checkRow(row: Row, answer: Answer): Promise<void> {
  server.reset(row.target, answer)
  const timeout = answer.delivery === 'hang' ? HANG_TIMEOUT_MS : REQUEST_TIMEOUT_MS
  const rig = startRig(server.url, { timeout, ...row.rig })
  const sent: string[] = [rig.session.access_token, rig.session.refresh_token, rig.apiKey]
  const context: Context = {
    auth: rig.auth,
    secret(kind) {
      const value = secret(kind)
      sent.push(value)
      return value
    },
  }
  try {
    const outcome = await settle(() => row.call(context), CALL_BOUND_MS)
    const what = `${row.name} → ${describeOutcome(outcome)}`
    expect(outcome.kind, what).not.toBe('unsettled')
    expect(outcome.kind, what).not.toBe('thrown')
    if (outcome.kind === 'rejected') expect(isTypedError(outcome.error), what).toBe(true)

    const reached = server.hits() > 0
    if (reached && isGood(answer)) expect(outcome.kind, what).toBe('resolved')

    expect(await atRest(rig.auth, CALL_BOUND_MS), `${what}: the chart never came to rest`).toBe(true)
    expect(chartHealth(rig.auth), what).toBeNull()
    // No storm: one call is a few requests (a code tried with each stored verifier, a retried enrol), not a loop.
    expect(server.hits(), `${what}: requests to ${row.target}`).toBeLessThanOrEqual(MAX_HITS)

    const state = rig.auth.snapshot
    const signedOut = rig.events.filter((event) => event === 'SIGNED_OUT').length
    if (row.effect === 'signOut') {
      expect(state.status, what).toBe('signedOut')
      expect(outcome.kind, what).toBe('resolved')
    } else if (reached && endsSession(answer, row.effect)) {
      expect(state.status, `${what}: a terminal answer must end the session`).toBe('signedOut')
      if (state.status === 'signedOut') expect(['revoked', 'expired'], what).toContain(state.reason)
      expect(signedOut, `${what}: SIGNED_OUT announced ${rig.events.join(',')}`).toBe(row.endsBeforeReady ? 0 : 1)
    } else {
      expect(SIGNED_IN, `${what}: a non-terminal answer ended the session`).toContain(state.status)
      expect(signedOut, what).toBe(0)
    }

    const secrets = [...sent, ...server.requests.flatMap(secretsOf)]
    const errors = [outcome.kind === 'rejected' ? outcome.error : undefined, state.error, (outcome.kind === 'resolved' ? (outcome.value as { error?: unknown } | undefined)?.error : undefined)]
    for (const error of errors) expect(leakedSecrets(error, secrets), `${what}: a secret in an error message`).toEqual([])
    // Given a turn, a rejection nobody handles is reported.
    await new Promise((resolve) => setImmediate(resolve))
    expect(unhandled.seen.map(String), what).toEqual([])
  } finally {
    unhandled.seen.length = 0
    rig.dispose()
  }
}

interface AdminRow {
  name: string
  target: RouteName
  call(admin: AdminClient, secret: (kind: string) => string): Promise<unknown>
}

/** The admin client's calls: no session to keep, but the same duty to settle typed and to keep secrets out of messages. */
const adminRows: AdminRow[] = [
  { name: 'admin.listUsers', target: 'adminUsers', call: (admin) => admin.listUsers({ page: 1, perPage: 50 }) },
  { name: 'admin.createUser', target: 'adminCreateUser', call: (admin, secret) => admin.createUser({ email: 'ada@example.com', password: secret('password') }) },
  { name: 'admin.getUserById', target: 'adminUser', call: (admin) => admin.getUserById(OTHER_ID) },
  { name: 'admin.updateUserById', target: 'adminUpdateUser', call: (admin, secret) => admin.updateUserById(OTHER_ID, { password: secret('password') }) },
  { name: 'admin.deleteUser', target: 'adminDeleteUser', call: (admin) => admin.deleteUser(OTHER_ID) },
  { name: 'admin.generateLink', target: 'adminGenerateLink', call: (admin, secret) => admin.generateLink({ type: 'signup', email: 'ada@example.com', password: secret('password') }) },
  { name: 'admin.inviteUserByEmail', target: 'adminInvite', call: (admin) => admin.inviteUserByEmail('ada@example.com') },
  { name: 'admin.signOut', target: 'logout', call: (admin) => admin.signOut(accessToken()) },
  { name: 'admin.mfa.listFactors', target: 'adminFactors', call: (admin) => admin.mfa.listFactors({ userId: OTHER_ID }) },
  { name: 'admin.passkey.listPasskeys', target: 'adminPasskeys', call: (admin) => admin.passkey.listPasskeys({ userId: OTHER_ID }) },
  { name: 'admin.oauth.listClients', target: 'adminOAuthClients', call: (admin) => admin.oauth.listClients() },
  { name: 'admin.oauth.getClient', target: 'adminOAuthClient', call: (admin) => admin.oauth.getClient(CLIENT_ID) },
  { name: 'admin.sso.listProviders', target: 'adminSsoProviders', call: (admin) => admin.sso.listProviders() },
]

async function checkAdminRow(row: AdminRow, answer: Answer): Promise<void> {
  server.reset(row.target, answer)
  const serviceRoleKey = secret('service')
  const sent: string[] = [serviceRoleKey]
  // One quick retry, so Retry-After and the backoff are exercised without a run waiting seconds.
  const admin = createAdminClient({
    url: server.url,
    serviceRoleKey,
    timeout: answer.delivery === 'hang' ? HANG_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
    retry: { limit: 1, maxDelayMs: 50 },
  })
  const outcome = await settle(
    () =>
      row.call(admin, (kind) => {
        const value = secret(kind)
        sent.push(value)
        return value
      }),
    CALL_BOUND_MS,
  )
  const what = `${row.name} → ${describeOutcome(outcome)}`
  expect(outcome.kind, what).not.toBe('unsettled')
  expect(outcome.kind, what).not.toBe('thrown')
  if (outcome.kind === 'rejected') expect(isTypedError(outcome.error), what).toBe(true)
  if (server.hits() > 0 && isGood(answer)) expect(outcome.kind, what).toBe('resolved')
  const secrets = [...sent, ...server.requests.flatMap(secretsOf)]
  expect(leakedSecrets(outcome.kind === 'rejected' ? outcome.error : undefined, secrets), `${what}: a secret in an error message`).toEqual([])
  await new Promise((resolve) => setImmediate(resolve))
  expect(unhandled.seen.map(String), what).toEqual([])
  unhandled.seen.length = 0
}

describe('server answers', () => {
  for (const row of rows) {
    it(`${row.name}: any answer to ${row.target} settles typed and ends the session only when terminal`, async () => {
      await fc.assert(fc.asyncProperty(anyAnswer, (answer) => checkRow(row, answer)), propertyRuns(`server answers: ${row.name}`))
    }, propertyTimeout(400))
  }
})

describe('server answers to the admin client', () => {
  for (const row of adminRows) {
    it(`${row.name}: any answer to ${row.target} settles typed`, async () => {
      await fc.assert(fc.asyncProperty(anyAnswer, (answer) => checkAdminRow(row, answer)), propertyRuns(`server answers: ${row.name}`))
    }, propertyTimeout(400))
  }
})
