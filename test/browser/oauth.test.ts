/**
 * OAuth through the browser, end to end, in Debian's chromium: an app page running the BUILT package
 * leaves for the local server's `/authorize`, the server's identity provider signs a user in (its form
 * filled in by the test, or a user set for the next sign-in), `/callback` sends the browser back to the
 * app, and a client created on that page completes the sign-in while initializing (`detectSessionInUrl`),
 * cleans the URL, and keeps the session across a reload. PKCE and implicit, an error redirect, and the
 * hand-over between this package and `@supabase/auth-js` 2.119 both ways (they share the verifier and the
 * session in localStorage). The server counts the requests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { openOAuthWorld, type AppPage, type OAuthWorld } from '../support/browser/oauth-harness.js'
import type { ClientKind, FlowType, Landing } from '../support/browser/oauth-page.js'

const PKCE_TOKEN = { method: 'POST', path: '/token', grantType: 'pkce' } as const
const GET_USER = { method: 'GET', path: '/user' } as const

describe.skipIf(!hasChromium)(`OAuth sign-in in a browser, through the local identity provider${SKIP_NOTE}`, () => {
  let world: OAuthWorld
  let counter = 0

  beforeAll(async () => {
    world = await openOAuthWorld()
  }, 60_000)
  beforeEach(() => {
    world.server.provider.reset()
    world.server.requests.clear()
  })
  afterEach(() => world.closeContexts())
  afterAll(() => world?.close())

  function providerUser(label: string): { sub: string; email: string; name: string } {
    counter += 1
    const id = `${label}-${Date.now().toString(36)}-${process.pid}-${counter}`
    return { sub: `gh-${id}`, email: `${id}@example.com`, name: `User ${counter}` }
  }

  /** Opens the start page of `from`, signs in towards the welcome page of `to`, and returns there. */
  async function signInThrough(from: ClientKind, to: ClientKind, flow: FlowType): Promise<AppPage> {
    const start = await world.open(await world.newPage(), world.pathOf(from, flow))
    expect(await start.app((app) => app.ready.then((landing) => landing.status))).toBe('signedOut')
    const welcome = world.pathOf(to, flow, true)
    await world.startSignIn(start, `${world.origin}${welcome}`)
    return world.returnedTo(start.page, welcome)
  }

  /** The callback the app landed with, as query and fragment parameters. */
  async function landedWith(app: AppPage): Promise<{ query: URLSearchParams; fragment: URLSearchParams }> {
    const url = new URL(await app.app((app) => app.landedAt))
    return { query: url.searchParams, fragment: new URLSearchParams(url.hash.slice(1)) }
  }

  /** The URL has nothing of the callback left: no code, no tokens, no error, and no fragment at all. */
  function expectClean(href: string, path: string): void {
    const url = new URL(href)
    expect(url.pathname).toBe(path)
    expect(url.search).toBe('')
    expect(url.hash).toBe('')
  }

  /**
   * A reload at the cleaned URL restores the landed session from localStorage (same refresh token) and
   * sends nothing: the request counts stay at `requests`.
   */
  async function expectReloadKeeps(app: AppPage, landing: Landing, welcome: string, requests: { token: number; user: number }): Promise<void> {
    const reloaded = await world.reload(app)
    expect(reloaded).toMatchObject({ status: 'authenticated', email: landing.email, refreshToken: landing.refreshToken, error: null })
    expect(reloaded.seen).toEqual(['initializing', 'authenticated'])
    expectClean(reloaded.href, welcome)
    expect(world.server.requests.count({ path: '/token' })).toBe(requests.token)
    expect(world.server.requests.count(GET_USER)).toBe(requests.user)
  }

  it('the page runs the built package, not the sources', () => {
    expect(world.bundleInputs).toContain('node_modules/.cache/browser-oauth-test/index.js')
    expect(world.bundleInputs.filter((input) => input.startsWith('src/') || input.startsWith('machines/'))).toEqual([])
    expect(world.bundleInputs.some((input) => input.includes('@supabase/auth-js'))).toBe(true)
  })

  it('PKCE: the provider form is filled in and submitted, the code is traded once on landing, the URL cleaned, a reload keeps the session', async () => {
    const person = providerUser('form')
    const start = await world.open(await world.newPage(), world.pathOf('ours', 'pkce'))
    expect(await start.app((app) => app.ready.then((landing) => landing.status))).toBe('signedOut')
    const welcome = world.pathOf('ours', 'pkce', true)
    await world.startSignIn(start, `${world.origin}${welcome}`)

    // No user configured: the provider asks, as a person would be asked.
    const { page } = start
    expect(new URL(page.url()).pathname).toBe('/auth/v1/idp/authorize')
    await page.fill('input[name="sub"]', person.sub)
    await page.fill('input[name="email"]', person.email)
    await page.fill('input[name="name"]', person.name)
    await page.getByRole('button', { name: 'Sign in' }).click()

    const app = await world.returnedTo(page, welcome)
    const { query } = await landedWith(app)
    expect(query.get('code')).toBeTruthy()
    const landing = await app.app((app) => app.ready)
    expect(landing).toMatchObject({ status: 'authenticated', email: person.email, provider: 'github', error: null })
    expect(landing.seen).toEqual(['initializing', 'authenticated'])
    expectClean(landing.href, welcome)
    expectClean(page.url(), welcome)
    expect(world.server.requests.count(PKCE_TOKEN)).toBe(1)
    expect(world.server.requests.count({ path: '/token' })).toBe(1)
    // The verifier was used and removed: only the session is left.
    expect(landing.storageKeys).toEqual([await app.app((app) => app.storageKey)])

    await expectReloadKeeps(app, landing, welcome, { token: 1, user: 0 })
  })

  it('implicit: the fragment tokens are checked with one GET /user, the fragment removed, a reload keeps the session', async () => {
    const person = providerUser('implicit')
    world.server.provider.nextUser(person)
    const app = await signInThrough('ours', 'ours', 'implicit')
    const { query, fragment } = await landedWith(app)
    expect(query.has('code')).toBe(false)
    expect(fragment.get('access_token')).toBeTruthy()
    expect(fragment.get('token_type')).toBe('bearer')
    const landing = await app.app((app) => app.ready)

    expect(landing).toMatchObject({ status: 'authenticated', email: person.email, provider: 'github', error: null })
    expect(landing.refreshToken).toBe(fragment.get('refresh_token'))
    const welcome = world.pathOf('ours', 'implicit', true)
    expectClean(landing.href, welcome)
    expectClean(app.page.url(), welcome)
    expect(world.server.requests.count(GET_USER)).toBe(1)
    expect(world.server.requests.count({ path: '/token' })).toBe(0)

    await expectReloadKeeps(app, landing, welcome, { token: 0, user: 1 })
  })

  it('PKCE started by @supabase/auth-js is finished by this client, from the verifier auth-js stored', async () => {
    const person = providerUser('from-authjs')
    world.server.provider.nextUser(person)
    const app = await signInThrough('authjs', 'ours', 'pkce')
    expect((await landedWith(app)).query.get('code')).toBeTruthy()
    const landing = await app.app((app) => app.ready)

    expect(landing).toMatchObject({ kind: 'ours', status: 'authenticated', email: person.email, error: null })
    expectClean(landing.href, world.pathOf('ours', 'pkce', true))
    expect(world.server.requests.count(PKCE_TOKEN)).toBe(1)
    expect(landing.storageKeys).toEqual([await app.app((app) => app.storageKey)])

    await expectReloadKeeps(app, landing, world.pathOf('ours', 'pkce', true), { token: 1, user: 0 })
  })

  it('PKCE started by this client is finished by @supabase/auth-js (detectSessionInUrl, then getSession)', async () => {
    const person = providerUser('to-authjs')
    world.server.provider.nextUser(person)
    const app = await signInThrough('ours', 'authjs', 'pkce')
    expect((await landedWith(app)).query.get('code')).toBeTruthy()
    const landing = await app.app((app) => app.ready)

    expect(landing).toMatchObject({ kind: 'authjs', status: 'authenticated', email: person.email, provider: 'github', error: null })
    expect(new URL(landing.href).searchParams.has('code')).toBe(false)
    expect(world.server.requests.count(PKCE_TOKEN)).toBe(1)

    // And back: this client restores what auth-js saved.
    const ours = await world.open(app.page, world.pathOf('ours', 'pkce'))
    expect(await ours.app((app) => app.ready)).toMatchObject({ status: 'authenticated', refreshToken: landing.refreshToken })
    expect(world.server.requests.count({ path: '/token' })).toBe(1)
  })

  it('an error redirect (the provider answers access_denied) ends signedOut with the typed error and a clean URL', async () => {
    world.server.provider.nextError({ error: 'access_denied', error_description: 'The user cancelled' })
    const app = await signInThrough('ours', 'ours', 'pkce')
    const { query } = await landedWith(app)
    expect(query.get('error')).toBe('access_denied')
    const landing = await app.app((app) => app.ready)

    expect(landing.status).toBe('signedOut')
    expect(landing.error).toMatchObject({
      name: 'AuthImplicitGrantRedirectError',
      message: 'The user cancelled',
      isRedirectError: true,
      details: { error: 'access_denied' },
    })
    expectClean(landing.href, world.pathOf('ours', 'pkce', true))
    expectClean(app.page.url(), world.pathOf('ours', 'pkce', true))
    expect(world.server.requests.count({ path: '/token' })).toBe(0)
  })
})
