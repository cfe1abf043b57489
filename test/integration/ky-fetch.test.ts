/**
 * The browser client with the app's own ky instance as its `fetch`: every request goes through ky's hooks,
 * errors stay typed, and ky's own retry default is shown to send requests behind the client's back, which is
 * why the documented setup turns it off.
 */
import ky, { type KyInstance } from 'ky'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejection } from '../support/flows.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

/** `METHOD /path?grant_type=…` relative to the auth base URL, as a beforeRequest hook sees the request. */
function describeRequest(request: Request): string {
  const url = new URL(request.url)
  const path = url.pathname.slice(new URL(target.url).pathname.replace(/\/$/, '').length)
  const grant = url.searchParams.get('grant_type')
  return `${request.method} ${path}${grant ? `?grant_type=${grant}` : ''}`
}

/** A ky instance as the option's TSDoc recommends, recording each request in `log`. */
function recordingKy(log: string[], options: { retry?: number } = { retry: 0 }): KyInstance {
  return ky.create({
    throwHttpErrors: false,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    timeout: false,
    hooks: { beforeRequest: [(request) => void log.push(describeRequest(request))] },
  })
}

async function confirmedUser(tag: string): Promise<string> {
  const email = uniqueEmail(tag)
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  return email
}

describe('createAuthClient({ fetch: kyInstance })', () => {
  it('sign in, get user and refresh all go through the instance and its hooks', async () => {
    const email = await confirmedUser('ky-fetch')
    const log: string[] = []
    const auth = target.client({ fetch: recordingKy(log) })
    await auth.ready

    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    const { user } = await auth.getUser()
    expect(user.email).toBe(email)
    const refreshed = await auth.refreshSession()
    expect(refreshed.session?.refresh_token).not.toBe(session.refresh_token)

    expect(log).toEqual(['POST /token?grant_type=password', 'GET /user', 'POST /token?grant_type=refresh_token'])
    expect(auth.snapshot.status).toBe('authenticated')
  })

  it('errors stay typed: a wrong password is an AuthApiError invalid_credentials', async () => {
    const email = await confirmedUser('ky-fetch-wrong')
    const log: string[] = []
    const auth = target.client({ fetch: recordingKy(log) })
    const error = await rejection(auth.signInWithPassword({ email, password: 'not-the-password' }))
    expect(error).toMatchObject({ name: 'AuthApiError', code: 'invalid_credentials', status: 400 })
    expect(log).toEqual(['POST /token?grant_type=password'])
    expect(auth.snapshot.status).toBe('signedOut')
  })

  it('ky’s default retry resends a GET whose connection dropped; with retry: 0 the client sees it once', async (ctx) => {
    const server = target.local
    if (!server) return ctx.skip('dropping a connection needs the local server’s fault hooks')
    const email = await confirmedUser('ky-fetch-drop')

    // ky's defaults retry network failures of GET/PUT/DELETE twice: three requests the client never asked for.
    const defaults: string[] = []
    const eager = target.client({ fetch: recordingKy(defaults, {}) })
    await eager.signInWithPassword({ email, password: PASSWORD })
    server.faults.add({ method: 'GET', path: '/user', times: 3, action: { dropAfterCommit: true } })
    const eagerError = await rejection(eager.getUser())
    expect(eagerError).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error' })
    expect(defaults.filter((r) => r === 'GET /user')).toHaveLength(3)

    const recommended: string[] = []
    const auth = target.client({ fetch: recordingKy(recommended) })
    await auth.signInWithPassword({ email, password: PASSWORD })
    server.faults.add({ method: 'GET', path: '/user', times: 1, action: { dropAfterCommit: true } })
    const error = await rejection(auth.getUser())
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'network_error' })
    expect(recommended.filter((r) => r === 'GET /user')).toHaveLength(1)
    // A network failure never costs the session.
    expect(auth.snapshot.status).toBe('authenticated')
  })
})
