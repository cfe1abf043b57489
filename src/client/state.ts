/**
 * The public state: plain data derived from the chart's snapshot, discriminated by `status`.
 * @module
 */
import type { SnapshotFrom } from 'xstate'
import type { LifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthStatus, SignedOutReason } from '../../machines/lifecycle-types.js'
import { currentAal } from '../../machines/session-facts.js'
import { statusOf } from '../../machines/status.js'
import type { AuthError } from '../errors.js'
import type { AuthenticatorAssuranceLevel, Session, User } from '../types.js'

export type { AuthStatus, SignedOutReason }

interface BaseState {
  /** The last error met (a failed sign-in, a refresh failure); cleared by the next success. */
  error: AuthError | null
  /** `degraded` once the configured storage failed and the session lives in memory only. */
  storage: 'ok' | 'degraded'
}

export interface SignedOutState extends BaseState {
  status: 'signedOut'
  session: null
  user: null
  aal: null
  reason: SignedOutReason
  stale: false
  retryAt: null
}

export interface SignedInState extends BaseState {
  status: 'anonymous' | 'mfaChallenge' | 'authenticated'
  session: Session
  user: User
  aal: AuthenticatorAssuranceLevel
  reason: null
  /** Refreshing keeps failing transiently; the access token is still served while unexpired. */
  stale: boolean
  /** Epoch ms of the next refresh attempt when `stale`. */
  retryAt: number | null
}

export interface BusyState extends BaseState {
  status: 'initializing' | 'signingIn' | 'refreshing' | 'signingOut'
  /** The session in hand while the operation runs (kept during a refresh or a sign-in attempt). */
  session: Session | null
  user: User | null
  aal: AuthenticatorAssuranceLevel | null
  reason: null
  stale: boolean
  retryAt: number | null
}

/** What `state$` emits and `snapshot` returns. */
export type AuthState = SignedOutState | SignedInState | BusyState

type LifecycleSnapshot = SnapshotFrom<LifecycleMachine>

const cache = new WeakMap<LifecycleSnapshot, AuthState>()

/** Same snapshot in, same object out: observers can compare states by reference. */
export function toAuthState(snapshot: LifecycleSnapshot): AuthState {
  const cached = cache.get(snapshot)
  if (cached) return cached
  const state = derive(snapshot)
  cache.set(snapshot, state)
  return state
}

function derive(snapshot: LifecycleSnapshot): AuthState {
  const status = statusOf(snapshot.value)
  const { context } = snapshot
  const base: BaseState = {
    error: context.error,
    storage: context.storageProblem === 'unavailable' ? 'degraded' : 'ok',
  }
  if (status === 'signedOut') {
    return { ...base, status, session: null, user: null, aal: null, reason: context.reason, stale: false, retryAt: null }
  }
  const session = status === 'signingOut' ? null : context.session
  const shared = {
    ...base,
    session,
    user: session?.user ?? null,
    aal: session ? currentAal(session) : null,
    reason: null,
    stale: context.stale,
    retryAt: context.retryAt,
  }
  switch (status) {
    case 'anonymous':
    case 'mfaChallenge':
    case 'authenticated':
      if (session) return { ...shared, status, session, user: session.user, aal: currentAal(session) }
      throw new Error(`The lifecycle chart is ${status} without a session`)
    default:
      return { ...shared, status }
  }
}

/** Two states that a user could not tell apart; `state$` emits only when this is false. */
export function sameState(a: AuthState, b: AuthState): boolean {
  return (
    a.status === b.status &&
    a.session === b.session &&
    a.error === b.error &&
    a.reason === b.reason &&
    a.stale === b.stale &&
    a.retryAt === b.retryAt &&
    a.storage === b.storage
  )
}
