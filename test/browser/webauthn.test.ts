/**
 * WebAuthn second factors and passkeys, end to end, in Debian's chromium: a page running the BUILT package
 * calls `navigator.credentials` for real, and Chromium's virtual authenticators (DevTools protocol
 * `WebAuthn.*`) answer — a U2F security key, a CTAP2 security key, a CTAP2 platform authenticator with
 * resident keys. The local auth server checks every attestation and assertion with @simplewebauthn/server,
 * so a test passes only if the browser's bytes verify. The server counts the requests.
 *
 * What Chromium 156 actually does, which shaped the negative tests:
 * - `isUserConsenting: false` is accepted by `WebAuthn.addVirtualAuthenticator` and ignored (the prompt
 *   still succeeds). A refused prompt is made instead by failed user verification (`isUserVerified: false`
 *   on an authenticator with user verification): Chromium rejects with `NotAllowedError`, the same error
 *   as a dismissed or timed-out prompt, which the client passes through (`ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY`).
 * - An RP ID that is not the page's domain is a `SecurityError`, read as `ERROR_INVALID_RP_ID` (localhost
 *   is a valid domain, so never `ERROR_INVALID_DOMAIN` here).
 * - `webauthn: { rpId }` alone is sent to the server, which (as GoTrue) builds the options from its own
 *   relying party; auth-js does the same. Only an override of the creation options moves the ceremony.
 *
 * Tokens never leave the page: views carry an ordinal per access token (see `webauthn-page.ts`).
 */
import { Buffer } from 'node:buffer'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { BUILD_DIR, openWebAuthnWorld, PASSWORD, type AppTab, type AuthenticatorOptions, type WebAuthnWorld } from '../support/browser/webauthn-harness.js'
import type { ClientView, Failure, FactorView, Op, Outcome } from '../support/browser/webauthn-page.js'

const U2F_KEY: AuthenticatorOptions = { protocol: 'u2f', transport: 'usb', hasResidentKey: false, hasUserVerification: false }
const CTAP2_KEY: AuthenticatorOptions = { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true }
const PLATFORM: AuthenticatorOptions = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true }

const PASSKEY_VERIFY = { method: 'POST', path: '/passkeys/authentication/verify' } as const
const PASSKEY_OPTIONS = { method: 'POST', path: '/passkeys/authentication/options' } as const

interface Factors {
  all: FactorView[]
  webauthn: FactorView[]
}

interface Assurance {
  currentLevel: string | null
  nextLevel: string | null
  methods: string[]
}

/** The value of an operation that must succeed; a failure fails the test with the page's description of it. */
function valueOf<T>(outcome: Outcome<unknown>, what: string): T {
  if (!outcome.ok) throw new Error(`${what} failed: ${outcome.error.name} ${outcome.error.code ?? ''} ${outcome.error.message}`)
  return outcome.value as T
}

/** The error of an operation that must fail. */
function failureOf(outcome: Outcome<unknown>, what: string): Failure {
  if (outcome.ok) throw new Error(`${what} succeeded; it should have failed`)
  return outcome.error
}

describe.skipIf(!hasChromium)(`WebAuthn factors and passkeys in a browser, with virtual authenticators${SKIP_NOTE}`, () => {
  let world: WebAuthnWorld

  beforeAll(async () => {
    world = await openWebAuthnWorld()
  }, 60_000)
  beforeEach(() => world.server.requests.clear())
  afterEach(() => world.closeContexts())
  afterAll(() => world?.close())

  async function ok<T = unknown>(tab: AppTab, op: Op): Promise<T> {
    return valueOf<T>(await tab.run(op), op.kind)
  }

  /** A new confirmed user, signed in with a password on `tab`. */
  async function signIn(tab: AppTab, tag: string): Promise<{ id: string; email: string; view: ClientView }> {
    const user = await world.newUser(tag)
    await ok(tab, { kind: 'signIn', email: user.email, password: PASSWORD })
    return { ...user, view: await tab.view() }
  }

  /** Requests the server saw for one factor, by the last path segment (`challenge`, `verify`). */
  function factorRequests(factorId: string, method: string, last?: 'challenge' | 'verify'): number {
    return world.server.requests.count({ method, path: last === undefined ? `/factors/${factorId}` : `/factors/${factorId}/${last}` })
  }

  /** Registers a passkey for a new user on `tab` with a platform authenticator, then signs out. */
  async function userWithPasskey(tab: AppTab, tag: string): Promise<{ id: string; authenticatorId: string }> {
    const authenticatorId = await tab.addAuthenticator(PLATFORM)
    const user = await signIn(tab, tag)
    await ok(tab, { kind: 'registerPasskey' })
    await ok(tab, { kind: 'signOut' })
    expect(await tab.view()).toMatchObject({ status: 'signedOut', token: null })
    world.server.requests.clear()
    return { id: user.id, authenticatorId }
  }

  /**
   * A security key as second factor: registered from an aal1 session (the session becomes aal2), then
   * used after a password sign-in stops at `mfaChallenge`. Checked at the page, the server and the key.
   */
  async function secondFactor(options: AuthenticatorOptions, tag: string): Promise<AppTab> {
    const tab = await world.openTab()
    const key = await tab.addAuthenticator(options)
    const user = await signIn(tab, tag)
    expect(user.view).toMatchObject({ status: 'authenticated', aal: 'aal1', amr: ['password'] })

    await ok(tab, { kind: 'register', friendlyName: 'YubiKey' })
    const registered = await tab.view()
    expect(registered).toMatchObject({ status: 'authenticated', aal: 'aal2', userId: user.id })
    expect(registered.token).not.toBe(user.view.token)
    expect([...registered.amr].sort()).toEqual(['mfa/webauthn', 'password'])
    const held = await tab.credentials(key)
    // A factor asks for no resident key (auth-js's defaults): the key keeps nothing discoverable.
    expect(held).toEqual([expect.objectContaining({ isResidentCredential: false, signCount: expect.any(Number) })])
    const factors = await ok<Factors>(tab, { kind: 'listFactors' })
    expect(factors.webauthn).toEqual([expect.objectContaining({ factor_type: 'webauthn', status: 'verified', friendly_name: 'YubiKey' })])
    expect(factors.all).toHaveLength(1)
    const factorId = factors.webauthn[0]!.id
    expect(await ok<Assurance>(tab, { kind: 'assurance' })).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })

    await ok(tab, { kind: 'signOut' })
    await ok(tab, { kind: 'signIn', email: user.email, password: PASSWORD })
    const challenged = await tab.view()
    expect(challenged).toMatchObject({ status: 'mfaChallenge', aal: 'aal1', userId: user.id, amr: ['password'] })
    expect(await ok<Assurance>(tab, { kind: 'assurance' })).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })

    const seenBefore = (await tab.seen()).length
    world.server.requests.clear()
    await ok(tab, { kind: 'authenticate', factorId })
    const authenticated = await tab.view()
    expect(authenticated).toMatchObject({ status: 'authenticated', aal: 'aal2', userId: user.id })
    expect(authenticated.token).not.toBe(challenged.token)
    expect([...authenticated.amr].sort()).toEqual(['mfa/webauthn', 'password'])
    expect((await tab.seen()).slice(seenBefore - 1)).toEqual(['mfaChallenge', 'signingIn', 'authenticated'])
    expect(factorRequests(factorId, 'POST', 'challenge')).toBe(1)
    expect(factorRequests(factorId, 'POST', 'verify')).toBe(1)
    // The key signed once more: its counter moved past the registration's.
    const [after] = await tab.credentials(key)
    expect(after!.credentialId).toBe(held[0]!.credentialId)
    expect(after!.signCount).toBeGreaterThan(held[0]!.signCount)
    return tab
  }

  it('the page runs the built package, not the sources', () => {
    for (const entry of ['index.js', 'webauthn.js', 'mfa.js', 'errors.js']) expect(world.bundleInputs).toContain(`${BUILD_DIR}/${entry}`)
    expect(world.bundleInputs.filter((input) => input.startsWith('src/') || input.startsWith('machines/'))).toEqual([])
  })

  it('a U2F security key as second factor: registered at aal1 (→ aal2), then answers the mfaChallenge after a password sign-in', async () => {
    const tab = await secondFactor(U2F_KEY, 'u2f')
    await tab.screenshot('u2f-second-factor-aal2')
  })

  it('a CTAP2 security key (usb, packed attestation) as second factor: registered and used the same way', async () => {
    await secondFactor(CTAP2_KEY, 'ctap2')
  })

  it('a passkey: registered while signed in (a resident credential on the authenticator), then signs in alone after a reload', async () => {
    const tab = await world.openTab()
    const authenticatorId = await tab.addAuthenticator(PLATFORM)
    const user = await signIn(tab, 'passkey')
    const created = await ok<{ id: string; friendly_name: string }>(tab, { kind: 'registerPasskey' })
    // Registering a passkey changes no session.
    expect(await tab.view()).toEqual(user.view)
    expect(await ok(tab, { kind: 'passkeys' })).toEqual([{ id: created.id, friendly_name: created.friendly_name }])
    const [held, ...others] = await tab.credentials(authenticatorId)
    expect(others).toEqual([])
    expect(held).toMatchObject({ isResidentCredential: true, rpId: 'localhost' })
    // The user handle is the user's id (GoTrue's WebAuthnID): how the assertion will name the account.
    expect(Buffer.from(held!.userHandle ?? '', 'base64').toString('utf8')).toBe(user.id)

    await ok(tab, { kind: 'signOut' })
    expect(await tab.reload()).toMatchObject({ status: 'signedOut', token: null })
    world.server.requests.clear()
    const signedIn = await ok<{ userId: string }>(tab, { kind: 'signInWithPasskey' })
    expect(signedIn.userId).toBe(user.id)
    expect(await tab.view()).toMatchObject({ status: 'authenticated', aal: 'aal1', userId: user.id, amr: ['passkey'] })
    expect(await tab.seen()).toEqual(['initializing', 'signedOut', 'signingIn', 'authenticated'])
    expect(world.server.requests.count(PASSKEY_OPTIONS)).toBe(1)
    expect(world.server.requests.count(PASSKEY_VERIFY)).toBe(1)
    expect(world.server.requests.count({ path: '/token' })).toBe(0)
    const [used] = await tab.credentials(authenticatorId)
    expect(used!.signCount).toBeGreaterThan(held!.signCount)
    await tab.screenshot('passkey-signed-in')
  })

  it('a ceremony for another RP ID (example.com on a localhost page) is refused by the browser: ERROR_INVALID_RP_ID, no factor left, the session as it was', async () => {
    const tab = await world.openTab()
    const key = await tab.addAuthenticator(CTAP2_KEY)
    const user = await signIn(tab, 'wrong-rp')
    world.server.requests.clear()
    const error = failureOf(await tab.run({ kind: 'register', friendlyName: 'Elsewhere', create: { rp: { id: 'example.com' } } }), 'register')
    expect(error).toMatchObject({ name: 'WebAuthnError', isWebAuthnError: true, code: 'ERROR_INVALID_RP_ID', cause: { name: 'SecurityError' } })
    expect(await tab.view()).toEqual(user.view)
    expect((await ok<Factors>(tab, { kind: 'listFactors' })).all).toEqual([])
    expect(await tab.credentials(key)).toEqual([])
    // Enrolled, challenged, never verified, and the half-made factor removed.
    const paths = world.server.requests.all().map(({ method, path }) => `${method} ${path.replace(/[0-9a-f-]{36}/, ':id')}`)
    expect(paths.filter((path) => path !== 'GET /user')).toEqual(['POST /factors', 'POST /factors/:id/challenge', 'DELETE /factors/:id'])
  })

  it('webauthn.rpId alone only goes to the server, which (as GoTrue) uses its own RP: the ceremony is for localhost and succeeds', async () => {
    const tab = await world.openTab()
    const key = await tab.addAuthenticator(CTAP2_KEY)
    await signIn(tab, 'rp-param')
    await ok(tab, { kind: 'register', friendlyName: 'YubiKey', rpId: 'example.com' })
    expect(await tab.view()).toMatchObject({ status: 'authenticated', aal: 'aal2' })
    expect(await tab.credentials(key)).toEqual([expect.objectContaining({ rpId: 'localhost' })])
  })

  it('a passkey made on an origin the server does not list is refused by the server: webauthn_verification_failed (400), the session as it was', async () => {
    const tab = await world.openTab(world.foreignOrigin)
    const authenticatorId = await tab.addAuthenticator(PLATFORM)
    const user = await signIn(tab, 'wrong-origin')
    world.server.requests.clear()
    const error = failureOf(await tab.run({ kind: 'registerPasskey' }), 'registerPasskey')
    expect(error).toMatchObject({ name: 'AuthApiError', isWebAuthnError: false, code: 'webauthn_verification_failed', status: 400 })
    expect(await tab.view()).toEqual(user.view)
    expect(await ok(tab, { kind: 'passkeys' })).toEqual([])
    // The browser made the credential (its RP ID fits); the server refused its origin.
    expect(await tab.credentials(authenticatorId)).toHaveLength(1)
    expect(world.server.requests.count({ method: 'POST', path: '/passkeys/registration/verify' })).toBe(1)
  })

  // GoTrue refuses a key at registration with go-webauthn's raw error, i.e. its generic 500 (the local server
  // does the same), which the client reads as retryable; `register` still removes the half-made factor, since
  // an answer from the server cannot hide a verify that succeeded.
  it('a security key registered on an origin the server does not list is refused, and leaves no factor behind', async () => {
    const tab = await world.openTab(world.foreignOrigin)
    await tab.addAuthenticator(CTAP2_KEY)
    const user = await signIn(tab, 'wrong-origin-factor')
    const error = failureOf(await tab.run({ kind: 'register', friendlyName: 'YubiKey' }), 'register')
    expect(error).toMatchObject({ status: 500, code: 'unexpected_failure' })
    expect(await tab.view()).toEqual(user.view)
    expect((await ok<Factors>(tab, { kind: 'listFactors' })).all).toEqual([])
  })

  it('a refused passkey prompt (NotAllowedError) rejects with ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY; the client stays signedOut and nothing is verified', async () => {
    const tab = await world.openTab()
    const { authenticatorId } = await userWithPasskey(tab, 'refused')
    await tab.setUserVerified(authenticatorId, false)
    const seenBefore = await tab.seen()
    const error = failureOf(await tab.run({ kind: 'signInWithPasskey' }), 'signInWithPasskey')
    expect(error).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY', cause: { name: 'NotAllowedError' } })
    expect(await tab.view()).toMatchObject({ status: 'signedOut', token: null })
    // The chart's sign-in starts only with the authenticator's answer: not even `signingIn` was passed.
    expect(await tab.seen()).toEqual(seenBefore)
    expect(world.server.requests.count(PASSKEY_OPTIONS)).toBe(1)
    expect(world.server.requests.count(PASSKEY_VERIFY)).toBe(0)
  })

  it('refused factor prompts in an aal1 session leave status, aal and tokens as they were; the same key works once verification succeeds', async () => {
    const tab = await world.openTab()
    const key = await tab.addAuthenticator({ ...CTAP2_KEY, isUserVerified: false })
    const user = await signIn(tab, 'refused-factor')

    const refusedRegister = failureOf(await tab.run({ kind: 'register', friendlyName: 'YubiKey' }), 'register')
    expect(refusedRegister).toMatchObject({ code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY', cause: { name: 'NotAllowedError' } })
    expect(await tab.view()).toEqual(user.view)
    expect((await ok<Factors>(tab, { kind: 'listFactors' })).all).toEqual([])

    await tab.setUserVerified(key, true)
    await ok(tab, { kind: 'register', friendlyName: 'YubiKey' })
    const [factor] = (await ok<Factors>(tab, { kind: 'listFactors' })).webauthn
    await ok(tab, { kind: 'signOut' })
    await ok(tab, { kind: 'signIn', email: user.email, password: PASSWORD })
    const challenged = await tab.view()
    expect(challenged).toMatchObject({ status: 'mfaChallenge', aal: 'aal1' })

    await tab.setUserVerified(key, false)
    world.server.requests.clear()
    const refusedAuthenticate = failureOf(await tab.run({ kind: 'authenticate', factorId: factor!.id }), 'authenticate')
    expect(refusedAuthenticate).toMatchObject({ code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY', cause: { name: 'NotAllowedError' } })
    expect(await tab.view()).toEqual(challenged)
    expect(factorRequests(factor!.id, 'POST', 'verify')).toBe(0)

    await tab.setUserVerified(key, true)
    await ok(tab, { kind: 'authenticate', factorId: factor!.id })
    expect(await tab.view()).toMatchObject({ status: 'authenticated', aal: 'aal2' })
  })

  it('a pending prompt is aborted by the next ceremony (ERROR_CEREMONY_ABORTED), the next by cancelCeremony(); then a prompt answered signs in', async () => {
    const tab = await world.openTab()
    const { id, authenticatorId } = await userWithPasskey(tab, 'pending')
    await tab.setPresence(authenticatorId, false)

    // Pending means: the options came back and, a moment later, the prompt has not settled.
    const startPending = async (label: string): Promise<string> => {
      const options = tab.page.waitForResponse((response) => response.url().endsWith('/passkeys/authentication/options'))
      await tab.app((app, label) => app.start(label, { kind: 'signInWithPasskey' }), label)
      await options
      return tab.app(
        (app, label) => Promise.race([app.result(label).then(() => 'settled'), new Promise<string>((done) => setTimeout(() => done('pending'), 250))]),
        label,
      )
    }
    expect(await startPending('first')).toBe('pending')
    const secondPending = startPending('second')
    const first = failureOf(await tab.app((app) => app.result('first')), 'the first sign-in')
    expect(first).toMatchObject({ name: 'WebAuthnError', code: 'ERROR_CEREMONY_ABORTED', cause: { name: 'AbortError' } })
    expect(await secondPending).toBe('pending')
    await tab.app((app) => app.cancel())
    const second = failureOf(await tab.app((app) => app.result('second')), 'the second sign-in')
    expect(second).toMatchObject({ code: 'ERROR_CEREMONY_ABORTED', cause: { name: 'AbortError' } })
    expect(await tab.view()).toMatchObject({ status: 'signedOut', token: null })
    expect(world.server.requests.count(PASSKEY_VERIFY)).toBe(0)

    await tab.setPresence(authenticatorId, true)
    await ok(tab, { kind: 'signInWithPasskey' })
    expect(await tab.view()).toMatchObject({ status: 'authenticated', userId: id, amr: ['passkey'] })
    expect(world.server.requests.count(PASSKEY_VERIFY)).toBe(1)
  })
})
