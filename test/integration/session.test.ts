/**
 * getSession, refreshSession, setSession and getUser, including a session the server revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countingFetch, record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, realGotrue, type Target } from '../support/target.js'
import { setSession } from '../../src/handoff/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/**
 * The same JWT with `exp` in the past. The signature no longer matches, which does not matter: a client
 * handed an expired access token must not send it anywhere, only trade the refresh token in.
 */
function expiredCopy(accessToken: string): string {
  const [header, payload, signature] = accessToken.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  const past = Math.floor(Date.now() / 1000) - 600
  const forged = Buffer.from(JSON.stringify({ ...claims, iat: past - 3600, exp: past })).toString('base64url')
  return `${header}.${forged}.${signature}`
}

describe('getSession', () => {
  it('is null when signed out', async () => {
    const auth = target.client()
    expect(await auth.getSession()).toEqual({ session: null })
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('returns the same session, unrefreshed, while it is fresh', async () => {
    const { auth, session } = await signedInClient(target, 'getsession')
    const rec = record(auth)
    const { session: got } = await auth.getSession()
    expect(got).toBe(session)
    expect(got).toBe(auth.snapshot.session)
    expect(rec.events).toEqual(['INITIAL_SESSION'])
  })
})

describe('refreshSession', () => {
  it('rotates the tokens now and announces TOKEN_REFRESHED', async () => {
    const { auth, session } = await signedInClient(target, 'refresh')
    const rec = record(auth)
    const data = await auth.refreshSession()

    expect(data.session).not.toBeNull()
    expect(data.session?.refresh_token === session.refresh_token, 'refresh token rotated').toBe(false)
    // The access token may be byte-identical when minted within the same second (same claims), so only
    // the refresh token is sure to differ.
    expect(data.user?.id).toBe(session.user.id)
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.session).toBe(data.session)
    expect(rec.statuses).toEqual(['authenticated', 'refreshing', 'authenticated'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'TOKEN_REFRESHED'])
    expect(rec.sessions.at(-1)).toBe(data.session)
    expect((await auth.getSession()).session).toBe(data.session)
  })

  it('two refreshes at once make one rotation and both get it', async () => {
    const { auth } = await signedInClient(target, 'refresh-twice')
    const [a, b] = await Promise.all([auth.refreshSession(), auth.refreshSession()])
    expect(a.session?.refresh_token === b.session?.refresh_token, 'one rotation shared').toBe(true)
  })

  it('rejects with AuthSessionMissingError when signed out', async () => {
    const auth = target.client()
    const error = await rejection(auth.refreshSession())
    expect(error).toMatchObject({ name: 'AuthSessionMissingError' })
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('with a given refresh token, trades it for a session of that user', async () => {
    const donor = await signedInClient(target, 'refresh-given')
    // The donor steps aside without signing out, so the server session (and its refresh token) lives on.
    donor.auth.dispose()
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    const data = await auth.refreshSession({ refresh_token: donor.session.refresh_token })
    expect(data.session?.user.id).toBe(donor.user.id)
    expect(data.session?.refresh_token === donor.session.refresh_token, 'refresh token rotated').toBe(false)
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: donor.user.id } })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
  })
})

describe('setSession', () => {
  it('adopts fresh tokens obtained by another client', async () => {
    const donor = await signedInClient(target, 'setsession')
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    const data = await setSession(auth, {
      access_token: donor.session.access_token,
      refresh_token: donor.session.refresh_token,
    })
    expect(data.session).toMatchObject({
      access_token: donor.session.access_token,
      refresh_token: donor.session.refresh_token,
      token_type: 'bearer',
      user: { id: donor.user.id, email: donor.email },
    })
    expect(data.session!.expires_in).toBeGreaterThan(0)
    expect(data.session!.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000))
    expect(auth.snapshot).toMatchObject({ status: 'authenticated', user: { id: donor.user.id } })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_IN'])
    expect((await auth.getUser()).user.id).toBe(donor.user.id)
  })

  it('trades an expired access token in with its refresh token', async () => {
    const donor = await signedInClient(target, 'setsession-expired')
    const auth = target.client()
    const data = await setSession(auth, {
      access_token: expiredCopy(donor.session.access_token),
      refresh_token: donor.session.refresh_token,
    })
    expect(data.session?.user.id).toBe(donor.user.id)
    expect(data.session?.refresh_token === donor.session.refresh_token, 'refresh token rotated').toBe(false)
    expect(data.session!.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000))
    expect(auth.snapshot.status).toBe('authenticated')
    // The new access token is one the server accepts.
    expect((await auth.getUser()).user.id).toBe(donor.user.id)
  })

  it('rejects tokens of a session the server no longer knows, and stays signed out', async () => {
    const donor = await signedInClient(target, 'setsession-revoked')
    await donor.auth.signOut()
    const auth = target.client()
    await auth.ready
    const error = await rejection(setSession(auth, { access_token: donor.session.access_token, refresh_token: donor.session.refresh_token }))
    expect(error).toMatchObject({ name: 'AuthSessionMissingError', status: 403, code: 'session_not_found' })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', session: null })
  })
})

describe('getUser', () => {
  it('reads the user from the server', async () => {
    const { auth, user } = await signedInClient(target, 'getuser')
    await target.admin.updateUserById(user.id, { user_metadata: { from: 'admin' } })
    const { user: fetched } = await auth.getUser()
    expect(fetched).toMatchObject({ id: user.id, email: user.email, user_metadata: { from: 'admin' } })
    expect(fetched.identities?.[0]?.provider).toBe('email')
  })

  it('with a jwt argument, reads that token’s user and leaves this client alone', async () => {
    const other = await signedInClient(target, 'getuser-jwt')
    const auth = target.client()
    const { user } = await auth.getUser(other.session.access_token)
    expect(user.id).toBe(other.user.id)
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('rejects with AuthSessionMissingError when signed out', async () => {
    const auth = target.client()
    const error = await rejection(auth.getUser())
    expect(error).toMatchObject({ name: 'AuthSessionMissingError' })
  })

  it('after the session is revoked server-side, rejects and signs out with reason revoked', async () => {
    const { auth, session } = await signedInClient(target, 'revoked')
    const rec = record(auth)
    await target.admin.signOut(session.access_token, 'global')

    const error = await rejection(auth.getUser())
    expect(error).toMatchObject({ name: 'AuthSessionMissingError', code: 'session_not_found', status: 403 })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked', session: null, user: null })
    expect(auth.snapshot.error).toBe(error)
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_OUT'])
    expect(await auth.getSession()).toEqual({ session: null })
  })
})

describe('short-lived access tokens', () => {
  // A server issuing tokens that live less than the 90 s margin (GOTRUE_JWT_EXP=60 is common in CI) must
  // not make every fresh session "due" at once: the margin is capped at half the token's lifetime.
  // Needs the server's JWT lifetime set below the margin: only the local server can be configured so.
  it.skipIf(realGotrue)('a token that lives less than the refresh margin does not cause a refresh storm', async () => {
    const short = await openTarget({ jwtExpiry: 60 })
    try {
      const counter = countingFetch()
      const { auth } = await signedInClient(short, 'short-jwt', { fetch: counter.fetch })
      counter.reset()
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(counter.count).toBeLessThanOrEqual(1)
      expect(['authenticated', 'refreshing']).toContain(auth.snapshot.status)
    } finally {
      await short.close()
    }
  })
})
