/**
 * The Angular example app (`examples/angular`, built by `@angular/build`) in Debian's Chromium against the
 * local auth server: sign up, call `/user` through the interceptor, enrol TOTP (QR code), sign out, sign
 * in again → the MFA challenge page → verify, a reload keeps the session, and two tabs stay in step.
 * Every assertion is on what the page shows. Screenshots go to `test-results/screenshots/angular/`.
 *
 * Skipped without `/usr/bin/chromium` or without the example's install (`cd examples/angular && npm ci`).
 * The build in `examples/angular/dist` is used when it is newer than the example's sources and its copy
 * of this package; otherwise it is built first (~20 s).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAuthServer, totpCode, type AuthServer } from '../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../support/browser/browser-harness.js'
import { EXAMPLE_BUILD, EXAMPLE_DIR, serveExample, type ExampleSite } from '../support/browser/angular-example-server.js'

const INSTALLED = join(EXAMPLE_DIR, 'node_modules', '@angular', 'build')
const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/angular/', import.meta.url))

const skipReason = !hasChromium
  ? `${CHROMIUM} not found; apt-get install -y chromium`
  : !existsSync(INSTALLED)
    ? 'examples/angular is not installed; cd examples/angular && npm ci'
    : ''

/** Newest modification time under `dir` (files only). */
function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

/** Builds the example unless its build is newer than its sources and its installed copy of this package. */
function ensureBuilt(): void {
  const index = join(EXAMPLE_BUILD, 'index.html')
  const inputs = Math.max(newest(join(EXAMPLE_DIR, 'src')), newest(join(EXAMPLE_DIR, 'node_modules', 'supabase-auth-machine', 'dist')))
  if (existsSync(index) && statSync(index).mtimeMs > inputs) return
  const ng = join(EXAMPLE_DIR, 'node_modules', '@angular', 'cli', 'bin', 'ng.js')
  execFileSync(process.execPath, [ng, 'build'], { cwd: EXAMPLE_DIR, stdio: 'pipe', env: { ...process.env, NG_CLI_ANALYTICS: 'false' }, timeout: 120_000 })
}

let server: AuthServer
let site: ExampleSite
let browser: Browser
let context: BrowserContext
let tab: Page
const user = { email: `angular-${Date.now().toString(36)}@example.com`, password: 'correct-horse-battery' }
let secret = ''

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

/** Waits until the page's status line shows `status`. */
async function statusIs(page: Page, status: string): Promise<void> {
  await page.waitForSelector(`#status[data-status="${status}"]`, { timeout: 10_000 })
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent({ timeout: 10_000 }))?.trim() ?? ''
}

describe.skipIf(skipReason !== '')(`Angular example app in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    ensureBuilt()
    mkdirSync(SHOTS, { recursive: true })
    server = await startAuthServer({ mailerAutoconfirm: true, uriAllowList: ['http://127.0.0.1:*/**'] })
    site = await serveExample({ url: server.url, apiKey: server.anonKey })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 900, height: 800 } })
    tab = await context.newPage()
  }, 150_000)

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await server?.close()
  })

  it('signs up, calls /user through the interceptor, enrols TOTP, then signs in again through the MFA challenge', async () => {
    await tab.goto(`${site.origin}/account`)
    await statusIs(tab, 'signedOut')
    expect(new URL(tab.url()).pathname).toBe('/sign-in') // the guard sent us here
    await shot(tab, '01-sign-in')

    await tab.fill('#email', user.email)
    await tab.fill('#password', user.password)
    await tab.click('#sign-up')
    await statusIs(tab, 'authenticated')
    await tab.waitForURL('**/account')
    expect(await text(tab, '#user-email')).toBe(user.email)
    expect(await text(tab, '#status-history')).toContain('signingIn → authenticated') // the line followed the chart

    server.requests.clear()
    await tab.click('#load-profile')
    expect(await text(tab, '#profile')).toContain(`200 OK · ${user.email}`)
    expect(server.requests.count({ method: 'GET', path: '/user' })).toBe(1)
    await shot(tab, '02-account')

    await tab.click('#enrol')
    await tab.waitForSelector('#totp-qr')
    expect(await tab.$eval('#totp-qr', (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true)
    secret = await text(tab, '#totp-secret')
    await shot(tab, '03-totp-qr')
    await tab.fill('#totp-code', totpCode(secret))
    await tab.click('#confirm-totp')
    await tab.waitForSelector('#mfa-on')
    expect(await text(tab, '#aal')).toBe('aal2')

    await tab.click('#sign-out')
    await statusIs(tab, 'signedOut')
    await tab.waitForURL('**/sign-in')

    await tab.fill('#email', user.email)
    await tab.fill('#password', user.password)
    await tab.click('#sign-in')
    await statusIs(tab, 'mfaChallenge')
    await tab.waitForURL('**/mfa')
    await shot(tab, '04-mfa-challenge')
    await tab.fill('#mfa-code', totpCode(secret))
    await tab.click('#verify')
    await statusIs(tab, 'authenticated')
    await tab.waitForURL('**/account')
    expect(await text(tab, '#aal')).toBe('aal2')
    await shot(tab, '05-signed-in-aal2')
  }, 60_000)

  it('a reload keeps the session', async () => {
    await tab.reload()
    await statusIs(tab, 'authenticated')
    expect(new URL(tab.url()).pathname).toBe('/account')
    expect(await text(tab, '#user-email')).toBe(user.email)
    expect(await text(tab, '#aal')).toBe('aal2')
  }, 30_000)

  it('two tabs stay in step: signing out in one moves the other to the sign-in page', async () => {
    const second = await context.newPage()
    await second.goto(`${site.origin}/account`)
    await statusIs(second, 'authenticated')
    expect(await text(second, '#user-email')).toBe(user.email)

    await second.click('#sign-out')
    await statusIs(second, 'signedOut')
    await statusIs(tab, 'signedOut')
    await tab.waitForURL('**/sign-in')
    expect(await tab.locator('#user-email').count()).toBe(0)
    await shot(tab, '06-signed-out-by-other-tab')
    await second.close()
  }, 30_000)
})
