import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { startAuthServer } from '../../src/testing/index.js'
import { call, signUp } from '../support/server-helpers.js'

describe.each(['ES256', 'RS256'] as const)('asymmetric signing (%s)', (alg) => {
  it('publishes the public key and signs access tokens with it', async () => {
    const server = await startAuthServer({ jwtAlgorithm: alg })
    try {
      const jwks = await call(server, 'GET', '/.well-known/jwks.json')
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=600')
      expect(jwks.body.keys).toHaveLength(1)
      const key = jwks.body.keys[0]
      expect(key).toMatchObject({ alg, use: 'sig', key_ops: ['verify'] })
      expect(key.d).toBeUndefined()
      const s = await signUp(server)
      const header = decodeProtectedHeader(s.access_token)
      expect(header).toMatchObject({ alg, typ: 'JWT', kid: key.kid })
      const { payload } = await jwtVerify(s.access_token, createLocalJWKSet(jwks.body))
      expect(payload.sub).toBe(s.user.id)
      // The session's token and the HS256 service-role key both authenticate.
      expect((await call(server, 'GET', '/user', { token: s.access_token })).status).toBe(200)
      expect((await call(server, 'GET', '/admin/users', { token: server.serviceRoleKey })).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
