/**
 * The app page of the WebAuthn browser tests: ONE auth client per page load, driven through `app.run(op)`
 * with operations the test names as plain data (Playwright ships page functions as source, so the test
 * cannot pass functions that close over Node values). Every operation ends in an {@link Outcome}: errors
 * are caught here and described by name, code, status and the browser's own `cause`, so a rejection the
 * test expects is data, and one it does not expect still says what the browser said.
 *
 * The imports below name the SOURCES for their types; the harness bundles this file with each of them
 * redirected to the BUILT entry (`index.js`, `webauthn.js`, `mfa.js`), and the first test checks that.
 *
 * Tokens never leave the page: a view names each access token by the order the page first saw it
 * (`token: 3`), so tests compare tokens by equality without printing them.
 */
import { createAuthClient } from '../../../src/index.js'
import type { AuthClient, AuthStatus } from '../../../src/index.js'
import { mfa } from '../../../src/mfa/index.js'
import { cancelCeremony, isWebAuthnError, passkey, registerPasskey, signInWithPasskey, webauthn } from '../../../src/webauthn/index.js'

/** Written into the page by the page server. */
export interface WebAuthnPageConfig {
  url: string
  apiKey: string
}

/** The client as the test may see it: no tokens, only their ordinal. */
export interface ClientView {
  status: AuthStatus
  aal: string | null
  userId: string | null
  /** 1 for the first access token this page saw, 2 for the next, …; null without a session. */
  token: number | null
  /** The `amr` methods of the access token, e.g. `['password', 'webauthn']`. */
  amr: string[]
}

export interface Failure {
  name: string
  message: string
  code: string | null
  status: number | null
  isWebAuthnError: boolean
  /** The browser's error behind a WebAuthnError (a DOMException), by name and message. */
  cause: { name: string; message: string } | null
}

export type Outcome<T> = { ok: true; value: T; view: ClientView } | { ok: false; error: Failure; view: ClientView }

/** Overrides laid over the server's creation options (a `Partial<PublicKeyCredentialCreationOptions>`, as JSON). */
export interface CreateOverrides {
  rp?: { id?: string; name?: string }
  timeout?: number
}

/** What a test can ask the page to do. */
export type Op =
  | { kind: 'signIn'; email: string; password: string }
  | { kind: 'signOut' }
  | { kind: 'register'; friendlyName: string; rpId?: string; create?: CreateOverrides }
  | { kind: 'authenticate'; factorId: string }
  | { kind: 'registerPasskey' }
  | { kind: 'signInWithPasskey' }
  | { kind: 'listFactors' }
  | { kind: 'assurance' }
  | { kind: 'passkeys' }

export interface FactorView {
  id: string
  factor_type: string
  status: string
  friendly_name: string | undefined
}

export interface WebAuthnApp {
  ready: Promise<ClientView>
  /** Every status the client passed through on this page load, in order (repeats collapsed). */
  seen: AuthStatus[]
  view(): ClientView
  run(op: Op): Promise<Outcome<unknown>>
  /** Starts `op` and keeps its outcome under `label`, for a later `result(label)` (ceremonies left pending). */
  start(label: string, op: Op): void
  result(label: string): Promise<Outcome<unknown>>
  /** The package's `cancelCeremony()`: aborts the ceremony in progress. */
  cancel(): void
}

export interface WebAuthnPageGlobal {
  app: WebAuthnApp
  webauthnPageConfig: WebAuthnPageConfig
}

const page = globalThis as unknown as WebAuthnPageGlobal
const { url, apiKey } = page.webauthnPageConfig
const auth: AuthClient = createAuthClient({ url, apiKey })
const tokens: string[] = []
const seen: AuthStatus[] = []
const started = new Map<string, Promise<Outcome<unknown>>>()

auth.state$.subscribe((state) => {
  if (seen.at(-1) !== state.status) seen.push(state.status)
  render()
})

function tokenNumber(token: string | undefined): number | null {
  if (token === undefined) return null
  if (!tokens.includes(token)) tokens.push(token)
  return tokens.indexOf(token) + 1
}

/** The `amr` methods of a JWT's payload; the payload is read, never verified (the server signed it). */
function amrOf(token: string | undefined): string[] {
  const payload = token?.split('.')[1]
  if (payload === undefined) return []
  const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'))
  const amr = (JSON.parse(json) as { amr?: Array<{ method?: string }> }).amr ?? []
  return amr.map((entry) => String(entry.method))
}

function view(): ClientView {
  const { status, aal, user, session } = auth.snapshot
  return { status, aal, userId: user?.id ?? null, token: tokenNumber(session?.access_token), amr: amrOf(session?.access_token) }
}

/** Shown on the page, for the screenshots: status and assurance level only. */
function render(): void {
  if (typeof document === 'undefined' || document.body === null) return
  const { status, aal, amr } = view()
  document.body.innerHTML = `<main style="font:16px system-ui;padding:24px"><h1>WebAuthn test page</h1>
<p>origin <code>${location.origin}</code></p><p>status <b id="status">${status}</b> · aal <b id="aal">${aal ?? '—'}</b> · amr <b>${amr.join(', ') || '—'}</b></p></main>`
}

function describeFailure(error: unknown): Failure {
  const e = error as { name?: unknown; message?: unknown; code?: unknown; status?: unknown; cause?: unknown }
  const cause = e.cause as { name?: unknown; message?: unknown } | undefined
  return {
    name: String(e.name),
    message: String(e.message),
    code: typeof e.code === 'string' ? e.code : null,
    status: typeof e.status === 'number' ? e.status : null,
    isWebAuthnError: isWebAuthnError(error),
    cause: cause !== undefined && cause !== null ? { name: String(cause.name), message: String(cause.message) } : null,
  }
}

async function perform(op: Op): Promise<unknown> {
  switch (op.kind) {
    case 'signIn':
      await auth.signInWithPassword({ email: op.email, password: op.password })
      return null
    case 'signOut':
      await auth.signOut()
      return null
    case 'register': {
      const params = op.rpId === undefined ? { friendlyName: op.friendlyName } : { friendlyName: op.friendlyName, webauthn: { rpId: op.rpId } }
      await webauthn(auth).register(params, op.create as Partial<PublicKeyCredentialCreationOptions> | undefined)
      return null
    }
    case 'authenticate':
      await webauthn(auth).authenticate({ factorId: op.factorId })
      return null
    case 'registerPasskey': {
      const created = await registerPasskey(auth)
      return { id: created.id, friendly_name: created.friendly_name }
    }
    case 'signInWithPasskey': {
      const { user } = await signInWithPasskey(auth)
      return { userId: user?.id ?? null }
    }
    case 'listFactors': {
      const { all, webauthn: verified } = await mfa(auth).listFactors()
      const shape = (f: (typeof all)[number]): FactorView => ({ id: f.id, factor_type: f.factor_type, status: f.status, friendly_name: f.friendly_name })
      return { all: all.map(shape), webauthn: verified.map(shape) }
    }
    case 'assurance': {
      const { currentLevel, nextLevel, currentAuthenticationMethods } = await mfa(auth).getAuthenticatorAssuranceLevel()
      return { currentLevel, nextLevel, methods: currentAuthenticationMethods.map((entry) => entry.method) }
    }
    case 'passkeys':
      return (await passkey(auth).list()).map((p) => ({ id: p.id, friendly_name: p.friendly_name }))
  }
}

async function run(op: Op): Promise<Outcome<unknown>> {
  try {
    const value = await perform(op)
    return { ok: true, value, view: view() }
  } catch (error) {
    return { ok: false, error: describeFailure(error), view: view() }
  }
}

page.app = {
  ready: auth.ready.then(() => view()),
  seen,
  view,
  run,
  start(label, op) {
    started.set(label, run(op))
  },
  result(label) {
    const outcome = started.get(label)
    if (outcome === undefined) return Promise.reject(new Error(`nothing was started as ${label}`))
    return outcome
  },
  cancel: () => cancelCeremony(),
}
