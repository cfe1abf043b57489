import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signUp, start } from '../support/server-helpers.js'

const clock = fakeClock()
let server: AuthServer
beforeAll(async () => {
  server = await start({ now: clock.now })
})
afterAll(() => server.close())

const refresh = (token: string) => call(server, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: token } })

describe('refresh_token grant (legacy rotation)', () => {
  it('rotates: a child token is issued for the same session', async () => {
    const s = await signUp(server)
    const r = await refresh(s.refresh_token)
    expect(r.status).toBe(200)
    expect(r.body.refresh_token).not.toBe(s.refresh_token)
    expect(r.body.refresh_token).toMatch(/^[a-z2-7]{12}$/)
    expect(claims(r.body.access_token).session_id).toBe(claims(s.access_token).session_id)
    expect(claims(r.body.access_token).amr).toEqual(claims(s.access_token).amr)
  })

  it('returns the active token again for the parent of the active token, without time limit', async () => {
    const s = await signUp(server)
    const first = await refresh(s.refresh_token)
    clock.advance(60_000)
    const again = await refresh(s.refresh_token)
    expect(again.status).toBe(200)
    expect(again.body.refresh_token).toBe(first.body.refresh_token)
  })

  it('accepts an older revoked token within the reuse interval, restarting the window', async () => {
    const s = await signUp(server)
    const a = await refresh(s.refresh_token) // s revoked, a active
    const b = await refresh(a.body.refresh_token) // a revoked, b active; s is now a grandparent
    expect(b.status).toBe(200)
    clock.advance(9_000)
    const reuse = await refresh(s.refresh_token)
    expect(reuse.status).toBe(200)
    expect(reuse.body.refresh_token).not.toBe(b.body.refresh_token)
    clock.advance(9_000) // 18 s after the first revocation, 9 s after the accepted reuse
    const reuse2 = await refresh(s.refresh_token)
    expect(reuse2.status).toBe(200)
  })

  it('answers refresh_token_already_used after the interval and revokes the family', async () => {
    const s = await signUp(server)
    const a = await refresh(s.refresh_token)
    const b = await refresh(a.body.refresh_token)
    clock.advance(11_000)
    const used = await refresh(s.refresh_token)
    expect(used.status).toBe(400)
    expect(used.body).toMatchObject({ error_code: 'refresh_token_already_used', msg: 'Invalid Refresh Token: Already Used' })
    // The family is revoked: the active token b is now a plain revoked token outside its window.
    clock.advance(11_000)
    const active = await refresh(b.body.refresh_token)
    expect(active.body.error_code).toBe('refresh_token_already_used')
    // The session itself survives, so the access token keeps working until exp.
    const user = await call(server, 'GET', '/user', { token: b.body.access_token })
    expect(user.status).toBe(200)
  })

  it('does not revoke the family when rotation is off', async () => {
    const lax = await start({ refreshTokenRotation: false, refreshTokenReuseInterval: 0 })
    try {
      const s = await signUp(lax)
      const rt = (t: string) => call(lax, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: t } })
      const a = await rt(s.refresh_token)
      const b = await rt(a.body.refresh_token)
      await new Promise((r) => setTimeout(r, 5))
      expect((await rt(s.refresh_token)).body.error_code).toBe('refresh_token_already_used')
      expect((await rt(b.body.refresh_token)).status).toBe(200)
    } finally {
      await lax.close()
    }
  })

  it('validates format and reports unknown tokens', async () => {
    const short = await refresh('abc')
    expect(short.body).toMatchObject({ error_code: 'validation_failed', msg: 'Refresh token is not valid' })
    const empty = await refresh('')
    expect(empty.body.msg).toBe('Refresh token is not valid')
    const unknown = await refresh('aaaaaaaaaaaa')
    expect(unknown.body).toMatchObject({ error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token: Refresh Token Not Found' })
  })

  it('reports refresh_token_not_found once the session is logged out', async () => {
    const s = await signUp(server)
    const out = await call(server, 'POST', '/logout', { token: s.access_token })
    expect(out.status).toBe(204)
    expect((await refresh(s.refresh_token)).body.error_code).toBe('refresh_token_not_found')
  })

  it('reports user_banned for banned users', async () => {
    const s = await signUp(server)
    await call(server, 'PUT', `/admin/users/${s.user.id}`, { token: server.serviceRoleKey, body: { ban_duration: '24h' } })
    const r = await refresh(s.refresh_token)
    expect(r.body).toMatchObject({ error_code: 'user_banned', msg: 'Invalid Refresh Token: User Banned' })
  })

  it('issues tokens from the injected clock', async () => {
    const s = await signUp(server)
    expect(s.expires_at).toBe(Math.floor(clock.now() / 1000) + 3600)
    clock.advance(3_601_000)
    const expired = await call(server, 'GET', '/user', { token: s.access_token })
    expect(expired.status).toBe(403)
    expect(expired.body.error_code).toBe('bad_jwt')
    const r = await refresh(s.refresh_token)
    expect(r.status).toBe(200)
  })
})
