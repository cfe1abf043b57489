/**
 * Garbage arguments: every method refuses them with `AuthInvalidCredentialsError` before any request, and
 * the client's state does not move. Each case runs on its own signed-in client (so session checks pass and
 * only the argument can be at fault) whose `fetch` counts what goes out.
 */
import { signInAnonymously, signInWithIdToken, signInWithSSO, unlinkIdentity } from '../../src/identities/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AdminClient, createAdminClient } from '../../src/admin/index.js'
import type { AuthClient } from '../../src/index.js'
import { isAuthError } from '../../src/errors.js'
import { countingFetch, signedInClient } from '../support/flows.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'
import { mfa } from '../../src/mfa/index.js'
import { resend, resetPasswordForEmail } from '../../src/confirmations/index.js'
import { exchangeCodeForSession, setSession } from '../../src/handoff/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

const UUID = '00000000-0000-4000-8000-000000000000'
/** Arguments a caller without types could pass. */
const junk = <T>(value: unknown): T => value as T

type Case = [label: string, call: (auth: AuthClient) => unknown]

const clientCases: Case[] = [
  ['signUp(null)', (a) => a.signUp(junk(null))],
  ['signUp({})', (a) => a.signUp(junk({}))],
  ['signUp email not a string', (a) => a.signUp(junk({ email: 42, password: PASSWORD }))],
  ['signUp empty password', (a) => a.signUp({ email: uniqueEmail('bad'), password: '' })],
  ['signUp email and phone', (a) => a.signUp(junk({ email: uniqueEmail('bad'), phone: '15550001111', password: PASSWORD }))],
  ['signUp data not an object', (a) => a.signUp(junk({ email: uniqueEmail('bad'), password: PASSWORD, options: { data: 'x' } }))],
  ['signInWithPassword(null)', (a) => a.signInWithPassword(junk(null))],
  ['signInWithPassword no password', (a) => a.signInWithPassword(junk({ email: uniqueEmail('bad') }))],
  ['signInWithPassword empty email', (a) => a.signInWithPassword({ email: '', password: PASSWORD })],
  ['signInWithPassword email and phone', (a) => a.signInWithPassword(junk({ email: uniqueEmail('bad'), phone: '15550001111', password: PASSWORD }))],
  ['signInWithPassword phone not a string', (a) => a.signInWithPassword(junk({ phone: 5, password: PASSWORD }))],
  ['signInAnonymously data not an object', (a) => signInAnonymously(a, junk({ options: { data: 'x' } }))],
  ['signInAnonymously captchaToken not a string', (a) => signInAnonymously(a, junk({ options: { captchaToken: 5 } }))],
  ['signInWithOtp(null)', (a) => a.signInWithOtp(junk(null))],
  ['signInWithOtp({})', (a) => a.signInWithOtp(junk({}))],
  ['signInWithOtp empty email', (a) => a.signInWithOtp({ email: '' })],
  ['signInWithOtp email and phone', (a) => a.signInWithOtp(junk({ email: uniqueEmail('bad'), phone: '15550001111' }))],
  ['signInWithOtp shouldCreateUser not a boolean', (a) => a.signInWithOtp(junk({ email: uniqueEmail('bad'), options: { shouldCreateUser: 'yes' } }))],
  ['signInWithOtp unknown channel', (a) => a.signInWithOtp(junk({ phone: '15550001111', options: { channel: 'pigeon' } }))],
  ['verifyOtp(null)', (a) => a.verifyOtp(junk(null))],
  ['verifyOtp empty token', (a) => a.verifyOtp({ email: uniqueEmail('bad'), token: '', type: 'email' })],
  ['verifyOtp unknown type', (a) => a.verifyOtp(junk({ email: uniqueEmail('bad'), token: '123456', type: 'bogus' }))],
  ['verifyOtp token_hash with email', (a) => a.verifyOtp(junk({ token_hash: 'abc', type: 'email', email: uniqueEmail('bad') }))],
  ['verifyOtp neither token nor hash', (a) => a.verifyOtp(junk({ type: 'email' }))],
  ['setSession(null)', (a) => setSession(a, junk(null))],
  ['setSession empty tokens', (a) => setSession(a, { access_token: '', refresh_token: '' })],
  ['setSession access_token not a string', (a) => setSession(a, junk({ access_token: 5, refresh_token: 'x' }))],
  ['refreshSession refresh_token not a string', (a) => a.refreshSession(junk({ refresh_token: 42 }))],
  ['getUser empty jwt', (a) => a.getUser('')],
  ['getUser jwt not a string', (a) => a.getUser(junk(42))],
  ['updateUser(null)', (a) => a.updateUser(junk(null))],
  ['updateUser("x")', (a) => a.updateUser(junk('x'))],
  ['resetPasswordForEmail empty', (a) => resetPasswordForEmail(a, '')],
  ['resetPasswordForEmail not a string', (a) => resetPasswordForEmail(a, junk(42))],
  ['resetPasswordForEmail redirectTo not a string', (a) => resetPasswordForEmail(a, uniqueEmail('bad'), junk({ redirectTo: 5 }))],
  ['resend(null)', (a) => resend(a, junk(null))],
  ['resend unknown type', (a) => resend(a, junk({ type: 'bogus', email: uniqueEmail('bad') }))],
  ['resend signup without email', (a) => resend(a, junk({ type: 'signup' }))],
  ['resend sms with an email', (a) => resend(a, junk({ type: 'sms', email: uniqueEmail('bad') }))],
  ['signOut unknown scope', (a) => a.signOut(junk({ scope: 'bogus' }))],
  ['signInWithOAuth(null)', (a) => a.signInWithOAuth(junk(null))],
  ['signInWithOAuth without a provider', (a) => a.signInWithOAuth(junk({ options: { skipBrowserRedirect: true } }))],
  ['signInWithOAuth provider not a string', (a) => a.signInWithOAuth(junk({ provider: 42, options: { skipBrowserRedirect: true } }))],
  ['signInWithOAuth scopes not a string', (a) => a.signInWithOAuth(junk({ provider: 'github', options: { scopes: ['a'], skipBrowserRedirect: true } }))],
  ['signInWithOAuth queryParams not an object', (a) => a.signInWithOAuth(junk({ provider: 'github', options: { queryParams: 'a=b', skipBrowserRedirect: true } }))],
  ['exchangeCodeForSession empty code', (a) => exchangeCodeForSession(a, '')],
  ['exchangeCodeForSession code not a string', (a) => exchangeCodeForSession(a, junk(42))],
  ['exchangeCodeForSession flowId not a flow id', (a) => exchangeCodeForSession(a, 'abc', { flowId: '../../etc' })],
  ['signInWithSSO(null)', (a) => signInWithSSO(a, junk(null))],
  ['signInWithSSO neither id nor domain', (a) => signInWithSSO(a, junk({ options: { skipBrowserRedirect: true } }))],
  ['signInWithSSO providerId not a uuid', (a) => signInWithSSO(a, junk({ providerId: 'acme', options: { skipBrowserRedirect: true } }))],
  ['signInWithIdToken without a token', (a) => signInWithIdToken(a, junk({ provider: 'google' }))],
  ['signInWithIdToken nonce not a string', (a) => signInWithIdToken(a, junk({ provider: 'google', token: 'x.y.z', nonce: 5 }))],
  ['unlinkIdentity(null)', (a) => unlinkIdentity(a, junk(null))],
  ['mfa.enroll unknown factorType', (a) => mfa(a).enroll(junk({ factorType: 'bogus' }))],
  ['mfa.enroll friendlyName not a string', (a) => mfa(a).enroll(junk({ factorType: 'totp', friendlyName: 5 }))],
  ['mfa.challenge factorId not a UUID', (a) => mfa(a).challenge({ factorId: 'nope' })],
  ['mfa.verify factorId not a UUID', (a) => mfa(a).verify({ factorId: 'nope', challengeId: UUID, code: '123456' })],
  ['mfa.verify challengeId not a UUID', (a) => mfa(a).verify({ factorId: UUID, challengeId: 'nope', code: '123456' })],
  ['mfa.verify empty code', (a) => mfa(a).verify({ factorId: UUID, challengeId: UUID, code: '' })],
  ['mfa.challengeAndVerify factorId not a UUID', (a) => mfa(a).challengeAndVerify({ factorId: 'nope', code: '123456' })],
  ['mfa.unenroll factorId not a UUID', (a) => mfa(a).unenroll({ factorId: 'nope' })],
  ['mfa.challenge(null)', (a) => mfa(a).challenge(junk(null))],
  ['mfa.verify(null)', (a) => mfa(a).verify(junk(null))],
  ['mfa.unenroll(null)', (a) => mfa(a).unenroll(junk(null))],
  ['mfa.enroll(null)', (a) => mfa(a).enroll(junk(null))],
]

type Outcome = { mode: 'thrown' | 'rejected' | 'resolved'; name: string; code: string | undefined }

async function outcomeOf(call: () => unknown): Promise<Outcome> {
  let result: unknown
  try {
    result = call()
  } catch (error) {
    return { mode: 'thrown', name: (error as Error).name, code: isAuthError(error) ? String(error.code) : undefined }
  }
  try {
    await result
    return { mode: 'resolved', name: '', code: undefined }
  } catch (error) {
    return { mode: 'rejected', name: (error as Error).name, code: isAuthError(error) ? String(error.code) : undefined }
  }
}

/**
 * Cases that expose reported client bugs, with where the fix belongs. They run as `it.fails` so the suite
 * stays green and turns red the moment a fix lands (then delete the entry).
 */
const KNOWN_BUGS: Record<string, string> = {}

function caseTest(label: string): typeof it | typeof it.fails {
  return label in KNOWN_BUGS ? it.fails : it
}

describe('client methods given garbage', () => {
  for (const [label, call] of clientCases) {
    caseTest(label)(`${label} refuses with AuthInvalidCredentialsError, sends nothing and changes nothing`, async () => {
      const counter = countingFetch()
      const { auth, session } = await signedInClient(target, 'bad', { fetch: counter.fetch })
      counter.reset()
      const before = auth.snapshot

      const outcome = await outcomeOf(() => call(auth))
      expect(outcome).toMatchObject({ name: 'AuthInvalidCredentialsError', code: 'invalid_credentials_input' })
      expect(counter.count).toBe(0)
      expect(auth.snapshot.status).toBe(before.status)
      expect(auth.snapshot.session).toBe(session)
    })
  }

  it('refuses by rejecting its promise, never by throwing synchronously', async () => {
    const { auth } = await signedInClient(target, 'sync-throw')
    const thrown: string[] = []
    for (const [label, call] of clientCases) {
      if ((await outcomeOf(() => call(auth))).mode === 'thrown') thrown.push(label)
    }
    expect(thrown).toEqual([])
  })

  it('a setSession access token that is not a JWT is refused without a request', async () => {
    const counter = countingFetch()
    const auth = target.client({ fetch: counter.fetch })
    await auth.ready
    const outcome = await outcomeOf(() => setSession(auth, { access_token: 'not-a-jwt', refresh_token: 'r' }))
    // A precise subclass is fine here: the token is malformed rather than missing.
    expect(['AuthInvalidCredentialsError', 'AuthInvalidJwtError']).toContain(outcome.name)
    expect(outcome.mode).not.toBe('resolved')
    expect(counter.count).toBe(0)
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('signInAnonymously given a non-object refuses instead of signing in', async () => {
    const { auth, session } = await signedInClient(target, 'anon-junk')
    const outcome = await outcomeOf(() => signInAnonymously(auth, junk('garbage')))
    expect(outcome.name).toBe('AuthInvalidCredentialsError')
    expect(auth.snapshot.session).toBe(session)
  })

  it('onAuthStateChange given a non-function refuses at once', async () => {
    const auth = target.client()
    const outcome = await outcomeOf(() => auth.onAuthStateChange(junk('not a function')))
    expect(outcome.name).toBe('AuthInvalidCredentialsError')
  })

  it('createAuthClient without a url refuses with AuthInvalidCredentialsError', async () => {
    const outcome = await outcomeOf(() => target.client({ url: '' }))
    expect(outcome).toMatchObject({ mode: 'thrown', name: 'AuthInvalidCredentialsError', code: 'invalid_credentials_input' })
  })
})

describe('admin methods given garbage', () => {
  const adminCases: Array<[string, (admin: AdminClient) => unknown]> = [
    ['getUserById not a UUID', (admin) => admin.getUserById('nope')],
    ['updateUserById not a UUID', (admin) => admin.updateUserById('nope', {})],
    ['updateUserById attributes not an object', (admin) => admin.updateUserById(UUID, junk('x'))],
    ['deleteUser not a UUID', (admin) => admin.deleteUser('nope')],
    ['deleteUser shouldSoftDelete not a boolean', (admin) => admin.deleteUser(UUID, junk('yes'))],
    ['listUsers page 0', (admin) => admin.listUsers({ page: 0 })],
    ['listUsers perPage not an integer', (admin) => admin.listUsers({ perPage: 1.5 })],
    ['createUser id not a UUID', (admin) => admin.createUser({ id: 'nope', email: uniqueEmail('bad') })],
    ['createUser attributes not an object', (admin) => admin.createUser(junk('x'))],
    ['generateLink unknown type', (admin) => admin.generateLink(junk({ type: 'bogus', email: uniqueEmail('bad') }))],
    ['generateLink signup without password', (admin) => admin.generateLink(junk({ type: 'signup', email: uniqueEmail('bad') }))],
    ['generateLink email_change_new without newEmail', (admin) => admin.generateLink(junk({ type: 'email_change_new', email: uniqueEmail('bad') }))],
    ['generateLink(null)', (admin) => admin.generateLink(junk(null))],
    ['inviteUserByEmail empty', (admin) => admin.inviteUserByEmail('')],
    ['inviteUserByEmail data not an object', (admin) => admin.inviteUserByEmail(uniqueEmail('bad'), junk({ data: 'x' }))],
    ['mfa.listFactors userId not a UUID', (admin) => admin.mfa.listFactors({ userId: 'nope' })],
    ['mfa.listFactors(null)', (admin) => admin.mfa.listFactors(junk(null))],
    ['mfa.deleteFactor id not a UUID', (admin) => admin.mfa.deleteFactor({ id: 'nope', userId: UUID })],
    ['signOut empty jwt', (admin) => admin.signOut('')],
    ['signOut unknown scope', (admin) => admin.signOut('x.y.z', junk('bogus'))],
    ['passkey.listPasskeys userId not a UUID', (admin) => admin.passkey.listPasskeys({ userId: 'nope' })],
    ['oauth.listClients perPage 0', (admin) => admin.oauth.listClients({ perPage: 0 })],
    ['oauth.createClient without redirect_uris', (admin) => admin.oauth.createClient(junk({ client_name: 'x' }))],
    ['oauth.getClient empty id', (admin) => admin.oauth.getClient('')],
    ['sso.createProvider without metadata', (admin) => admin.sso.createProvider(junk({ type: 'saml' }))],
    ['sso.getProvider not an id', (admin) => admin.sso.getProvider('nope')],
    ['customProviders.createProvider unknown type', (admin) => admin.customProviders.createProvider(junk({ provider_type: 'saml', identifier: 'custom:x', name: 'x', client_id: 'x', client_secret: 'x' }))],
    ['customProviders.deleteProvider empty identifier', (admin) => admin.customProviders.deleteProvider('')],
  ]

  const knownAdminBugs = new Set<string>()

  for (const [label, call] of adminCases) {
    const test = knownAdminBugs.has(label) ? it.fails : it
    test(`${label} rejects with AuthInvalidCredentialsError and sends nothing`, async () => {
      const counter = countingFetch()
      const admin = createAdminClient({ url: target.url, serviceRoleKey: target.serviceRoleKey, fetch: counter.fetch })
      const outcome = await outcomeOf(() => call(admin))
      expect(outcome).toMatchObject({ mode: 'rejected', name: 'AuthInvalidCredentialsError', code: 'invalid_credentials_input' })
      expect(counter.count).toBe(0)
    })
  }
})
