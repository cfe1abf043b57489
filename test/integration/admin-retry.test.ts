/**
 * The admin client's retry policy end to end: the local server's fault hooks answer 429/503 in front of the
 * real routes, and its request log says when each attempt arrived. Fault hooks exist only on the local
 * server, so against a real GoTrue these tests skip.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest'
import type { Hooks } from 'ky'
import { createAdminClient } from '../../src/admin/index.js'
import type { AuthServer } from '../../src/testing/index.js'
import { rejection } from '../support/flows.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})
beforeEach(() => {
  target.local?.faults.clear()
})

function localServer(ctx: TestContext): AuthServer {
  if (!target.local) ctx.skip('fault hooks and the request log exist only on the local server')
  return target.local as AuthServer
}

const RATE_LIMITED = { code: 'over_request_rate_limit', msg: 'Request rate limit reached' }
const VERSIONED = { 'X-Supabase-Api-Version': '2024-01-01' }

describe('createAdminClient against rate limits', () => {
  it('a 429 with Retry-After: 1 is retried a second later, and the call succeeds', async (ctx) => {
    const server = localServer(ctx)
    server.faults.add({ method: 'GET', path: '/admin/users', times: 1, action: { status: 429, body: RATE_LIMITED, headers: { 'Retry-After': '1', ...VERSIONED } } })
    server.requests.clear()
    const page = await target.admin.listUsers({ perPage: 1 })
    expect(page.users.length).toBeLessThanOrEqual(1)
    const attempts = server.requests.all().filter((r) => r.path === '/admin/users')
    expect(attempts.map((r) => r.status)).toEqual([429, 200])
    // Arrival times on the server's clock: the retry came at least the second the server asked for later.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(995)
  })

  it('a POST refused with 429 is sent again and creates the user once', async (ctx) => {
    const server = localServer(ctx)
    server.faults.add({ method: 'POST', path: '/admin/users', times: 1, action: { status: 429, body: RATE_LIMITED, headers: { 'Retry-After': '0', ...VERSIONED } } })
    server.requests.clear()
    const email = uniqueEmail('retry-create')
    const { user } = await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    expect(user.email).toBe(email)
    expect(server.requests.all().filter((r) => r.method === 'POST' && r.path === '/admin/users').map((r) => r.status)).toEqual([429, 200])
  })

  it('a 400-class answer is not retried', async (ctx) => {
    const server = localServer(ctx)
    const email = uniqueEmail('retry-dup')
    await target.admin.createUser({ email, password: PASSWORD })
    server.requests.clear()
    const error = await rejection(target.admin.createUser({ email, password: PASSWORD }))
    expect(error).toMatchObject({ name: 'AuthApiError', status: 422, code: 'email_exists' })
    expect(server.requests.count({ method: 'POST', path: '/admin/users' })).toBe(1)
  })

  it('a Retry-After beyond maxDelayMs is not waited for: one request, the error carries retryAfter', async (ctx) => {
    const server = localServer(ctx)
    server.faults.add({ method: 'GET', path: '/admin/users', times: 1, action: { status: 429, body: RATE_LIMITED, headers: { 'Retry-After': '120', ...VERSIONED } } })
    server.requests.clear()
    const error = await rejection(target.admin.listUsers())
    expect(error).toMatchObject({ name: 'AuthApiError', status: 429, code: 'over_request_rate_limit', retryAfter: 120 })
    expect(server.requests.count({ path: '/admin/users' })).toBe(1)
  })

  it('a 503 without Retry-After is retried with backoff; retry: false gives it back at once', async (ctx) => {
    const server = localServer(ctx)
    const fast = createAdminClient({ url: target.url, serviceRoleKey: target.serviceRoleKey, retry: { maxDelayMs: 50 } })
    server.faults.add({ method: 'GET', path: '/admin/users', times: 2, action: { status: 503, body: 'upstream unavailable' } })
    server.requests.clear()
    await fast.listUsers({ perPage: 1 })
    expect(server.requests.all().filter((r) => r.path === '/admin/users').map((r) => r.status)).toEqual([503, 503, 200])

    const once = createAdminClient({ url: target.url, serviceRoleKey: target.serviceRoleKey, retry: false })
    server.faults.add({ method: 'GET', path: '/admin/users', times: 1, action: { status: 503, body: 'upstream unavailable' } })
    const error = await rejection(once.listUsers())
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', status: 503 })
  })

  it('a per-call timeout rejects with a timeout error and is not retried', async (ctx) => {
    const server = localServer(ctx)
    server.faults.add({ method: 'GET', path: '/admin/users', times: 1, action: { delay: 1_000 } })
    server.requests.clear()
    const error = await rejection(target.admin.listUsers({}, { timeout: 100 }))
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', code: 'timeout' })
    expect(server.requests.count({ path: '/admin/users' })).toBe(1)
  })

  it('hooks see each attempt with its status', async (ctx) => {
    const server = localServer(ctx)
    const seen: string[] = []
    const hooks: Hooks = {
      beforeRequest: [(request, _o, { retryCount }) => void seen.push(`${request.method} ${new URL(request.url).pathname.replace(/^.*\/auth\/v1/, '')} #${retryCount}`)],
      afterResponse: [(_r, _o, response) => void seen.push(String(response.status))],
    }
    const admin = createAdminClient({ url: target.url, serviceRoleKey: target.serviceRoleKey, hooks })
    server.faults.add({ method: 'GET', path: '/admin/users', times: 1, action: { status: 429, body: RATE_LIMITED, headers: { 'Retry-After': '0', ...VERSIONED } } })
    await admin.listUsers({ perPage: 1 })
    expect(seen).toEqual(['GET /admin/users #0', '429', 'GET /admin/users #1', '200'])
  })
})
