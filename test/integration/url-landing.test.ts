/**
 * `detectSessionInUrl`: an app opened at the URL a redirect brought back (`pageUrl` here, the page's own
 * URL in a browser) completes the sign-in while initializing: implicit-flow tokens in the fragment are
 * checked with `GET /user` before they are adopted; an error redirect ends initializing with a typed error
 * and leaves a stored session as it was. The links come from `/admin/generate_link`, so these run against
 * a real GoTrue too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthImplicitGrantRedirectError, AuthInvalidJwtError, AuthPKCEGrantCodeExchangeError, memoryStorage } from '../../src/index.js'
import { countingFetch, record, signedInClient } from '../support/flows.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'
import { implicitFlow } from '../../src/handoff/index.js'

let target: Target
const KEY = 'sb-landing-test-auth-token'
const APP = 'http://localhost:3000/welcome'

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/** Follows a generated link as a browser would (against the target's own URL) and returns where it lands. */
async function implicitLanding(type: 'magiclink' | 'recovery'): Promise<{ email: string; url: string }> {
  const email = uniqueEmail(`landing-${type}`)
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const { properties } = await target.admin.generateLink({ type, email, options: { redirectTo: APP } })
  const link = new URL(properties.action_link)
  const response = await fetch(`${target.url}/verify${link.search}`, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (location === null) throw new Error(`the ${type} link answered ${response.status} without a redirect`)
  return { email, url: location }
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('implicit flow: tokens in the fragment', () => {
  it('are checked with one GET /user, adopted, stored, and announced after INITIAL_SESSION', async () => {
    const { email, url } = await implicitLanding('magiclink')
    expect(new URL(url).hash).toMatch(/access_token=/)
    const storage = memoryStorage()
    const counted = countingFetch()
    const app = target.client({ flowType: implicitFlow, pageUrl: url, storage, storageKey: KEY, fetch: counted.fetch })
    const rec = record(app)
    await app.ready
    await settle()
    expect(app.snapshot).toMatchObject({ status: 'authenticated', user: { email }, error: null })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect(counted.count).toBe(1)
    expect(storage.getItem(KEY)).toContain(email)
  })

  it('a recovery link announces PASSWORD_RECOVERY', async () => {
    const { url } = await implicitLanding('recovery')
    const app = target.client({ flowType: implicitFlow, pageUrl: url, storage: memoryStorage() })
    const rec = record(app)
    await app.ready
    await settle()
    expect(app.snapshot.status).toBe('authenticated')
    expect(rec.events).toEqual(['INITIAL_SESSION', 'PASSWORD_RECOVERY'])
  })

  it('in a PKCE client, a fragment with tokens is refused with AuthPKCEGrantCodeExchangeError and no request', async () => {
    const { url } = await implicitLanding('magiclink')
    const counted = countingFetch()
    const app = target.client({ pageUrl: url, storage: memoryStorage(), fetch: counted.fetch })
    await app.ready
    expect(app.snapshot.status).toBe('signedOut')
    expect(app.snapshot.error).toBeInstanceOf(AuthPKCEGrantCodeExchangeError)
    expect(counted.count).toBe(0)
  })

  it('tokens the server does not accept leave the client signed out with the server’s error', async () => {
    // Reads as a JWT valid for a day, but the server never signed it.
    const forged = [{ alg: 'HS256', typ: 'JWT' }, { sub: 'nobody', exp: Math.floor(Date.now() / 1000) + 86_400 }]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('forged')
      .join('.')
    const bogus = `${APP}#access_token=${forged}&refresh_token=abc&expires_in=3600&token_type=bearer`
    const app = target.client({ flowType: implicitFlow, pageUrl: bogus, storage: memoryStorage() })
    await app.ready
    expect(app.snapshot.status).toBe('signedOut')
    expect(app.snapshot.error).toMatchObject({ name: 'AuthApiError' })
  })

  it('an access token that is no JWT is refused before any request', async () => {
    const counted = countingFetch()
    const bogus = `${APP}#access_token=not-a-jwt&refresh_token=abc&expires_in=3600&token_type=bearer`
    const app = target.client({ flowType: implicitFlow, pageUrl: bogus, storage: memoryStorage(), fetch: counted.fetch })
    await app.ready
    expect(app.snapshot.status).toBe('signedOut')
    expect(app.snapshot.error).toBeInstanceOf(AuthInvalidJwtError)
    expect(counted.count).toBe(0)
  })

  it('a fragment without the session fields is AuthImplicitGrantRedirectError', async () => {
    const app = target.client({ flowType: implicitFlow, pageUrl: `${APP}#access_token=x`, storage: memoryStorage() })
    await app.ready
    expect(app.snapshot.error).toBeInstanceOf(AuthImplicitGrantRedirectError)
  })
})

describe('an error redirect', () => {
  const errorUrl = `${APP}?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired`

  it('ends initializing signed out with AuthImplicitGrantRedirectError and the server’s codes, without a request', async () => {
    const counted = countingFetch()
    const app = target.client({ pageUrl: errorUrl, storage: memoryStorage(), fetch: counted.fetch })
    await app.ready
    expect(app.snapshot.status).toBe('signedOut')
    const error = app.snapshot.error
    expect(error).toBeInstanceOf(AuthImplicitGrantRedirectError)
    expect(error).toMatchObject({ message: 'Email link is invalid or has expired', details: { error: 'access_denied', code: 'otp_expired' } })
    expect(counted.count).toBe(0)
  })

  it('keeps a stored session: a failed attempt to switch users does not sign the current one out', async () => {
    const storage = memoryStorage()
    const { user } = await signedInClient(target, 'landing-kept', { storage, storageKey: KEY })
    const app = target.client({ pageUrl: errorUrl, storage, storageKey: KEY })
    await app.ready
    expect(app.snapshot).toMatchObject({ status: 'authenticated', user: { id: user.id } })
    expect(app.snapshot.error).toBeInstanceOf(AuthImplicitGrantRedirectError)
  })

  it('is left alone when detectSessionInUrl is false or says the URL is not ours', async () => {
    for (const detectSessionInUrl of [false, (url: URL) => url.pathname === '/auth/callback'] as const) {
      const app = target.client({ pageUrl: errorUrl, storage: memoryStorage(), detectSessionInUrl })
      await app.ready
      expect(app.snapshot).toMatchObject({ status: 'signedOut', error: null })
    }
  })
})
