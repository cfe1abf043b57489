/**
 * PKCE for the email flows that redirect back to the app (signInWithOtp, resetPasswordForEmail, signUp):
 * the verifier is stored as auth-js stores it, the emailed link's redirect carries a `code`, and the code
 * is traded by `exchangeCodeForSession` or, in an app opened at that URL, while initializing
 * (`detectSessionInUrl`). Verifiers are interchangeable with `@supabase/auth-js` in both directions.
 *
 * A real GoTrue mails the PKCE link only (`/admin/generate_link` makes no PKCE flow), so the tests that
 * need the emailed link run against the local server's outbox; the rest run against both.
 */
import { GoTrueClient } from '@supabase/auth-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthPKCECodeVerifierMissingError, memoryStorage, type AuthClient, type SupportedStorage } from '../../src/index.js'
import { countingFetch, record, rejection } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, uniqueEmail, type Target } from '../support/target.js'
import { resend, resetPasswordForEmail } from '../../src/confirmations/index.js'
import { exchangeCodeForSession } from '../../src/handoff/index.js'

let target: Target
const KEY = 'sb-pkce-test-auth-token'
const APP = 'http://localhost:3000/welcome'

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/** The `Location` the emailed link redirects to (followed by hand, as a browser would). */
async function landingOf(email: string, type: 'magiclink' | 'recovery' | 'signup' | 'email_change' | 'email_change_new'): Promise<URL> {
  const mail = target.local!.outbox.latest(email, type)
  if (!mail?.link) throw new Error(`no ${type} link to ${email}`)
  const response = await fetch(mail.link, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (location === null) throw new Error(`the ${type} link answered ${response.status} without a redirect`)
  return new URL(location)
}

async function confirmedUser(tag: string): Promise<string> {
  const email = uniqueEmail(tag)
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  return email
}

function storedKeys(storage: SupportedStorage, keys: string[]): Record<string, string | null> {
  return Object.fromEntries(keys.map((key) => [key, storage.getItem(key) as string | null]))
}

function authJs(storage: SupportedStorage): GoTrueClient {
  return new GoTrueClient({ url: target.url, headers: { apikey: target.anonKey }, storage, storageKey: KEY, flowType: 'pkce', autoRefreshToken: false, detectSessionInUrl: false })
}

describe.skipIf(realGotrue)('an emailed PKCE link', () => {
  it('stores the verifier as auth-js does, and the code from the link signs in with one /token call', async () => {
    const email = await confirmedUser('pkce-otp')
    const storage = memoryStorage()
    const counted = countingFetch()
    const auth = target.client({ storage, storageKey: KEY, fetch: counted.fetch })
    await auth.ready
    await auth.signInWithOtp({ email, options: { emailRedirectTo: APP } })
    const latest = JSON.parse(storage.getItem(`${KEY}-code-verifier`) as string) as string
    expect(latest).toMatch(/^[0-9a-f]{112}$/)
    const index = JSON.parse(storage.getItem(`${KEY}-flows-code-verifier`) as string) as string[]
    expect(index).toHaveLength(1)
    expect(JSON.parse(storage.getItem(`${KEY}-flow-${index[0]}-code-verifier`) as string)).toBe(latest)
    expect(target.local!.outbox.latest(email, 'magiclink')?.tokenHash).toMatch(/^pkce_/)

    const landing = await landingOf(email, 'magiclink')
    expect(`${landing.origin}${landing.pathname}`).toBe(APP)
    const rec = record(auth)
    counted.reset()
    const { session, redirectType } = await exchangeCodeForSession(auth, landing.searchParams.get('code')!)
    expect(session.user.email).toBe(email)
    expect(redirectType).toBeNull()
    expect(counted.count).toBe(1)
    expect(auth.snapshot.status).toBe('authenticated')
    expect(rec.events).toContain('SIGNED_IN')
    // The flow is over: nothing of it is left in storage.
    expect(storedKeys(storage, [`${KEY}-code-verifier`, `${KEY}-flows-code-verifier`, `${KEY}-flow-${index[0]}-code-verifier`])).toEqual({
      [`${KEY}-code-verifier`]: null,
      [`${KEY}-flows-code-verifier`]: null,
      [`${KEY}-flow-${index[0]}-code-verifier`]: null,
    })
  })

  it('an app opened at the link completes the sign-in while initializing, then runs from storage', async () => {
    const email = await confirmedUser('pkce-landing')
    const storage = memoryStorage()
    await target.client({ storage, storageKey: KEY }).signInWithOtp({ email, options: { emailRedirectTo: APP } })
    const landing = await landingOf(email, 'magiclink')

    const counted = countingFetch()
    const app = target.client({ storage, storageKey: KEY, fetch: counted.fetch, pageUrl: landing.toString() })
    const rec = record(app)
    await app.ready
    expect(app.snapshot).toMatchObject({ status: 'authenticated', user: { email } })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect(counted.count).toBe(1)

    // Reloading at the same URL does not replay the spent code: the stored session is restored instead.
    const reloaded = target.client({ storage, storageKey: KEY, fetch: counted.fetch, pageUrl: landing.toString() })
    await reloaded.ready
    expect(reloaded.snapshot.status).toBe('authenticated')
    expect(reloaded.snapshot.error).toMatchObject({ code: 'pkce_code_verifier_not_found' })
    expect(counted.count).toBe(1)
  })

  it('a password-reset link announces PASSWORD_RECOVERY and says redirectType recovery', async () => {
    const email = await confirmedUser('pkce-recovery')
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY })
    await resetPasswordForEmail(auth, email, { redirectTo: APP })
    expect(JSON.parse(storage.getItem(`${KEY}-code-verifier`) as string)).toMatch(/\/recovery$/)
    const rec = record(auth)
    const { redirectType } = await exchangeCodeForSession(auth, (await landingOf(email, 'recovery')).searchParams.get('code')!)
    expect(redirectType).toBe('recovery')
    expect(rec.events).toContain('PASSWORD_RECOVERY')
    await auth.updateUser({ password: `${PASSWORD}-2` })
  })

  it('two flows started before either finishes both complete, in either order', async () => {
    for (const order of [[0, 1], [1, 0]] as const) {
      const emails = [await confirmedUser('pkce-first'), await confirmedUser('pkce-second')]
      const storage = memoryStorage()
      const starter = target.client({ storage, storageKey: KEY })
      for (const email of emails) await starter.signInWithOtp({ email, options: { emailRedirectTo: APP } })
      const codes = await Promise.all(emails.map(async (email) => (await landingOf(email, 'magiclink')).searchParams.get('code')!))
      for (const which of order) {
        const auth = target.client({ storage, storageKey: KEY })
        const { session } = await exchangeCodeForSession(auth, codes[which]!)
        expect(session.user.email).toBe(emails[which])
      }
      expect(storage.getItem(`${KEY}-flows-code-verifier`)).toBeNull()
    }
  })

  it('a redirect started by @supabase/auth-js is finished here, and the reverse', async () => {
    const email = await confirmedUser('pkce-interop')
    const storage = memoryStorage()
    const theirs = authJs(storage)
    await theirs.signInWithOtp({ email, options: { emailRedirectTo: APP } })
    const ours = target.client({ storage, storageKey: KEY })
    const { session } = await exchangeCodeForSession(ours, (await landingOf(email, 'magiclink')).searchParams.get('code')!)
    expect(session.user.email).toBe(email)

    const email2 = await confirmedUser('pkce-interop-back')
    const storage2 = memoryStorage()
    await target.client({ storage: storage2, storageKey: KEY }).signInWithOtp({ email: email2, options: { emailRedirectTo: APP } })
    const { data, error } = await authJs(storage2).exchangeCodeForSession((await landingOf(email2, 'magiclink')).searchParams.get('code')!)
    expect(error).toBeNull()
    expect(data.session?.user.email).toBe(email2)
  })

  it('a sign-up confirmation link carries a code that signs the new user in', async () => {
    const server = target.local!
    const email = uniqueEmail('pkce-signup')
    const storage = memoryStorage()
    const auth = target.client({ storage, storageKey: KEY })
    const signedUp = await auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: APP } })
    if (signedUp.session !== null) return // the server confirms sign-ups itself: no link to follow
    expect(server.outbox.latest(email, 'signup')?.tokenHash).toMatch(/^pkce_/)
    const { session } = await exchangeCodeForSession(auth, (await landingOf(email, 'signup')).searchParams.get('code')!)
    expect(session.user.email).toBe(email)
  })
})

describe.skipIf(realGotrue)('PKCE for an email change and a resent confirmation', () => {
  it('updateUser with a new email sends a PKCE link whose code signs in with the new address', async () => {
    const server = await openTarget({ secureEmailChange: false })
    try {
      const email = uniqueEmail('pkce-change')
      await server.admin.createUser({ email, password: PASSWORD, email_confirm: true })
      const storage = memoryStorage()
      const auth = server.client({ storage, storageKey: KEY })
      await auth.signInWithPassword({ email, password: PASSWORD })
      const next = uniqueEmail('pkce-changed')
      await auth.updateUser({ email: next }, { emailRedirectTo: APP })
      expect(storage.getItem(`${KEY}-code-verifier`)).not.toBeNull()
      const mail = server.local!.outbox.latest(next, 'email_change')
      expect(mail?.tokenHash).toMatch(/^pkce_/)
      const landing = await fetch(mail!.link!, { redirect: 'manual' }).then((r) => new URL(r.headers.get('location')!))
      const { session } = await exchangeCodeForSession(auth, landing.searchParams.get('code')!)
      expect(session.user.email).toBe(next)
    } finally {
      await server.close()
    }
  })

  it('resend of a sign-up confirmation carries a fresh challenge; its link’s code signs in', async () => {
    const server = await openTarget({ mailerAutoconfirm: false, smtpMaxFrequency: 0 })
    try {
      const email = uniqueEmail('pkce-resend')
      const storage = memoryStorage()
      const auth = server.client({ storage, storageKey: KEY })
      await auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: APP } })
      const first = server.local!.outbox.latest(email, 'signup')
      await resend(auth, { type: 'signup', email, options: { emailRedirectTo: APP } })
      expect(JSON.parse(storage.getItem(`${KEY}-flows-code-verifier`) as string)).toHaveLength(2)
      const mail = server.local!.outbox.latest(email, 'signup')
      expect(mail?.tokenHash).toMatch(/^pkce_/)
      expect(mail?.tokenHash).not.toBe(first?.tokenHash)
      const landing = await fetch(mail!.link!, { redirect: 'manual' }).then((r) => new URL(r.headers.get('location')!))
      const { session } = await exchangeCodeForSession(auth, landing.searchParams.get('code')!)
      expect(session.user.email).toBe(email)
    } finally {
      await server.close()
    }
  })
})

describe('codes that cannot be traded', () => {
  let auth: AuthClient
  it('a code with no verifier in this storage fails typed, before any request', async () => {
    const counted = countingFetch()
    auth = target.client({ storage: memoryStorage(), storageKey: KEY, fetch: counted.fetch })
    await auth.ready
    counted.reset()
    const error = await rejection(exchangeCodeForSession(auth, '9b8a3c56-9c39-4f55-a4cb-3f6b0f1c1e2a'))
    expect(error).toBeInstanceOf(AuthPKCECodeVerifierMissingError)
    expect(error).toMatchObject({ code: 'pkce_code_verifier_not_found' })
    expect(counted.count).toBe(0)
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('an unknown code is the server’s flow_state_not_found, and the verifier stays for the real code', async () => {
    const storage = memoryStorage()
    auth = target.client({ storage, storageKey: KEY })
    await auth.signInWithOAuth({ provider: 'github', options: { skipBrowserRedirect: true } })
    const error = await rejection(exchangeCodeForSession(auth, '9b8a3c56-9c39-4f55-a4cb-3f6b0f1c1e2a'))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'flow_state_not_found', status: 404 })
    expect(storage.getItem(`${KEY}-code-verifier`)).not.toBeNull()
  })

  it('refuses a missing code with a typed error', async () => {
    auth = target.client({ storage: memoryStorage() })
    const error = await rejection(exchangeCodeForSession(auth, undefined as unknown as string))
    expect(error).toMatchObject({ name: 'AuthInvalidCredentialsError' })
  })
})
