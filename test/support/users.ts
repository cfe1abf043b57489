/**
 * The people a path signs in as, created on the local server as a path needs them: a plain user (email +
 * password, no second factor), a user with a verified TOTP factor, a user with a passkey, and anonymous
 * users. A plain user who verifies a factor during a path is retired from the plain pool, since signing in
 * would now need MFA.
 */
import { totpCode } from '../../src/testing/index.js'
import { createAuthClient, memoryStorage, type AuthClient } from '../../src/index.js'
import type { AdminClient } from '../../src/admin/index.js'
import { ManualClock } from './manual-clock.js'
import { mfa } from '../../src/mfa/index.js'
import { authenticationToJson, passkey, requestOptionsFromJson, type CredentialsLike } from '../../src/webauthn/index.js'
import { SoftAuthenticator } from './soft-authenticator.js'
import { signInAnonymously } from '../../src/identities/index.js'

/** The page origin the model's passkeys are made for (the server lists it in `webauthnRpOrigins`). */
export const PASSKEY_ORIGIN = 'http://localhost:5173'

export interface Env {
  url: string
  anonKey: string
  admin: AdminClient
}

export interface KnownUser {
  id: string
  email: string
  password: string
  /** A verified TOTP factor, once the user has one. */
  factor?: { id: string; secret: string }
}

export type SignInKind = 'auth' | 'anon' | 'mfa' | 'passkey'

export const PASSWORD = 'correct-horse-battery'
let counter = 0

function uniqueEmail(tag: string): string {
  counter += 1
  return `model-${tag}-${process.pid}-${counter}@example.com`
}

/** A client for setting things up (memory storage, its own clock, no auto-refresh): never the one under test. */
export function setupClient(env: Env, clock = new ManualClock()): AuthClient {
  return createAuthClient({ url: env.url, apiKey: env.anonKey, storage: memoryStorage(), clock, autoRefreshToken: false })
}

/** A 6-digit code the server will not accept now (it accepts the previous, current and next step). */
export function wrongTotpCode(secret: string, at = Date.now()): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => totpCode(secret, at + offset)))
  return ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code)) as string
}

export class Users {
  readonly #byId = new Map<string, KnownUser>()
  #plain: KnownUser | undefined
  #mfa: KnownUser | undefined
  #passkey: { user: KnownUser; credentials: CredentialsLike } | undefined

  constructor(readonly env: Env) {}

  get(id: string): KnownUser | undefined {
    return this.#byId.get(id)
  }

  /** A confirmed email user without a second factor. */
  async plain(): Promise<KnownUser> {
    if (this.#plain && !this.#plain.factor) return this.#plain
    const email = uniqueEmail('plain')
    const { user } = await this.env.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    this.#plain = { id: user.id, email, password: PASSWORD }
    this.#byId.set(user.id, this.#plain)
    return this.#plain
  }

  /** A user with a verified TOTP factor, set up through the client: enroll, challenge and verify, sign out. */
  async mfa(): Promise<KnownUser> {
    if (this.#mfa) return this.#mfa
    const email = uniqueEmail('mfa')
    const { user } = await this.env.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const client = setupClient(this.env)
    try {
      await client.signInWithPassword({ email, password: PASSWORD })
      const enrolled = await mfa(client).enroll({ factorType: 'totp', friendlyName: 'model' })
      if (enrolled.type !== 'totp') throw new Error('expected a TOTP factor')
      await mfa(client).challengeAndVerify({ factorId: enrolled.id, code: totpCode(enrolled.totp.secret) })
      await client.signOut({ scope: 'local' })
      this.#mfa = { id: user.id, email, password: PASSWORD, factor: { id: enrolled.id, secret: enrolled.totp.secret } }
      this.#byId.set(user.id, this.#mfa)
      return this.#mfa
    } finally {
      client.dispose()
    }
  }

  /** A user with a passkey (and no second factor), registered through the client, then signed out. */
  async passkey(): Promise<{ user: KnownUser; credentials: CredentialsLike }> {
    if (this.#passkey) return this.#passkey
    const email = uniqueEmail('passkey')
    const { user } = await this.env.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const credentials = new SoftAuthenticator({ origin: PASSKEY_ORIGIN }).container()
    const client = setupClient(this.env)
    try {
      await client.signInWithPassword({ email, password: PASSWORD })
      await passkey(client, { credentials }).register()
      await client.signOut({ scope: 'local' })
      this.#passkey = { user: { id: user.id, email, password: PASSWORD }, credentials }
      this.#byId.set(user.id, this.#passkey.user)
      return this.#passkey
    } finally {
      client.dispose()
    }
  }

  /** Remembers a factor a user verified during the path. */
  noteFactor(userId: string, factor: { id: string; secret: string }): void {
    const user = this.#byId.get(userId)
    if (user) user.factor = factor
  }

  /** Prepares the credentials first, then returns the call that signs `client` in (so the caller can time it). */
  async signInCall(client: AuthClient, kind: SignInKind | 'wrongPassword' | 'signUpUnconfirmed'): Promise<() => Promise<unknown>> {
    switch (kind) {
      case 'anon':
        return () => signInAnonymously(client)
      case 'signUpUnconfirmed': {
        const email = uniqueEmail('signup')
        return () => client.signUp({ email, password: PASSWORD })
      }
      case 'mfa': {
        const user = await this.mfa()
        return () => client.signInWithPassword({ email: user.email, password: user.password })
      }
      case 'wrongPassword': {
        const user = await this.plain()
        return () => client.signInWithPassword({ email: user.email, password: `${user.password}-wrong` })
      }
      case 'auth': {
        const user = await this.plain()
        return () => client.signInWithPassword({ email: user.email, password: user.password })
      }
      case 'passkey': {
        // The server's challenge and the authenticator's answer come first; the call is the chart's sign-in.
        const { credentials } = await this.passkey()
        const api = passkey(client, { credentials })
        const { challenge_id, options } = await api.startAuthentication()
        const credential = ((await credentials.get({ publicKey: requestOptionsFromJson(options) })) as PublicKeyCredential)
        return () => api.verifyAuthentication({ challengeId: challenge_id, credential: authenticationToJson(credential) })
      }
    }
  }
}
