import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { call, signUp, uniqueEmail } from '../support/server-helpers.js'

let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.faults.clear()
  server.requests.clear()
})

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5))
}

describe('faults', () => {
  it('answers a canned status for the matching grant, `times` times', async () => {
    const s = await signUp(server)
    server.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { status: 503, body: { message: 'down' }, headers: { 'Retry-After': '1' } } })
    const body = { refresh_token: s.refresh_token }
    const pw = await call(server, 'POST', '/token?grant_type=password', { body: { email: s.user.email, password: 'password123' } })
    expect(pw.status).toBe(200)
    const failed = await call(server, 'POST', '/token?grant_type=refresh_token', { body })
    expect(failed.status).toBe(503)
    expect(failed.body).toEqual({ message: 'down' })
    expect(failed.headers.get('retry-after')).toBe('1')
    const ok = await call(server, 'POST', '/token?grant_type=refresh_token', { body })
    expect(ok.status).toBe(200)
  })

  it('removes a rule with the returned function', async () => {
    const remove = server.faults.add({ path: '/health', action: { status: 500 } })
    expect((await call(server, 'GET', '/health')).status).toBe(500)
    remove()
    expect((await call(server, 'GET', '/health')).status).toBe(200)
  })

  it('delays and then answers normally', async () => {
    server.faults.add({ method: 'GET', path: '/health', action: { delay: 20 } })
    const res = await call(server, 'GET', '/health')
    expect(res.status).toBe(200)
    expect(res.body.name).toBe('GoTrue')
  })

  it('hangs until the client aborts', async () => {
    server.faults.add({ path: '/settings', action: { hang: true } })
    const controller = new AbortController()
    const pending = call(server, 'GET', '/settings', { signal: controller.signal })
    await until(() => server.requests.count({ path: '/settings' }) === 1)
    controller.abort()
    await expect(pending).rejects.toThrow()
    expect(server.requests.all()[0]!.status).toBe(0)
  })

  it('close() ends hung requests', async () => {
    const srv = await startAuthServer()
    srv.faults.add({ path: '/settings', action: { hang: true } })
    const pending = call(srv, 'GET', '/settings')
    await until(() => srv.requests.count() === 1)
    await srv.close()
    await expect(pending).rejects.toThrow()
    await srv.close() // idempotent
  })

  it('drops the answer after committing the state change', async () => {
    const email = uniqueEmail()
    server.faults.add({ path: '/signup', times: 1, action: { dropAfterCommit: true } })
    await expect(call(server, 'POST', '/signup', { body: { email, password: 'password123' } })).rejects.toThrow()
    const login = await call(server, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })
    expect(login.status).toBe(200)
  })

  it('answers garbage', async () => {
    server.faults.add({ path: '/user', action: { garbage: '<html>bad gateway</html>' } })
    const res = await call(server, 'GET', '/user')
    expect(res.status).toBe(200)
    expect(res.text).toBe('<html>bad gateway</html>')
    expect(res.body).toBeUndefined()
  })
})

describe('request log', () => {
  it('records method, path, grant type and status, and counts with filters', async () => {
    const s = await signUp(server)
    await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: s.refresh_token } })
    await call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: 'aaaaaaaaaaaa' } })
    expect(server.requests.count({ path: '/token' })).toBe(2)
    expect(server.requests.count({ path: '/token', grantType: 'refresh_token', method: 'post' })).toBe(2)
    expect(server.requests.count({ path: '/signup' })).toBe(1)
    const statuses = server.requests.all().filter((e) => e.path === '/token').map((e) => e.status)
    expect(statuses).toEqual([200, 400])
    server.requests.clear()
    expect(server.requests.count()).toBe(0)
  })
})
