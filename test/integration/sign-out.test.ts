/**
 * signOut with each scope, seen from this client and from another client of the same user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient } from '../../src/index.js'
import { record, rejection, signedInClient, untilStatus } from '../support/flows.js'
import { openTarget, PASSWORD, realGotrue, type Target } from '../support/target.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/** A second client signed in as the same user (its own server session). */
async function secondClient(email: string): Promise<AuthClient> {
  const other = target.client()
  await other.signInWithPassword({ email, password: PASSWORD })
  return other
}

describe('signOut', () => {
  it('global (the default) ends this session and every other session of the user', async () => {
    const { auth, email, session } = await signedInClient(target, 'global')
    const other = await secondClient(email)
    const rec = record(auth)
    const otherRec = record(other)

    expect(await auth.signOut()).toEqual({ error: null })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'signOut', session: null, user: null, aal: null, error: null })
    expect(rec.statuses).toEqual(['authenticated', 'signingOut', 'signedOut'])
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_OUT'])
    expect(await auth.getSession()).toEqual({ session: null })

    // The server forgot this session: its token no longer reads the user.
    const stale = await rejection(target.client().getUser(session.access_token))
    expect(stale).toMatchObject({ name: 'AuthSessionMissingError', code: 'session_not_found' })

    // The other client does not know yet; its next server call finds out and signs it out.
    expect(other.snapshot.status).toBe('authenticated')
    const error = await rejection(other.getUser())
    expect(error.name).toBe('AuthSessionMissingError')
    expect(other.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
    expect(otherRec.events).toEqual(['INITIAL_SESSION', 'SIGNED_OUT'])
  })

  it('global: the other client’s next refresh fails terminally and it ends signedOut', async () => {
    const { auth, email } = await signedInClient(target, 'global-refresh')
    const other = await secondClient(email)
    await auth.signOut({ scope: 'global' })

    const error = await rejection(other.refreshSession())
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'refresh_token_not_found', status: 400 })
    expect(other.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked', session: null })
    expect(await other.getSession()).toEqual({ session: null })
  })

  it('local ends only this session; the other client keeps working', async () => {
    const { auth, email, session } = await signedInClient(target, 'local')
    const other = await secondClient(email)

    expect(await auth.signOut({ scope: 'local' })).toEqual({ error: null })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'signOut' })
    const stale = await rejection(target.client().getUser(session.access_token))
    expect(stale.code).toBe('session_not_found')

    expect((await other.getUser()).user.email).toBe(email)
    await other.refreshSession()
    expect(other.snapshot.status).toBe('authenticated')
  })

  it('others keeps this session and ends the user’s other sessions', async () => {
    const { auth, email, session } = await signedInClient(target, 'others')
    const other = await secondClient(email)
    const rec = record(auth)

    expect(await auth.signOut({ scope: 'others' })).toEqual({ error: null })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.session).toBe(session)
    expect(rec.events).toEqual(['INITIAL_SESSION'])
    expect((await auth.getUser()).user.email).toBe(email)
    expect((await auth.refreshSession()).session?.user.email).toBe(email)

    await rejection(other.getUser())
    expect(other.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
  })

  it('when already signed out, resolves without announcing anything', async () => {
    const auth = target.client()
    await auth.ready
    const rec = record(auth)
    expect(await auth.signOut()).toEqual({ error: null })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'signOut' })
    expect(rec.events).toEqual(['INITIAL_SESSION'])
  })

  it('a session revoked elsewhere still signs out cleanly (the server’s 403 means the same)', async () => {
    const { auth, session } = await signedInClient(target, 'revoked-first')
    await target.admin.signOut(session.access_token, 'global')
    expect(await auth.signOut()).toEqual({ error: null })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'signOut' })
  })

  // Fault hooks exist only on the local server.
  it.skipIf(realGotrue)('signs out locally even when the server fails, and reports the failure in error', async () => {
    const { auth } = await signedInClient(target, 'logout-500')
    const remove = target.local!.faults.add({ path: '/logout', times: 1, action: { status: 500, body: { code: 500, error_code: 'unexpected_failure', msg: 'boom' } } })
    try {
      const result = await auth.signOut()
      expect(result.error).not.toBeNull()
      expect(result.error?.status).toBe(500)
      expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'signOut', session: null })
      expect(await auth.getSession()).toEqual({ session: null })
    } finally {
      remove()
    }
  })

  it('signs out while a refresh is in flight; the late refresh does not bring the session back', async () => {
    const { auth } = await signedInClient(target, 'race')
    const refreshing = auth.refreshSession().then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    )
    await untilStatus(auth, 'refreshing')
    await auth.signOut()
    expect(await refreshing).toBe('aborted')
    expect(auth.snapshot.status).toBe('signedOut')
    expect(await auth.getSession()).toEqual({ session: null })
  })
})
