/**
 * The WebAuthn browser tests' world: the package BUILT into a scratch folder (`scripts/build.ts`, as the
 * OAuth tests do), an app page bundled from that build (`webauthn-page.ts`), served from two origins on
 * `localhost` (a secure context, so WebAuthn is available, and the RP ID `localhost` fits both), the local
 * auth server with WebAuthn factors and passkeys on and ONLY the first origin among its RP origins, and one
 * headless Debian chromium. Authenticators are Chromium's virtual ones, added over the DevTools protocol
 * (`WebAuthn.*`): no hardware, no UI, nothing downloaded.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type CDPSession, type JSHandle, type Page } from 'playwright-core'
import { createAdminClient, type AdminClient } from '../../../src/admin/index.js'
import { startAuthServer, type AuthServer } from '../../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness.js'
import { bundleBuiltPage, serveAppPage } from './built-page.js'
import type { ClientView, Op, Outcome, WebAuthnApp, WebAuthnPageConfig, WebAuthnPageGlobal } from './webauthn-page.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** Inside the project, so the build's bare imports (xstate, rxjs) resolve from node_modules; ours alone. */
export const BUILD_DIR = 'node_modules/.cache/browser-webauthn-test'
const PAGE_ENTRY = fileURLToPath(new URL('./webauthn-page.ts', import.meta.url))
const SHOTS = fileURLToPath(new URL('../../../test-results/screenshots/webauthn/', import.meta.url))
/** Short, so a ceremony that hangs fails in seconds, not at the test timeout. */
const STEP_TIMEOUT_MS = 10_000
export const PASSWORD = 'correct horse battery staple'

/** The virtual authenticator options this suite uses (`WebAuthn.VirtualAuthenticatorOptions`). */
export interface AuthenticatorOptions {
  protocol: 'u2f' | 'ctap2'
  transport: 'usb' | 'internal'
  hasResidentKey: boolean
  hasUserVerification: boolean
  isUserVerified?: boolean
  automaticPresenceSimulation?: boolean
}

/** A credential as the virtual authenticator holds it (the private key stays out: tests never need to print it). */
export interface HeldCredential {
  credentialId: string
  isResidentCredential: boolean
  rpId: string | undefined
  signCount: number
  userHandle: string | undefined
}

export interface AppTab {
  page: Page
  cdp: CDPSession
  /** Runs one operation in the page (see `webauthn-page.ts`); never rejects for the operation's own failure. */
  run<T = unknown>(op: Op): Promise<Outcome<T>>
  view(): Promise<ClientView>
  seen(): Promise<string[]>
  /** Evaluates `read` against the page's app (shipped as source: self-contained, `arg` JSON-serializable). */
  app<T, A = undefined>(read: (app: WebAuthnApp, arg: A) => T | Promise<T>, arg?: A): Promise<T>
  /** Adds a virtual authenticator to this tab; resolves with its id. */
  addAuthenticator(options: AuthenticatorOptions): Promise<string>
  removeAuthenticator(authenticatorId: string): Promise<void>
  credentials(authenticatorId: string): Promise<HeldCredential[]>
  /** Whether the authenticator's user verification (PIN, fingerprint) succeeds from now on. */
  setUserVerified(authenticatorId: string, isUserVerified: boolean): Promise<void>
  /** Whether the user touches the key by themselves; off, every prompt waits for a touch that never comes. */
  setPresence(authenticatorId: string, enabled: boolean): Promise<void>
  /** Reloads the page (a new client, the same authenticators) and waits for the client to be ready. */
  reload(): Promise<ClientView>
  screenshot(name: string): Promise<void>
}

export interface WebAuthnWorld {
  server: AuthServer
  admin: AdminClient
  browser: Browser
  /** `http://localhost:<port>`: among the server's RP origins. */
  origin: string
  /** `http://localhost:<other port>`: the same page, NOT among the server's RP origins. */
  foreignOrigin: string
  /** The page bundle's inputs, relative to the project root. */
  bundleInputs: string[]
  /** A confirmed user with {@link PASSWORD}, made through the admin API. */
  newUser(tag: string): Promise<{ id: string; email: string }>
  /** A fresh browser profile with one app page at `origin` (default {@link origin}), the client ready. */
  openTab(origin?: string): Promise<AppTab>
  closeContexts(): Promise<void>
  close(): Promise<void>
}

function servePage(config: () => WebAuthnPageConfig, script: () => string): Promise<{ server: Server; origin: string }> {
  return serveAppPage({ title: 'webauthn app', configGlobal: 'webauthnPageConfig', config, script })
}

function closeServer(server: Server): () => Promise<void> {
  return () =>
    new Promise((done) => {
      server.close(() => done())
      server.closeAllConnections()
    })
}

async function openAppTab(context: BrowserContext, url: string): Promise<AppTab> {
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  // Virtual authenticators replace the platform's; without UI, a ceremony is answered by them alone.
  await cdp.send('WebAuthn.enable', { enableUI: false })
  // The app is re-acquired after every load: a handle dies with the page that made it.
  let handle: JSHandle<WebAuthnApp> | undefined
  const attach = async (): Promise<ClientView> => {
    await page.waitForFunction(() => (globalThis as unknown as Partial<WebAuthnPageGlobal>).app !== undefined)
    handle = await page.evaluateHandle(() => (globalThis as unknown as WebAuthnPageGlobal).app)
    return handle.evaluate((app) => app.ready)
  }
  await page.goto(url)
  await attach()
  const app: AppTab['app'] = (read, arg) => handle!.evaluate(read, arg as never)
  return {
    page,
    cdp,
    run: (op) => app((app, op) => app.run(op), op) as never,
    view: () => app((app) => app.view()),
    seen: () => app((app) => [...app.seen]),
    app,
    async addAuthenticator(options) {
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { isUserVerified: false, automaticPresenceSimulation: true, ...options },
      })
      return authenticatorId
    },
    async removeAuthenticator(authenticatorId) {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
    },
    async credentials(authenticatorId) {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
      return credentials.map(({ credentialId, isResidentCredential, rpId, signCount, userHandle }) => ({
        credentialId,
        isResidentCredential,
        rpId,
        signCount,
        userHandle,
      }))
    },
    async setUserVerified(authenticatorId, isUserVerified) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified })
    },
    async setPresence(authenticatorId, enabled) {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled })
    },
    async reload() {
      await page.reload()
      return attach()
    },
    async screenshot(name) {
      await mkdir(SHOTS, { recursive: true })
      await page.screenshot({ path: join(SHOTS, `${name}.png`) })
    },
  }
}

/** Call in `beforeAll`; `close()` in `afterAll`. */
export async function openWebAuthnWorld(): Promise<WebAuthnWorld> {
  const cleanups: Array<() => Promise<void>> = [() => rm(resolve(ROOT, BUILD_DIR), { recursive: true, force: true })]
  const contexts: BrowserContext[] = []
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  }
  try {
    let config: WebAuthnPageConfig | undefined
    let script = ''
    const home = await servePage(() => config!, () => script)
    cleanups.push(closeServer(home.server))
    const foreign = await servePage(() => config!, () => script)
    cleanups.push(closeServer(foreign.server))
    const server = await startAuthServer({
      mfaWebAuthnEnroll: true,
      mfaWebAuthnVerify: true,
      passkeyEnabled: true,
      webauthnRpId: 'localhost',
      webauthnRpOrigins: [home.origin],
    })
    cleanups.push(() => server.close())
    config = { url: server.url, apiKey: server.anonKey }
    const [bundled, browser] = await Promise.all([bundleBuiltPage('webauthn', PAGE_ENTRY, ['index', 'webauthn', 'mfa']), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })])
    cleanups.push(() => browser.close())
    script = bundled.script
    const admin = createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey })
    const closeContexts = async () => {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined)
    }
    cleanups.push(closeContexts)
    return {
      server,
      admin,
      browser,
      origin: home.origin,
      foreignOrigin: foreign.origin,
      bundleInputs: bundled.inputs,
      async newUser(tag) {
        const email = `${tag}-${randomUUID().slice(0, 8)}@example.com`
        const { user } = await admin.createUser({ email, password: PASSWORD, email_confirm: true })
        return { id: user.id, email }
      },
      async openTab(origin = home.origin) {
        const context = await browser.newContext()
        context.setDefaultTimeout(STEP_TIMEOUT_MS)
        contexts.push(context)
        return openAppTab(context, `${origin}/`)
      },
      closeContexts,
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
