/**
 * The checks every property shares: a call settles (within a bound) with a value or a typed error, no
 * message carries a secret, the chart is alive and in one of its statuses, and nothing was rejected
 * without a handler.
 */
import type { AuthClient } from '../../../src/index.js'
import { isAuthError, type AuthErrorName } from '../../../src/errors.js'
import type { AuthStatus } from '../../../src/client/state.js'

export const STATUSES: readonly AuthStatus[] = ['initializing', 'signedOut', 'signingIn', 'anonymous', 'mfaChallenge', 'authenticated', 'refreshing', 'signingOut']
export const SIGNED_IN: readonly AuthStatus[] = ['anonymous', 'mfaChallenge', 'authenticated']

const ERROR_NAMES: ReadonlySet<string> = new Set<AuthErrorName>([
  'AuthError', 'AuthApiError', 'AuthRetryableFetchError', 'AuthSessionMissingError', 'AuthWeakPasswordError',
  'AuthInvalidCredentialsError', 'AuthInvalidTokenResponseError', 'AuthInvalidJwtError', 'AuthPKCEGrantCodeExchangeError',
  'AuthPKCECodeVerifierMissingError', 'AuthImplicitGrantRedirectError', 'WebAuthnError', 'Web3WalletError',
])

export type Outcome =
  | { kind: 'resolved'; value: unknown }
  | { kind: 'rejected'; error: unknown }
  /** Threw before returning a promise: an async method never should. */
  | { kind: 'thrown'; error: unknown }
  | { kind: 'unsettled' }

/** Calls `call` and waits at most `boundMs` for its promise. */
export async function settle(call: () => unknown, boundMs: number): Promise<Outcome> {
  let pending: unknown
  try {
    pending = call()
  } catch (error) {
    return { kind: 'thrown', error }
  }
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unsettled' }), boundMs)
  })
  const result = Promise.resolve(pending).then(
    (value): Outcome => ({ kind: 'resolved', value }),
    (error: unknown): Outcome => ({ kind: 'rejected', error }),
  )
  try {
    return await Promise.race([result, bound])
  } finally {
    clearTimeout(timer)
  }
}

/** True for an error of the library's own taxonomy (by its realm-safe marker and a known name). */
export function isTypedError(error: unknown): boolean {
  return isAuthError(error) && ERROR_NAMES.has(error.name)
}

/** A one-line account of what a call did, for assertion messages. */
export function describe(outcome: Outcome): string {
  if (outcome.kind === 'resolved' || outcome.kind === 'unsettled') return outcome.kind
  const error = outcome.error
  const detail = error instanceof Error ? `${error.name}: ${error.message} ${isAuthError(error) ? `[${String(error.code)} ${String(error.status)}]` : ''}` : String(error)
  return `${outcome.kind} ${detail}\n${error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join('\n') : ''}`
}

/** Every message an error carries, its causes' included (loggers print those too). */
function messagesOf(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return []
  const message = (error as { message?: unknown }).message
  const own = typeof message === 'string' ? [message] : []
  return [...own, ...messagesOf((error as { cause?: unknown }).cause, depth + 1)]
}

/** The secrets (of at least 4 characters, as the client's redaction counts them) that `error`'s messages contain. */
export function leakedSecrets(error: unknown, secrets: Iterable<string>): string[] {
  const text = messagesOf(error).join('\n')
  return [...new Set(secrets)].filter((secret) => secret.length >= 4 && text.includes(secret))
}

/** Resolves true once the chart is at rest (a status with no operation in flight), false after `ms`. */
export function atRest(auth: AuthClient, ms: number): Promise<boolean> {
  const restful = () => auth.actor.getSnapshot().status !== 'active' || auth.actor.getSnapshot().hasTag('settled')
  if (restful()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), ms)
    const subscription = auth.actor.subscribe({ next: () => restful() && finish(true), error: () => finish(true) })
    function finish(value: boolean): void {
      clearTimeout(timer)
      subscription.unsubscribe()
      resolve(value)
    }
  })
}

/** The chart is still running, and shows one of its statuses. */
export function chartHealth(auth: AuthClient): string | null {
  const snapshot = auth.actor.getSnapshot()
  if (snapshot.status !== 'active') return `the chart stopped (${snapshot.status}): ${String((snapshot as { error?: unknown }).error)}`
  let status: string
  try {
    status = auth.snapshot.status
  } catch (error) {
    return `no status: ${String(error)}`
  }
  return STATUSES.includes(status as AuthStatus) ? null : `unknown status ${status}`
}

/** Collects unhandled rejections while installed: none may happen while a property runs. */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = []
  const listener = (reason: unknown) => seen.push(reason)
  process.on('unhandledRejection', listener)
  return { seen, stop: () => process.off('unhandledRejection', listener) }
}
