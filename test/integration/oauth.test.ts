/**
 * Sign-in through an identity provider, with the redirects a browser would follow taken by hand: OAuth
 * with PKCE and with the implicit flow, an error from the provider, SAML SSO, ID tokens, and linking and
 * unlinking identities (`supabase-auth-machine/identities`). The local server plays both Supabase Auth and
 * the provider; a real GoTrue has no provider these tests could sign in to, so there only what needs none
 * runs (building the URL, the errors of a switched-off feature).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getUserIdentities, linkIdentity, signInWithIdToken, signInWithSSO, unlinkIdentity } from '../../src/identities/index.js'
import { AuthImplicitGrantRedirectError, memoryStorage, type SupportedStorage } from '../../src/index.js'
import { claimsOf, countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, realGotrue, uniqueEmail, type Target } from '../support/target.js'
import { exchangeCodeForSession, implicitFlow } from '../../src/handoff/index.js'

let target: Target
const KEY = 'sb-oauth-test-auth-token'
const APP = 'http://localhost:3000/callback'

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})
beforeEach(() => target.local?.provider.reset())

/** Follows redirects as a browser would, until one leads back to the app; returns that URL. */
async function followToApp(start: string, init: RequestInit = {}): Promise<URL> {
  let url = start
  for (let hop = 0; hop < 8; hop += 1) {
    if (url.startsWith('http://localhost:3000')) return new URL(url)
    const response = await fetch(url, { ...init, redirect: 'manual' })
    const location = response.headers.get('location')
    if (location === null) throw new Error(`${new URL(url).pathname} answered ${response.status} without a redirect`)
    url = new URL(location, url).toString()
  }
  throw new Error('too many redirects')
}

function providerUser(tag: string) {
  return { sub: `${tag}-${Math.random().toString(36).slice(2)}`, email: uniqueEmail(tag), email_verified: true, name: 'Ada Lovelace' }
}

const amrOf = (token: string) => (claimsOf(token)['amr'] as Array<{ method: string }>).map((entry) => entry.method)

describe('signInWithOAuth', () => {
  it('makes the /authorize URL with a PKCE challenge, stores the verifier, and sends nothing', async () => {
    const counted = countingFetch()
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY, fetch: counted.fetch })
    await auth.ready
    counted.reset()
    const rec = record(auth)
    const { provider, url } = await auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: APP, scopes: 'repo gist', queryParams: { prompt: 'consent' }, skipBrowserRedirect: true },
    })
    expect(provider).toBe('github')
    const parsed = new URL(url)
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${target.url}/authorize`)
    expect(Object.fromEntries(parsed.searchParams)).toMatchObject({ provider: 'github', redirect_to: APP, scopes: 'repo gist', prompt: 'consent', code_challenge_method: 's256' })
    expect(parsed.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(storage.getItem(`${KEY}-code-verifier`)).not.toBeNull()
    expect(counted.count).toBe(0)
    expect(rec.statuses).toEqual(['signedOut', 'signingIn', 'signedOut'])
  })

  it('with the implicit flow, the URL has no challenge and nothing is stored', async () => {
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY, flowType: implicitFlow })
    const { url } = await auth.signInWithOAuth({ provider: 'custom:acme', options: { skipBrowserRedirect: true } })
    expect(new URL(url).searchParams.get('provider')).toBe('custom:acme')
    expect(new URL(url).searchParams.has('code_challenge')).toBe(false)
    expect(storage.getItem(`${KEY}-code-verifier`)).toBeNull()
  })
})

describe.skipIf(realGotrue)('through the local identity provider', () => {
  async function start(storage: SupportedStorage, flowType: 'pkce' | 'implicit' = 'pkce'): Promise<string> {
    const auth = target.client({ storage, storageKey: KEY, flowType: flowType === 'implicit' ? implicitFlow : 'pkce' })
    return (await auth.signInWithOAuth({ provider: 'github', options: { redirectTo: APP, skipBrowserRedirect: true } })).url
  }

  it('PKCE: back with a code, the app lands signed in with one /token call and the provider tokens', async () => {
    const storage = memoryStorage()
    const user = providerUser('gh')
    target.local!.provider.nextUser(user)
    const landing = await followToApp(await start(storage))
    expect(landing.searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/)

    const counted = countingFetch()
    const app = target.client({ storage, storageKey: KEY, pageUrl: landing.toString(), fetch: counted.fetch })
    await app.ready
    expect(app.snapshot).toMatchObject({ status: 'authenticated', user: { email: user.email } })
    expect(counted.count).toBe(1)
    const session = app.snapshot.session!
    expect(amrOf(session.access_token)).toEqual(['oauth'])
    expect(session.provider_token).toEqual(expect.any(String))
    expect(session.user.identities?.map((identity) => identity.provider)).toEqual(['github'])
  })

  it('implicit: back with tokens in the fragment, adopted after one GET /user', async () => {
    const storage = memoryStorage()
    target.local!.provider.nextUser(providerUser('gh-implicit'))
    const landing = await followToApp(await start(storage, 'implicit'))
    expect(landing.hash).toMatch(/access_token=.*provider_token=/)
    const counted = countingFetch()
    const app = target.client({ storage, storageKey: KEY, flowType: implicitFlow, pageUrl: landing.toString(), fetch: counted.fetch })
    await app.ready
    expect(app.snapshot.status).toBe('authenticated')
    expect(counted.count).toBe(1)
  })

  it('the provider refuses: the app lands signed out with the redirect’s typed error', async () => {
    const storage = memoryStorage()
    target.local!.provider.nextError({ error: 'access_denied', error_description: 'The user said no' })
    const landing = await followToApp(await start(storage))
    const app = target.client({ storage, storageKey: KEY, pageUrl: landing.toString() })
    await app.ready
    expect(app.snapshot.status).toBe('signedOut')
    expect(app.snapshot.error).toBeInstanceOf(AuthImplicitGrantRedirectError)
    expect(app.snapshot.error).toMatchObject({ details: { error: 'access_denied' } })
  })

  it('a code used twice: the second landing keeps the first session and records the error', async () => {
    const storage = memoryStorage()
    target.local!.provider.nextUser(providerUser('gh-twice'))
    const landing = await followToApp(await start(storage))
    const first = target.client({ storage, storageKey: KEY, pageUrl: landing.toString() })
    await first.ready
    // Another flow's verifier is waiting, so the spent code reaches the server.
    await start(storage)
    const again = target.client({ storage, storageKey: KEY, pageUrl: landing.toString() })
    await again.ready
    expect(again.snapshot.status).toBe('authenticated')
    expect(again.snapshot.error).toMatchObject({ name: 'AuthApiError', code: 'flow_state_not_found' })
  })

  it('SSO by domain: the URL comes from POST /sso, the user comes back through the provider with a code', async () => {
    const server = target.local!
    const domain = `${Math.random().toString(36).slice(2)}.example.org`
    const registered = await fetch(`${server.url}/admin/sso/providers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.serviceRoleKey}`, apikey: server.serviceRoleKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'saml', metadata_xml: server.provider.samlMetadata(`https://idp.${domain}`), domains: [domain] }),
    })
    expect(registered.status).toBe(201)
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY })
    const { url } = await signInWithSSO(auth, { domain, options: { redirectTo: APP, skipBrowserRedirect: true } })
    server.provider.nextUser({ sub: 'saml-1', email: `ada@${domain}`, email_verified: true })
    const landing = await followToApp(url)
    const { session } = await exchangeCodeForSession(auth, landing.searchParams.get('code')!)
    expect(session.user.email).toBe(`ada@${domain}`)
    expect(amrOf(session.access_token)).toEqual(['sso/saml'])
  })

  it('an ID token from the provider’s SDK signs in; a nonce that does not match is refused', async () => {
    const server = target.local!
    const user = providerUser('google')
    const nonce = 'raw-nonce-123'
    const hashed = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(nonce))).toString('hex')
    const token = await server.oidc.issueIdToken({ ...user, nonce: hashed, provider: 'google' })
    const auth = target.client({ storage: memoryStorage() })
    const rec = record(auth)
    const { session } = await signInWithIdToken(auth, { provider: 'google', token, nonce })
    expect(session?.user.email).toBe(user.email)
    expect(auth.snapshot.status).toBe('authenticated')
    expect(rec.events).toContain('SIGNED_IN')

    const other = target.client({ storage: memoryStorage() })
    const error = await rejection(signInWithIdToken(other, { provider: 'google', token, nonce: 'another-nonce' }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 400 })
    expect(other.snapshot.status).toBe('signedOut')
  })

  it('links a provider identity through the redirect, lists it, unlinks it, and never the last one', async () => {
    const storage = memoryStorage()
    const { auth } = await signedInClient(target, 'linker', { storage, storageKey: KEY })
    expect((await getUserIdentities(auth)).identities.map((i) => i.provider)).toEqual(['email'])

    target.local!.provider.nextUser(providerUser('gh-link'))
    const { url } = await linkIdentity(auth, { provider: 'github', options: { redirectTo: APP, skipBrowserRedirect: true } })
    const landing = await followToApp(url)
    const app = target.client({ storage, storageKey: KEY, pageUrl: landing.toString() })
    await app.ready
    expect(app.snapshot.status).toBe('authenticated')
    const { identities } = await getUserIdentities(app)
    expect(identities.map((i) => i.provider).sort()).toEqual(['email', 'github'])

    await unlinkIdentity(app, identities.find((i) => i.provider === 'github')!)
    expect(app.snapshot.user?.identities?.map((i) => i.provider)).toEqual(['email'])
    const last = await rejection(unlinkIdentity(app, (await getUserIdentities(app)).identities[0]!))
    expect(last).toMatchObject({ code: 'single_identity_not_deletable' })
  })

  it('links an ID token identity at once', async () => {
    const { auth } = await signedInClient(target, 'id-linker')
    const token = await target.local!.oidc.issueIdToken({ ...providerUser('google-link'), provider: 'google' })
    const rec = record(auth)
    await linkIdentity(auth, { provider: 'google', token })
    expect((await getUserIdentities(auth)).identities.map((i) => i.provider).sort()).toEqual(['email', 'google'])
    expect(rec.events).toContain('USER_UPDATED')
  })
})

describe('SSO that cannot start', () => {
  it('is a typed error, the status returns, and no verifier is left behind', async () => {
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY })
    await auth.ready
    const error = await rejection(signInWithSSO(auth, { domain: `${uniqueEmail('nobody').split('@')[0]}.example.net`, options: { skipBrowserRedirect: true } }))
    // A server with SAML switched off says so; one with SAML on has no provider for the domain.
    expect(['saml_provider_disabled', 'sso_provider_not_found']).toContain(error.code)
    expect(auth.snapshot.status).toBe('signedOut')
    expect(storage.getItem(`${KEY}-code-verifier`)).toBeNull()
  })
})
