import { describe, expect, it } from 'vitest'
import { isAuthError } from '../../src/errors.js'
import { base64UrlToBytes, base64UrlToString } from '../../src/encoding/base64url.js'
import { decodeJwt } from '../../src/encoding/jwt.js'

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
const token = (header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string =>
  `${encode(header)}.${encode(payload)}.${signature}`

const claims = {
  iss: 'https://abcd.supabase.co/auth/v1',
  sub: '6f1c2b0e-0000-4000-8000-000000000001',
  aud: 'authenticated',
  exp: 1_900_000_000,
  iat: 1_899_996_400,
  role: 'authenticated',
  aal: 'aal2',
  amr: [{ method: 'password', timestamp: 1_899_996_000 }, { method: 'totp', timestamp: 1_899_996_300 }],
  session_id: 'b1e0a0f2-0000-4000-8000-000000000002',
  is_anonymous: false,
  email: 'zoë@example.com',
  phone: '',
  app_metadata: { provider: 'email', providers: ['email'] },
  user_metadata: { name: 'Zoë 🚀' },
  custom_claim: 42,
}

function invalid(value: string): unknown {
  try {
    decodeJwt(value)
  } catch (error) {
    return error
  }
  throw new Error('decodeJwt accepted an invalid token')
}

describe('decodeJwt', () => {
  it('decodes header, payload (with non-ASCII text) and signature of a GoTrue-style token', () => {
    const jwt = token({ alg: 'ES256', kid: 'key-1', typ: 'JWT' }, claims)
    const decoded = decodeJwt(jwt)
    expect(decoded.header).toEqual({ alg: 'ES256', kid: 'key-1', typ: 'JWT' })
    expect(decoded.payload).toEqual(claims)
    expect(decoded.payload.aal).toBe('aal2')
    expect(decoded.signature).toBe('c2lnbmF0dXJl')
    expect(`${decoded.raw.header}.${decoded.raw.payload}.${decoded.signature}`).toBe(jwt)
  })

  it('accepts an empty signature (unsecured JWT) and an audience array', () => {
    const decoded = decodeJwt(token({ alg: 'none' }, { aud: ['a', 'b'] }, ''))
    expect(decoded.payload.aud).toEqual(['a', 'b'])
    expect(decoded.signature).toBe('')
  })

  it.each([
    ['empty string', ''],
    ['two segments', `${encode({ alg: 'HS256' })}.${encode({ sub: 'x' })}`],
    ['four segments', `${token({ alg: 'HS256' }, { sub: 'x' })}.extra`],
    ['standard base64 characters', `${encode({ alg: 'HS256' })}.${encode({ sub: 'x' })}+/.sig`],
    ['padding', `${encode({ alg: 'HS256' })}.${encode({ sub: 'x' })}==.sig`],
    ['payload not JSON', `${encode({ alg: 'HS256' })}.${Buffer.from('not json').toString('base64url')}.sig`],
    ['payload a JSON array', token({ alg: 'HS256' }, [1, 2])],
    ['payload JSON null', token({ alg: 'HS256' }, null)],
    ['header a string', token('HS256', { sub: 'x' })],
    ['impossible base64url length', `${encode({ alg: 'HS256' })}.${encode({ sub: 'x' })}.abcde`],
    ['invalid UTF-8', `${encode({ alg: 'HS256' })}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.sig`],
    ['exp as a string', token({ alg: 'HS256' }, { exp: '1900000000' })],
    ['sub as a number', token({ alg: 'HS256' }, { sub: 12 })],
    ['aud as a number array', token({ alg: 'HS256' }, { aud: [1] })],
  ])('rejects %s with AuthInvalidJwtError', (_name, value) => {
    const error = invalid(value)
    expect(isAuthError(error)).toBe(true)
    expect(error).toMatchObject({ name: 'AuthInvalidJwtError', code: 'invalid_jwt' })
  })

  it('rejects a non-string without throwing a TypeError', () => {
    expect(invalid(undefined as unknown as string)).toMatchObject({ name: 'AuthInvalidJwtError' })
  })

  it('never puts the token in the error message', () => {
    const secret = `${encode({ alg: 'HS256' })}.${Buffer.from('{"sub":"secret-subject"').toString('base64url')}.c2VjcmV0`
    const error = invalid(secret) as Error
    expect(error.message).not.toContain(secret)
    expect(error.message).not.toContain('secret')
    for (const part of secret.split('.')) expect(error.message).not.toContain(part)
  })
})

describe('base64url', () => {
  it('decodes every length remainder', () => {
    expect([...base64UrlToBytes('')]).toEqual([])
    expect([...base64UrlToBytes('_w')]).toEqual([0xff])
    expect([...base64UrlToBytes('-_8')]).toEqual([0xfb, 0xff])
    expect([...base64UrlToBytes('AAEC')]).toEqual([0, 1, 2])
    expect(base64UrlToString('eyJhIjoxfQ')).toBe('{"a":1}')
  })
})
