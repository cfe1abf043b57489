import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeRefreshTokenV2, isSignedBy, newRefreshTokenKey, parseRefreshTokenV2 } from '../../src/testing/crypto/refresh-token-v2.js'
import { totpCode, type AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signUp, start } from '../support/server-helpers.js'

const clock = fakeClock()
let server: AuthServer
beforeAll(async () => {
  server = await start({ now: clock.now, refreshTokenAlgorithmVersion: 2 })
})
afterAll(() => server.close())

const refreshOn = (srv: AuthServer, token: string) => call(srv, 'POST', '/token?grant_type=refresh_token', { body: { refresh_token: token } })
const refresh = (token: string) => refreshOn(server, token)
/** Past the 10 s reuse interval since the last refresh. */
const later = () => clock.advance(11_000)

describe('refresh_token grant, algorithm v2', () => {
  it('issues signed tokens naming the session, and advances the counter on each use', async () => {
    const s = await signUp(server)
    expect(s.refresh_token).toMatch(/^[A-Za-z0-9_-]{50,}$/)
    const a = await refresh(s.refresh_token)
    expect(a.status).toBe(200)
    expect(a.headers.get('sb-auth-refresh-token-counter')).toBe('1')
    expect(a.body.refresh_token).not.toBe(s.refresh_token)
    expect(claims(a.body.access_token).session_id).toBe(claims(s.access_token).session_id)
    later()
    const b = await refresh(a.body.refresh_token)
    expect(b.headers.get('sb-auth-refresh-token-counter')).toBe('2')
  })

  it('answers the current token, without advancing, to the token just before it', async () => {
    const s = await signUp(server)
    const a = await refresh(s.refresh_token)
    later()
    const lost = await refresh(s.refresh_token)
    expect(lost.status).toBe(200)
    expect(lost.body.refresh_token).toBe(a.body.refresh_token)
    expect(lost.headers.get('sb-auth-refresh-token-counter')).toBe('1')
  })

  it('accepts any older token within the reuse interval of the last refresh (concurrent refreshes)', async () => {
    const s = await signUp(server)
    const a = await refresh(s.refresh_token)
    const b = await refresh(a.body.refresh_token)
    clock.advance(9_000)
    const old = await refresh(s.refresh_token)
    expect(old.status).toBe(200)
    expect(old.body.refresh_token).toBe(b.body.refresh_token)
  })

  it('deletes the session on detected reuse: later refreshes are not found, access tokens stop working', async () => {
    const s = await signUp(server)
    const a = await refresh(s.refresh_token)
    later()
    const b = await refresh(a.body.refresh_token)
    later()
    const reused = await refresh(s.refresh_token)
    expect(reused.status).toBe(400)
    expect(reused.body).toMatchObject({ error_code: 'refresh_token_already_used', msg: 'Invalid Refresh Token: Already Used' })
    const current = await refresh(b.body.refresh_token)
    expect(current.body).toMatchObject({ code: 400, error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token: Refresh Token Not Found' })
    const user = await call(server, 'GET', '/user', { token: b.body.access_token })
    expect(user.status).toBe(403)
    expect(user.body.error_code).toBe('session_not_found')
  })

  it('with rotation off, refuses the reuse but keeps the session', async () => {
    const lax = await start({ now: clock.now, refreshTokenAlgorithmVersion: 2, refreshTokenRotation: false })
    try {
      const s = await signUp(lax)
      const a = await refreshOn(lax, s.refresh_token)
      later()
      const b = await refreshOn(lax, a.body.refresh_token)
      later()
      expect((await refreshOn(lax, s.refresh_token)).body.error_code).toBe('refresh_token_already_used')
      expect((await refreshOn(lax, b.body.refresh_token)).status).toBe(200)
    } finally {
      await lax.close()
    }
  })

  it('tells malformed tokens from unknown ones', async () => {
    const s = await signUp(server)
    // Position 10 carries six bits of the session id, so any other character changes the bytes.
    const swapped = s.refresh_token[10] === 'A' ? 'B' : 'A'
    const tampered = await refresh(`${s.refresh_token.slice(0, 10)}${swapped}${s.refresh_token.slice(11)}`)
    expect(tampered.body).toMatchObject({ error_code: 'validation_failed', msg: 'Refresh token is not valid' })
    // Well-formed, but signed with a key the session does not have.
    const forged = encodeRefreshTokenV2(claims(s.access_token).session_id, 0, newRefreshTokenKey())
    expect((await refresh(forged)).body.error_code).toBe('refresh_token_not_found')
    await call(server, 'POST', '/logout', { token: s.access_token })
    expect((await refresh(s.refresh_token)).body.error_code).toBe('refresh_token_not_found')
  })

  it('moves the counter by two on MFA verification, so the aal1 token is a reuse', async () => {
    const s = await signUp(server)
    const enroll = (await call(server, 'POST', '/factors', { token: s.access_token, body: { factor_type: 'totp' } })).body
    const ch = (await call(server, 'POST', `/factors/${enroll.id}/challenge`, { token: s.access_token })).body
    const code = totpCode(enroll.totp.secret, clock.now())
    const verified = await call(server, 'POST', `/factors/${enroll.id}/verify`, { token: s.access_token, body: { challenge_id: ch.id, code } })
    expect(verified.status).toBe(200)
    expect(verified.body.refresh_token).not.toBe(s.refresh_token)
    later()
    expect((await refresh(s.refresh_token)).body.error_code).toBe('refresh_token_already_used')
    expect((await refresh(verified.body.refresh_token)).body.error_code).toBe('refresh_token_not_found')
  })
})

describe('v2 token format', () => {
  it('round-trips session id and multi-byte counters, and checks the signature', () => {
    const key = newRefreshTokenKey()
    const sessionId = crypto.randomUUID()
    for (const counter of [0, 127, 128, 300, 2 ** 40]) {
      const parsed = parseRefreshTokenV2(encodeRefreshTokenV2(sessionId, counter, key))
      expect(parsed).toMatchObject({ sessionId, counter })
      expect(isSignedBy(parsed!, key)).toBe(true)
      expect(isSignedBy(parsed!, newRefreshTokenKey())).toBe(false)
    }
    expect(parseRefreshTokenV2('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBeUndefined()
    expect(parseRefreshTokenV2(`${encodeRefreshTokenV2(sessionId, 1, key)}=`)).toBeUndefined()
  })
})
