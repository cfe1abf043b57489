/**
 * The app page of the OAuth browser tests, as an app would write it: on load it creates ONE auth client,
 * which reads the URL it was opened with (`detectSessionInUrl`). Its path says which client and flow:
 * `/<ours|authjs>/<pkce|implicit>/` (a start page) or `…/welcome` (where a sign-in returns to).
 *
 * `ours` is the BUILT package: the harness bundles this file with the `src/index.js` and `src/handoff/index.js`
 * imports below redirected to the build's `index.js` and `handoff.js` (the imports stay here for the types).
 * `authjs` is `@supabase/auth-js` 2.119, on the storage key supabase-js would give it, so both read and write the
 * same localStorage entries.
 */
import { GoTrueClient } from '@supabase/auth-js'
import * as lib from '../../../src/index.js'
import type { AuthClient, AuthStatus } from '../../../src/index.js'
import { implicitFlow } from '../../../src/handoff/index.js'

/** Written into the page by the page server. */
export interface OAuthPageConfig {
  url: string
  apiKey: string
}

export type ClientKind = 'ours' | 'authjs'
export type FlowType = 'pkce' | 'implicit'

/** How initializing ended, read after the client is ready. */
export interface Landing {
  kind: ClientKind
  /** Ours: `snapshot.status`; auth-js: `authenticated` when `getSession()` has a session, else `signedOut`. */
  status: AuthStatus
  email: string | null
  provider: string | null
  refreshToken: string | null
  error: { name: string; message: string; details: unknown; isRedirectError: boolean } | null
  /** `location.href` once ready: the callback must be gone. */
  href: string
  /** Every status ours passed through on this page (auth-js: empty). */
  seen: AuthStatus[]
  storageKeys: string[]
}

export interface OAuthApp {
  kind: ClientKind
  flowType: FlowType
  storageKey: string
  /** `location.href` before the client was created: what the provider sent the browser back with. */
  landedAt: string
  ready: Promise<Landing>
  /** Starts `signInWithOAuth({ provider: 'github', options: { redirectTo } })`; the page then leaves. */
  signIn(redirectTo: string): void
  /** Set if `signIn` failed instead of leaving the page. */
  signInError: string | null
}

export interface OAuthPageGlobal {
  app: OAuthApp
  oauthPageConfig: OAuthPageConfig
}

const page = globalThis as unknown as OAuthPageGlobal
const { url, apiKey } = page.oauthPageConfig
const [, kindSegment, flowSegment] = location.pathname.split('/')
const kind: ClientKind = kindSegment === 'authjs' ? 'authjs' : 'ours'
const flowType: FlowType = flowSegment === 'implicit' ? 'implicit' : 'pkce'
/** supabase-js's key for `http://127.0.0.1:<port>/auth/v1`: `sb-<first hostname label>-auth-token`. */
const storageKey = `sb-${new URL(url).hostname.split('.')[0]}-auth-token`
const landedAt = location.href

function errorOf(error: unknown): Landing['error'] {
  if (error === null || error === undefined) return null
  const { name, message, details } = error as { name?: string; message?: string; details?: unknown }
  const isRedirectError = kind === 'ours' ? error instanceof lib.AuthImplicitGrantRedirectError : name === 'AuthImplicitGrantRedirectError'
  return { name: String(name), message: String(message), details: details ?? null, isRedirectError }
}

function ours(): Pick<OAuthApp, 'ready' | 'signIn'> {
  const auth: AuthClient = lib.createAuthClient({ url, apiKey, flowType: flowType === 'implicit' ? implicitFlow : 'pkce' })
  const seen: AuthStatus[] = []
  auth.state$.subscribe((state) => seen.push(state.status))
  return {
    ready: auth.ready.then(() => {
      const { status, user, session, error } = auth.snapshot
      const provider = user?.app_metadata['provider']
      return {
        kind,
        status,
        email: user?.email ?? null,
        provider: typeof provider === 'string' ? provider : null,
        refreshToken: session?.refresh_token ?? null,
        error: errorOf(error),
        href: location.href,
        seen,
        storageKeys: Object.keys(localStorage).sort(),
      }
    }),
    signIn(redirectTo) {
      auth.signInWithOAuth({ provider: 'github', options: { redirectTo } }).catch((error: unknown) => (app.signInError = String(error)))
    },
  }
}

function authJs(): Pick<OAuthApp, 'ready' | 'signIn'> {
  const client = new GoTrueClient({ url, headers: { apikey: apiKey }, storageKey, flowType, detectSessionInUrl: true })
  return {
    ready: client.initialize().then(async ({ error }) => {
      const { data } = await client.getSession()
      const { session } = data
      const provider = session?.user.app_metadata['provider']
      return {
        kind,
        status: session ? 'authenticated' : 'signedOut',
        email: session?.user.email ?? null,
        provider: typeof provider === 'string' ? provider : null,
        refreshToken: session?.refresh_token ?? null,
        error: errorOf(error),
        href: location.href,
        seen: [],
        storageKeys: Object.keys(localStorage).sort(),
      }
    }),
    signIn(redirectTo) {
      client
        .signInWithOAuth({ provider: 'github', options: { redirectTo } })
        .then(({ error }) => error && (app.signInError = String(error)))
        .catch((error: unknown) => (app.signInError = String(error)))
    },
  }
}

const app: OAuthApp = { kind, flowType, storageKey, landedAt, signInError: null, ...(kind === 'ours' ? ours() : authJs()) }
page.app = app
