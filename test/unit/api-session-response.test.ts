import { describe, expect, it } from 'vitest'
import { isTokenResponse, parseSessionOrUser, parseTokenResponse, parseUser } from '../../src/api/session-response.js'
import { AuthInvalidTokenResponseError } from '../../src/errors.js'
import { ACCESS_TOKEN, REFRESH_TOKEN, tokenBody, userBody } from '../support/http-test-server.js'

describe('parseTokenResponse', () => {
  it('accepts a GoTrue token response and keeps known keys only', () => {
    const parsed = parseTokenResponse({ ...tokenBody(), id_token: 'x', unexpected: true, weak_password: { reasons: ['length'], message: 'short' } })
    expect(parsed).toMatchObject({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: 'bearer', expires_in: 3600, expires_at: 1_900_000_000 })
    expect(parsed.user.id).toBe(userBody()['id'])
    expect(parsed.weak_password).toEqual({ reasons: ['length'], message: 'short' })
    expect(parsed).not.toHaveProperty('unexpected')
  })

  it.each([
    ['null', null],
    ['a string', 'token'],
    ['an array', [tokenBody()]],
    ['no access_token', tokenBody({ access_token: undefined })],
    ['empty access_token', tokenBody({ access_token: '' })],
    ['numeric refresh_token', tokenBody({ refresh_token: 42 })],
    ['string expires_in', tokenBody({ expires_in: '3600' })],
    ['NaN-like expires_in', tokenBody({ expires_in: null })],
    ['no user', tokenBody({ user: undefined })],
    ['user without id', tokenBody({ user: { email: 'a@example.com' } })],
  ])('rejects %s with AuthInvalidTokenResponseError', (_label, body) => {
    expect(() => parseTokenResponse(body)).toThrow(AuthInvalidTokenResponseError)
    expect(isTokenResponse(body)).toBe(false)
  })

  it('never puts token values into the error message', () => {
    try {
      parseTokenResponse(tokenBody({ expires_in: 'soon' }))
      expect.unreachable()
    } catch (e) {
      expect((e as Error).message).not.toContain(ACCESS_TOKEN)
      expect((e as Error).message).not.toContain(REFRESH_TOKEN)
    }
  })
})

describe('parseUser', () => {
  it('fills null or missing metadata with {}', () => {
    const user = parseUser(userBody({ user_metadata: null, app_metadata: undefined }))
    expect(user.user_metadata).toEqual({})
    expect(user.app_metadata).toEqual({})
  })

  it('rejects non-users', () => {
    expect(() => parseUser({})).toThrow(AuthInvalidTokenResponseError)
    expect(() => parseUser(undefined)).toThrow(AuthInvalidTokenResponseError)
  })
})

describe('parseSessionOrUser', () => {
  it('distinguishes a session from a bare user and from {user}', () => {
    expect(parseSessionOrUser(tokenBody()).kind).toBe('session')
    expect(parseSessionOrUser(userBody())).toMatchObject({ kind: 'user', user: { id: userBody()['id'] } })
    expect(parseSessionOrUser({ user: userBody() }).kind).toBe('user')
  })

  it('does not treat a half session as a user', () => {
    expect(() => parseSessionOrUser(tokenBody({ refresh_token: undefined }))).toThrow(AuthInvalidTokenResponseError)
  })
})
