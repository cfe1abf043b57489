/**
 * What the SSR example's browser test reads: the session cookies in the browser's jar (as `@supabase/ssr`
 * writes them: `base64-` + base64url JSON, split into `.0`, `.1`, … chunks when long), screenshots, and the
 * moment a session becomes due for refresh. Token values are compared, never printed.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Cookie, Page, Response } from 'playwright-core'

/** Screenshots of the key screens, for a person to look at (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/ssr/', import.meta.url))

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/**
 * The client's default refresh margin (auth-js's): a token is due this long before it expires, but never
 * more than half its lifetime (`machines/refresh-policy.ts`), so a short-lived token is due at half-life.
 */
export const REFRESH_MARGIN_MS = 90_000

export interface SessionCookie {
  /** The cookies holding the session, in chunk order (one, or `.0`, `.1`, …). */
  cookies: Cookie[]
  /** Their values joined: the stored value, `base64-…`. */
  value: string
}

/** The jar's cookies for `key` (e.g. `sb-127-auth-token`): the session, or `undefined` when there is none. */
export async function sessionCookie(context: BrowserContext, key: string): Promise<SessionCookie | undefined> {
  const chunkIndex = (cookie: Cookie): number => (cookie.name === key ? -1 : Number(cookie.name.slice(key.length + 1)))
  const cookies = (await context.cookies())
    .filter((cookie) => cookie.name === key || new RegExp(`^${key}\\.\\d+$`).test(cookie.name))
    .sort((a, b) => chunkIndex(a) - chunkIndex(b))
  if (cookies.length === 0) return undefined
  return { cookies, value: cookies.map((cookie) => cookie.value).join('') }
}

/** Names of every cookie in the jar (names only: values hold tokens). */
export async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => cookie.name).sort()
}

/** The fields of a stored session the test looks at. */
export interface StoredSession {
  access_token: string
  refresh_token: string
  expires_at: number
  expires_in: number
  user: { email?: string }
}

/** `base64-<base64url JSON>` → the session; throws when the value is not in that format. */
export function decodeSession(value: string): StoredSession {
  if (!value.startsWith('base64-')) throw new Error('the session cookie is not in the base64- format')
  return JSON.parse(Buffer.from(value.slice('base64-'.length), 'base64url').toString('utf8')) as StoredSession
}

/** Waits until a server client would refresh `session` on read (its expiry minus the margin), plus `slackMs`. */
export async function waitUntilDue(session: StoredSession, slackMs = 1_000): Promise<void> {
  const margin = Math.min(REFRESH_MARGIN_MS, (session.expires_in * 1000) / 2)
  const wait = session.expires_at * 1000 - margin + slackMs - Date.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}

/** Signs in with the example's password form at `url` and waits for the account page. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url)
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  await Promise.all([page.waitForURL(`${url}account`), page.locator('#sign-in-button').click()])
}

/** The session a response's `Set-Cookie` headers store under `key` (chunks joined), or `undefined`. */
async function sessionSetBy(response: Response, key: string): Promise<StoredSession | undefined> {
  const pairs = (await response.headersArray())
    .filter((header) => header.name.toLowerCase() === 'set-cookie')
    .map((header) => header.value.split(';')[0]!)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), decodeURIComponent(pair.slice(pair.indexOf('=') + 1))] as const)
    .filter(([name, value]) => value !== '' && (name === key || new RegExp(`^${key}\\.\\d+$`).test(name)))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
  return pairs.length === 0 ? undefined : decodeSession(pairs.map(([, value]) => value).join(''))
}

export interface ParallelAnswers {
  statuses: number[]
  emails: Array<string | undefined>
  /** Sessions the answers' `Set-Cookie` headers stored (one per answer that wrote cookies). */
  sessions: StoredSession[]
}

/**
 * Two `fetch('/api/whoami')` from the page at once: the same cookies leave with both. `no-store`, because
 * Chromium otherwise holds the second of two identical GETs until the first answers (its HTTP cache lock).
 */
export async function parallelWhoami(page: Page, key: string): Promise<ParallelAnswers> {
  const responses: Response[] = []
  const collect = (response: Response): void => {
    if (new URL(response.url()).pathname === '/api/whoami') responses.push(response)
  }
  page.on('response', collect)
  try {
    const answers = await page.evaluate(() =>
      Promise.all(
        [fetch('/api/whoami', { cache: 'no-store' }), fetch('/api/whoami', { cache: 'no-store' })].map(async (pending) => {
          const response = await pending
          return { status: response.status, email: ((await response.json()) as { email?: string }).email }
        }),
      ),
    )
    const sessions = (await Promise.all(responses.map((response) => sessionSetBy(response, key)))).filter((s) => s !== undefined)
    return { statuses: answers.map((a) => a.status), emails: answers.map((a) => a.email), sessions }
  } finally {
    page.off('response', collect)
  }
}
