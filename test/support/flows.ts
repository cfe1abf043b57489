/**
 * Shared steps of the integration tests: a signed-in client for a fresh user, a recorder of what a client
 * announced, and error capture. Everything here goes through the public client and admin API, so it works
 * against the local server and a real GoTrue alike.
 */
import { expect } from 'vitest'
import type { AuthClient, AuthClientOptions } from '../../src/index.js'
import type { AuthState, AuthStatus } from '../../src/client/state.js'
import { AuthError, isAuthError } from '../../src/errors.js'
import type { AuthChangeEvent, Session, User } from '../../src/types.js'
import { PASSWORD, type Target, uniqueEmail } from './target.js'

export interface SignedIn {
  auth: AuthClient
  email: string
  user: User
  session: Session
}

/**
 * A confirmed user (created with the admin API, so it does not depend on the server's autoconfirm setting)
 * signed in with a password on a new client.
 */
export async function signedInClient(target: Target, tag = 'user', options: Partial<AuthClientOptions> = {}): Promise<SignedIn> {
  const email = uniqueEmail(tag)
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const auth = target.client(options)
  const { user, session } = await auth.signInWithPassword({ email, password: PASSWORD })
  return { auth, email, user, session }
}

export interface Recorder {
  /** Event names in delivery order (INITIAL_SESSION first). */
  readonly events: AuthChangeEvent[]
  readonly sessions: Array<Session | null>
  /** Every distinct status `state$` emitted, starting with the current one. */
  readonly statuses: AuthStatus[]
  readonly states: AuthState[]
  stop(): void
}

/** Subscribes to `events$` and `state$` and keeps what they emit. */
export function record(auth: AuthClient): Recorder {
  const events: AuthChangeEvent[] = []
  const sessions: Array<Session | null> = []
  const statuses: AuthStatus[] = []
  const states: AuthState[] = []
  const eventSub = auth.events$.subscribe(({ event, session }) => {
    events.push(event)
    sessions.push(session)
  })
  const stateSub = auth.state$.subscribe((state) => {
    states.push(state)
    statuses.push(state.status)
  })
  return {
    events,
    sessions,
    statuses,
    states,
    stop() {
      eventSub.unsubscribe()
      stateSub.unsubscribe()
    },
  }
}

/** The next `events$` item named `event`. */
export function nextEvent(auth: AuthClient, event: AuthChangeEvent): Promise<{ event: AuthChangeEvent; session: Session | null }> {
  return new Promise((resolve, reject) => {
    const sub = auth.events$.subscribe({
      next: (item) => {
        if (item.event !== event) return
        queueMicrotask(() => sub.unsubscribe())
        resolve(item)
      },
      complete: () => reject(new Error(`events$ completed before ${event}`)),
    })
  })
}

/** Resolves once `state$` shows `status` (at once if it already does). */
export function untilStatus(auth: AuthClient, status: AuthStatus): Promise<AuthState> {
  return new Promise((resolve) => {
    const sub = auth.state$.subscribe((state) => {
      if (state.status !== status) return
      queueMicrotask(() => sub.unsubscribe())
      resolve(state)
    })
  })
}

/** Awaits a call that must fail and returns its error, checked to be an `AuthError`. */
export async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  if (outcome.ok) throw new Error('expected the call to reject, it resolved')
  expect(isAuthError(outcome.error), `not an AuthError: ${String(outcome.error)}`).toBe(true)
  return outcome.error as AuthError
}

/** How a method refused bad input: by rejecting its promise, or by throwing before returning one. */
export type Refusal = { mode: 'rejected' | 'thrown'; error: AuthError }

/** Calls `fn`, which must refuse; reports whether it threw synchronously or rejected. */
export async function refusal(fn: () => unknown): Promise<Refusal> {
  let result: unknown
  try {
    result = fn()
  } catch (error) {
    expect(isAuthError(error), `not an AuthError: ${String(error)}`).toBe(true)
    return { mode: 'thrown', error: error as AuthError }
  }
  return { mode: 'rejected', error: await rejection(Promise.resolve(result)) }
}

/** The payload of a JWT, decoded without verification (for asserting claims). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
}

/** The token hash an emailed link carries: from the outbox locally, from `/admin/generate_link` remotely. */
export async function emailTokenHash(target: Target, email: string, type: 'signup' | 'magiclink' | 'recovery' | 'invite'): Promise<string> {
  if (target.local) {
    const mail = target.local.outbox.latest(email, type)
    if (!mail) throw new Error(`no ${type} email to ${email} in the outbox`)
    return mail.tokenHash
  }
  const { properties } = await target.admin.generateLink(
    type === 'signup' ? { type: 'signup', email, password: PASSWORD } : { type, email },
  )
  return properties.hashed_token
}

/** A `fetch` that counts the requests it forwards (to the real network: nothing is mocked). */
export function countingFetch(): { fetch: typeof fetch; readonly count: number; reset(): void } {
  let count = 0
  return {
    fetch: (input, init) => {
      count += 1
      return fetch(input, init)
    },
    get count() {
      return count
    },
    reset() {
      count = 0
    },
  }
}

/** A fresh email for tests that need one but no user behind it. */
export { uniqueEmail }

/** The parts of `GET /settings` the tests branch on (a real GoTrue may be configured either way). */
export interface ServerSettings {
  mailerAutoconfirm: boolean
  phoneAutoconfirm: boolean
  phone: boolean
  anonymous: boolean
}

/** Reads the target's public settings, so a test can adapt to a real server's configuration. */
export async function serverSettings(target: Target): Promise<ServerSettings> {
  const res = await fetch(`${target.url}/settings`, { headers: { apikey: target.anonKey } })
  const body = (await res.json()) as {
    mailer_autoconfirm?: boolean
    phone_autoconfirm?: boolean
    external?: { phone?: boolean; anonymous_users?: boolean }
  }
  return {
    mailerAutoconfirm: body.mailer_autoconfirm === true,
    phoneAutoconfirm: body.phone_autoconfirm === true,
    phone: body.external?.phone === true,
    anonymous: body.external?.anonymous_users === true,
  }
}
