/**
 * The SSR example (`examples/ssr-node`, a plain Node HTTP server on `supabase-auth-machine/ssr`) in Debian's
 * Chromium, against the local auth server: a form-post sign-in lands in real cookies of the browser's jar
 * (`@supabase/ssr`'s format), pages are rendered on the server from them, a due session is refreshed on the
 * server and the new cookies reach the jar, two parallel requests with due cookies (one refresh as shipped,
 * two with the example's refresh coalescing off), an email link through `/auth/callback`, and sign-out.
 * Refreshes are counted at the auth server. The page runs no script of its own, so what it shows
 * is what the server rendered. Screenshots go to `test-results/screenshots/ssr/`. Skipped, with the reason
 * in the suite's name, when Chromium or the built `/ssr` entry is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createAdminClient } from '../../src/admin/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser/browser-harness.js'
import { openSsrExample, skipReason, type SsrExample } from '../support/browser/ssr-example-app.js'
import { cookieNames, decodeSession, parallelWhoami, screenshot, sessionCookie, signIn, waitUntilDue } from '../support/browser/ssr-example-page.js'

const SKIP = skipReason()
const EMAIL = `ssr-example-${Date.now().toString(36)}-${process.pid}@example.com`
const PASSWORD = 'correct-horse-battery'
/** The storage key for an auth server on 127.0.0.1: `sb-<first label of the host>-auth-token`. */
const COOKIE = 'sb-127-auth-token'
/**
 * Seconds an access token is fresh (not yet due). The client refreshes 90 s before expiry but never earlier
 * than half-life, so tokens of twice this are due after it: the first steps run on a fresh token, and each
 * refresh step waits at most this long.
 */
const FRESH_S = 8

describe.skipIf(SKIP !== undefined)(`the SSR example in a browser${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let app: SsrExample
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const refreshes = (): number => app.server.requests.count({ path: '/token', grantType: 'refresh_token' })
  const accountUrl = (): string => `${app.url}account`

  beforeAll(async () => {
    app = await openSsrExample({ jwtExpiry: 2 * FRESH_S })
    const admin = createAdminClient({ url: app.server.url, serviceRoleKey: app.server.serviceRoleKey })
    await admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 800, height: 600 } })
    page = await context.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('signs in by form post, and /account is rendered on the server with the email from verified claims', async () => {
    await page.goto(app.url)
    await page.locator('#sign-in-form').waitFor()
    await screenshot(page, '01-sign-in')
    await page.locator('#email').fill(EMAIL)
    await page.locator('#password').fill(PASSWORD)
    const [account] = await Promise.all([page.waitForResponse((r) => r.url() === accountUrl()), page.locator('#sign-in-button').click()])
    // POST /sign-in answered 303, and the browser followed with a GET.
    const post = account.request().redirectedFrom()
    expect(post?.method()).toBe('POST')
    expect((await post?.response())?.status()).toBe(303)
    expect(account.status()).toBe(200)
    expect(await account.text()).toContain(EMAIL)
    expect(await page.locator('script').count()).toBe(0)
    expect(await page.locator('#account-email').innerText()).toBe(EMAIL)
    expect(await page.locator('#claim-aal').innerText()).toBe('aal1')
    // ES256: the claims were verified on the app server against the JWKS, without asking GET /user.
    expect(app.server.requests.count({ path: '/user' })).toBe(0)
    expect(refreshes()).toBe(0)
    await screenshot(page, '02-account')
  })

  it("keeps the session in real cookies of the browser's jar, in @supabase/ssr's format", async () => {
    const stored = await sessionCookie(context, COOKIE)
    expect(stored).toBeDefined()
    for (const cookie of stored!.cookies) {
      expect(cookie.name).toMatch(/^sb-127-auth-token(\.\d+)?$/)
      expect(cookie).toMatchObject({ domain: '127.0.0.1', path: '/', sameSite: 'Lax' })
    }
    expect(stored!.value.startsWith('base64-')).toBe(true)
    const session = decodeSession(stored!.value)
    expect(session.user.email).toBe(EMAIL)
    expect(typeof session.access_token).toBe('string')
    expect(typeof session.refresh_token).toBe('string')
    expect(session.expires_in).toBe(2 * FRESH_S)
  })

  it('a reload keeps the session, and a fresh token is not refreshed', async () => {
    const before = (await sessionCookie(context, COOKIE))!.value
    await page.reload()
    expect(await page.locator('#account-email').innerText()).toBe(EMAIL)
    expect(refreshes()).toBe(0)
    expect((await sessionCookie(context, COOKIE))!.value === before).toBe(true)
  })

  it('an email link signs in through /auth/callback: the code is traded on the server with the verifier cookie', async () => {
    const other = await browser.newContext()
    try {
      const tab = await other.newPage()
      await tab.goto(app.url)
      await tab.locator('#link-email').fill(EMAIL)
      await tab.locator('#email-link-button').click()
      await tab.locator('#link-sent').waitFor()
      // The PKCE verifier went to this browser's jar with the answer that sent the link.
      expect((await cookieNames(other)).some((name) => name.startsWith(COOKIE) && name.endsWith('-code-verifier'))).toBe(true)
      const link = app.server.outbox.latest(EMAIL, 'magiclink')?.link
      expect(link).toBeDefined()

      const account = await tab.goto(link!)
      expect(tab.url()).toBe(accountUrl())
      expect(account?.request().redirectedFrom()?.url()).toMatch(/\/auth\/callback\?code=/)
      expect(await tab.locator('#account-email').innerText()).toBe(EMAIL)
      expect(app.server.requests.count({ path: '/token', grantType: 'pkce' })).toBe(1)
      // The verifier is spent and gone; the session took its place.
      expect((await cookieNames(other)).some((name) => name.includes('code-verifier'))).toBe(false)
      expect(decodeSession((await sessionCookie(other, COOKIE))!.value).user.email).toBe(EMAIL)
      await screenshot(tab, '03-email-link-account')
    } finally {
      await other.close()
    }
  })

  it('a callback with a code this browser did not ask for signs nobody in', async () => {
    const other = await browser.newContext()
    try {
      const tab = await other.newPage()
      const response = await tab.goto(`${app.url}auth/callback?code=not-a-code-from-this-browser`)
      expect(response?.status()).toBe(400)
      await tab.locator('#error').waitFor()
      await tab.locator('#sign-in-form').waitFor()
      expect(await sessionCookie(other, COOKIE)).toBeUndefined()
      await screenshot(tab, '04-callback-refused')
    } finally {
      await other.close()
    }
  })

  it('once the token is due, the next request refreshes it once and the new cookies land in the jar', async () => {
    const before = (await sessionCookie(context, COOKIE))!
    const old = decodeSession(before.value)
    await waitUntilDue(old)
    const response = await page.reload()
    expect(await page.locator('#account-email').innerText()).toBe(EMAIL)
    expect(refreshes()).toBe(1)
    // The refreshing response carried the entry's no-cache headers with the new cookies.
    expect(response?.headers()['cache-control']).toContain('no-store')
    const renewed = decodeSession((await sessionCookie(context, COOKIE))!.value)
    expect(renewed.refresh_token === old.refresh_token).toBe(false)
    expect(renewed.access_token === old.access_token).toBe(false)
    expect(renewed.expires_at).toBeGreaterThan(old.expires_at)
    // The browser sent the new cookies back: the next request finds a fresh token and refreshes nothing.
    await page.reload()
    expect(await page.locator('#account-email').innerText()).toBe(EMAIL)
    expect(refreshes()).toBe(1)
  })

  it('two parallel requests with the same due cookies make one refresh (two with coalescing off), both answered', async () => {
    // Fresh sessions in two more browsers: one on the example as shipped, one on the same app without coalescing.
    const shipped = await browser.newContext()
    const uncoalesced = await browser.newContext()
    try {
      const [tab, plainTab] = await Promise.all([shipped.newPage(), uncoalesced.newPage()])
      await Promise.all([signIn(tab, app.url, EMAIL, PASSWORD), signIn(plainTab, app.uncoalescedUrl, EMAIL, PASSWORD)])
      const sessions = await Promise.all([shipped, uncoalesced].map(async (jar) => decodeSession((await sessionCookie(jar, COOKIE))!.value)))
      await waitUntilDue(sessions.reduce((later, session) => (session.expires_at > later.expires_at ? session : later)))

      const counted = async (tabOf: Page): Promise<{ refreshes: number; answers: Awaited<ReturnType<typeof parallelWhoami>> }> => {
        const before = refreshes()
        // A slow /token keeps a first refresh in flight while the second request arrives, whatever the machine's speed.
        const removeDelay = app.server.faults.add({ path: '/token', grantType: 'refresh_token', times: 2, action: { delay: 300 } })
        try {
          const answers = await parallelWhoami(tabOf, COOKIE)
          return { refreshes: refreshes() - before, answers }
        } finally {
          removeDelay()
        }
      }
      const coalesced = await counted(tab)
      const plain = await counted(plainTab)
      console.info(`two parallel requests with due cookies: ${coalesced.refreshes} refresh as shipped, ${plain.refreshes} with coalescing off`)

      for (const { answers } of [coalesced, plain]) {
        expect(answers.statuses).toEqual([200, 200])
        expect(answers.emails).toEqual([EMAIL, EMAIL])
        // Both answers stored the same new refresh token, so whichever the jar kept last, it holds the live session.
        expect(answers.sessions).toHaveLength(2)
        expect(answers.sessions[0]!.refresh_token === answers.sessions[1]!.refresh_token).toBe(true)
      }
      expect(coalesced.refreshes).toBe(1)
      // Without coalescing each request spends the same refresh token; the server's reuse rule answers the
      // second with the session's current token, so both succeed, at two refreshes.
      expect(plain.refreshes).toBe(2)
      const refreshStatuses = app.server.requests.all().filter((e) => e.path === '/token' && e.grantType === 'refresh_token').map((e) => e.status)
      expect(refreshStatuses.every((status) => status === 200)).toBe(true)

      await Promise.all([tab.reload(), plainTab.reload()])
      expect(await tab.locator('#account-email').innerText()).toBe(EMAIL)
      expect(await plainTab.locator('#account-email').innerText()).toBe(EMAIL)
    } finally {
      await Promise.all([shipped.close(), uncoalesced.close()])
    }
  })

  it('sign-out clears the cookies, and /account then redirects to the sign-in page', async () => {
    await page.locator('#sign-out-button').click()
    await page.waitForURL(app.url)
    await page.locator('#sign-in-form').waitFor()
    expect(app.server.requests.count({ path: '/logout' })).toBe(1)
    expect(await sessionCookie(context, COOKIE)).toBeUndefined()
    expect((await cookieNames(context)).filter((name) => name.startsWith('sb-'))).toEqual([])

    const response = await page.goto(accountUrl())
    expect(page.url()).toBe(app.url)
    expect((await response?.request().redirectedFrom()?.response())?.status()).toBe(303)
    await page.locator('#sign-in-form').waitFor()
    await screenshot(page, '05-signed-out')
  })
})
