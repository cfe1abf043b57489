/**
 * The Svelte example app (`examples/svelte`) in Debian's Chromium, against the local auth server: sign up,
 * enrol TOTP from the QR screen, sign out, sign in again into the MFA challenge, verify, reload, and keep
 * two tabs in step. Assertions are on what the page shows; screenshots of the key screens go to
 * `test-results/screenshots/svelte/`. Skipped, with the reason in the suite's name, when the example is
 * not installed, the package not built, or Chromium missing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { totpCode } from '../../src/testing/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser/browser-harness.js'
import { openExampleApp, skipReason, type ExampleApp } from '../support/browser/svelte-example-app.js'
import { enrolmentSecret, fillCredentials, qrCodeLoaded, screenshot, statusShown, trail } from '../support/browser/svelte-example-page.js'

const SKIP = skipReason()
const EMAIL = `svelte-example-${Date.now().toString(36)}-${process.pid}@example.com`
const PASSWORD = 'correct-horse-battery'

describe.skipIf(SKIP !== undefined)(`the Svelte example app in a browser${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let app: ExampleApp
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let secret = ''
  /** Uncaught errors in any of the app's pages: none is expected at any step. */
  const pageErrors: string[] = []

  beforeAll(async () => {
    app = await openExampleApp()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 800, height: 720 } })
    context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(error.message)))
    page = await context.newPage()
    await page.goto(app.url)
    await statusShown(page, 'signedOut')
  }, 60_000)

  afterEach(() => {
    expect(pageErrors).toEqual([])
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('signs up (the server confirms at once) and the status line follows the chart through signingIn', async () => {
    await screenshot(page, '01-signed-out')
    await fillCredentials(page, EMAIL, PASSWORD)
    await page.locator('#sign-up-button').click()
    await statusShown(page, 'authenticated')
    await expect.poll(() => page.locator('#signed-in-as').innerText()).toContain(EMAIL)
    expect(await trail(page)).toEqual(expect.arrayContaining(['signedOut', 'signingIn', 'authenticated']))
    expect(await page.locator('#aal').innerText()).toContain('aal1')
    await screenshot(page, '02-signed-up')
  })

  it('enrols TOTP: the QR code is shown, a code from its secret turns it on, and the session reaches aal2', async () => {
    await page.locator('#enroll-button').click()
    await page.locator('#totp-qr').waitFor()
    expect(await qrCodeLoaded(page)).toBe(true)
    secret = await enrolmentSecret(page)
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    await screenshot(page, '03-totp-qr')
    await page.locator('#enroll-code').fill(totpCode(secret))
    await page.locator('#enroll-verify-button').click()
    await page.locator('#totp-on').waitFor()
    await expect.poll(() => page.locator('#aal').innerText()).toContain('aal2')
    await screenshot(page, '04-totp-on')
  })

  it('signs out, signs in again into the MFA challenge, and a TOTP code signs in fully', async () => {
    await page.locator('#sign-out-button').click()
    await statusShown(page, 'signedOut')
    await page.locator('#sign-in').waitFor()
    await fillCredentials(page, EMAIL, PASSWORD)
    await page.locator('#sign-in-button').click()
    await statusShown(page, 'mfaChallenge')
    await page.locator('#mfa-challenge').waitFor()
    expect(await page.locator('#mfa-challenge').innerText()).toContain(EMAIL)
    await screenshot(page, '05-mfa-challenge')
    // The next 30 s step's code (accepted with GoTrue's skew of one step), so it differs from the one used above.
    await page.locator('#mfa-code').fill(totpCode(secret, Date.now() + 30_000))
    await page.locator('#mfa-verify-button').click()
    await statusShown(page, 'authenticated')
    await expect.poll(() => page.locator('#aal').innerText()).toContain('aal2')
    expect(await page.locator('#signed-in-as').innerText()).toContain(EMAIL)
    await screenshot(page, '06-verified')
  })

  it('a reload keeps the session', async () => {
    await page.reload()
    await statusShown(page, 'authenticated')
    expect(await page.locator('#signed-in-as').innerText()).toContain(EMAIL)
    expect(await page.locator('#aal').innerText()).toContain('aal2')
  })

  it('two tabs stay in step: signing out in one signs the other out', async () => {
    const other = await context.newPage()
    await other.goto(app.url)
    await statusShown(other, 'authenticated')
    expect(await other.locator('#signed-in-as').innerText()).toContain(EMAIL)
    await page.locator('#sign-out-button').click()
    await statusShown(page, 'signedOut')
    await statusShown(other, 'signedOut')
    await other.locator('#sign-in').waitFor()
    await screenshot(other, '07-other-tab-signed-out')
    await other.close()
  })

  it('the production build leaves the development panel out: its slot stays empty', async () => {
    expect(await page.locator('#devtools-panel').evaluate((slot) => slot.childNodes.length + (slot.shadowRoot ? 1 : 0))).toBe(0)
  })
})

describe.skipIf(SKIP !== undefined)(`the Svelte example's development build${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let app: ExampleApp
  let browser: Browser

  beforeAll(async () => {
    app = await openExampleApp('development')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('mounts the lifecycle panel (supabase-auth-machine/devtools) into #devtools-panel, following the status', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1100 } })
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(app.url)
    await statusShown(page, 'signedOut')
    // The panel marks its element with the status it highlights (`data-status`, as /devtools documents).
    const panelStatus = () => page.locator('#devtools-panel').evaluate((slot) => slot.firstElementChild?.getAttribute('data-status') ?? null)
    await expect.poll(panelStatus).toBe('signedOut')
    await fillCredentials(page, EMAIL.replace('@', '-dev@'), PASSWORD)
    await page.locator('#sign-up-button').click()
    await statusShown(page, 'authenticated')
    await expect.poll(panelStatus).toBe('authenticated')
    await screenshot(page, '08-development-panel')
    expect(pageErrors).toEqual([])
  })
})
