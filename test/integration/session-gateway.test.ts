/**
 * Every call made with the user's access token goes through one gateway: when the server says the session
 * is gone, each of them ends it the same way (status `signedOut`, reason `revoked`, one `SIGNED_OUT`), and
 * several such calls at once end it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthClient } from '../../src/index.js'
import { record, rejection, signedInClient } from '../support/flows.js'
import { openTarget, type Target } from '../support/target.js'
import { mfa } from '../../src/mfa/index.js'
import { reauthenticate } from '../../src/confirmations/index.js'

let target: Target

beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

const UNKNOWN_FACTOR = '00000000-0000-4000-8000-000000000000'

const calls: Array<[string, (auth: AuthClient) => Promise<unknown>]> = [
  ['getUser', (auth) => auth.getUser()],
  ['updateUser', (auth) => auth.updateUser({ data: { theme: 'dark' } })],
  ['reauthenticate', (auth) => reauthenticate(auth)],
  ['signOut others', (auth) => auth.signOut({ scope: 'others' })],
  ['mfa.enroll', (auth) => mfa(auth).enroll({ factorType: 'totp', friendlyName: 'gateway' })],
  ['mfa.challenge', (auth) => mfa(auth).challenge({ factorId: UNKNOWN_FACTOR })],
  ['mfa.unenroll', (auth) => mfa(auth).unenroll({ factorId: UNKNOWN_FACTOR })],
  ['mfa.listFactors', (auth) => mfa(auth).listFactors()],
]

describe('a session the server no longer knows', () => {
  it.each(calls)('%s rejects with session_not_found and signs out with reason revoked, once', async (tag, call) => {
    const { auth, session } = await signedInClient(target, `gateway-${tag.replace(/\W/g, '-')}`)
    const rec = record(auth)
    await target.admin.signOut(session.access_token, 'global')

    const error = await rejection(call(auth))
    expect(error).toMatchObject({ code: 'session_not_found', status: 403 })
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked', session: null })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_OUT'])
    auth.dispose()
  })

  it('several calls failing at once end the session once', async () => {
    const { auth, session } = await signedInClient(target, 'gateway-together')
    const rec = record(auth)
    await target.admin.signOut(session.access_token, 'global')

    const errors = await Promise.all(calls.map(([, call]) => rejection(call(auth))))
    expect(errors.map((error) => error.code)).toEqual(calls.map(() => 'session_not_found'))
    expect(auth.snapshot).toMatchObject({ status: 'signedOut', reason: 'revoked' })
    expect(rec.events).toEqual(['INITIAL_SESSION', 'SIGNED_OUT'])
    auth.dispose()
  })

  it('a token passed to getUser explicitly is only checked: the client keeps its own session', async () => {
    const { auth } = await signedInClient(target, 'gateway-explicit')
    const other = await signedInClient(target, 'gateway-explicit-other')
    await target.admin.signOut(other.session.access_token, 'global')

    const error = await rejection(auth.getUser(other.session.access_token))
    expect(error).toMatchObject({ code: 'session_not_found' })
    expect(auth.snapshot.status).toBe('authenticated')
    auth.dispose()
    other.auth.dispose()
  })
})
