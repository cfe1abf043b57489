/**
 * SAML SSO against the built-in identity provider: the admin provider registry (contract §4.21), `POST /sso`
 * (§4.15) and the assertion consumer service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthServer } from '../../src/testing/index.js'
import { call, claims, fakeClock, signUp, start, uniqueEmail } from '../support/server-helpers.js'
import { APP, fragment, hop, pkcePair, query, uniqueSub, walk } from './oauth-helpers.js'

let server: AuthServer
const clock = fakeClock()
beforeAll(async () => {
  server = await start({ now: clock.now })
})
afterAll(() => server.close())

let n = 0
const entity = () => `https://idp${++n}.test/metadata`
const admin = (method: string, path: string, body?: unknown) =>
  call(server, method, `/admin/sso/providers${path}`, { token: server.serviceRoleKey, ...(body === undefined ? {} : { body }) })
const register = async (domains: string[], extra: Record<string, unknown> = {}) => {
  const res = await admin('POST', '', { type: 'saml', metadata_xml: server.provider.samlMetadata(entity()), domains, ...extra })
  expect(res.status).toBe(201)
  return res.body
}
const sso = (body: Record<string, unknown>) => call(server, 'POST', '/sso', { body })

describe('admin SSO providers', () => {
  it('creates (201), reads by id and resource id, lists without the XML, updates and deletes', async () => {
    const id = entity()
    const xml = server.provider.samlMetadata(id)
    const created = await admin('POST', '', { type: 'saml', metadata_xml: xml, domains: ['Acme.test'], resource_id: 'acme' })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resource_id: 'acme',
      saml: { entity_id: id, metadata_xml: xml, attribute_mapping: {} },
      domains: [{ domain: 'acme.test' }],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    })
    const pid = created.body.id
    expect((await admin('GET', `/${pid}`)).body.saml.metadata_xml).toBe(xml)
    expect((await admin('GET', '/resource_acme')).body.id).toBe(pid)
    const listed = (await admin('GET', '')).body.items.find((p: { id: string }) => p.id === pid)
    expect(listed.saml).toEqual({ entity_id: id, attribute_mapping: {} })
    const updated = await admin('PUT', `/${pid}`, {
      domains: ['acme.test', 'acme.example'],
      disabled: true,
      name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      attribute_mapping: { keys: { email: { name: 'mail' } } },
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({
      disabled: true,
      domains: [{ domain: 'acme.test' }, { domain: 'acme.example' }],
      saml: { name_id_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', attribute_mapping: { keys: { email: { name: 'mail' } } } },
    })
    const mismatch = await admin('PUT', `/${pid}`, { metadata_xml: server.provider.samlMetadata('https://other.test') })
    expect(mismatch.body).toEqual({
      code: 400,
      error_code: 'saml_entity_id_mismatch',
      msg: `SAML Metadata can be updated only if the EntityID matches for the provider; expected '${id}' but got 'https://other.test'`,
    })
    expect((await admin('DELETE', `/${pid}`)).body.id).toBe(pid)
    expect((await admin('GET', `/${pid}`)).body).toEqual({ code: 404, error_code: 'sso_provider_not_found', msg: 'SSO Identity Provider not found' })
    expect((await admin('GET', '/not-a-uuid')).status).toBe(404)
  })

  it('refuses bad input with GoTrue messages', async () => {
    const expectMsg = async (body: unknown, msg: string, code = 'validation_failed', status = 400) => {
      const res = await admin('POST', '', body)
      expect(res.body).toEqual({ code: status, error_code: code, msg })
    }
    const xml = server.provider.samlMetadata(entity())
    await expectMsg({ type: 'oidc', metadata_xml: xml }, "Only 'saml' supported for SSO provider type")
    await expectMsg({ type: 'saml' }, 'Either metadata_xml or metadata_url must be set')
    await expectMsg({ type: 'saml', metadata_xml: xml, metadata_url: 'https://x.test' }, 'Only one of metadata_xml or metadata_url needs to be set')
    await expectMsg({ type: 'saml', metadata_url: 'http://x.test/m' }, 'metadata_url is not a HTTPS URL')
    await expectMsg({ type: 'saml', metadata_xml: xml, name_id_format: 'nope' }, expect.stringContaining('name_id_format must be unspecified or one of') as unknown as string)
    await expectMsg({ type: 'saml', metadata_xml: '<EntityDescriptor><IDPSSODescriptor/></EntityDescriptor>' }, 'SAML Metadata does not contain an EntityID')
    await expectMsg({ type: 'saml', metadata_xml: '<EntityDescriptor entityID="https://e.test"></EntityDescriptor>' }, 'SAML Metadata does not contain any IDPSSODescriptor')
    const first = await register(['dup.test'])
    await expectMsg(
      { type: 'saml', metadata_xml: server.provider.samlMetadata(first.saml.entity_id) },
      `SAML Identity Provider with this EntityID (${first.saml.entity_id}) already exists`,
      'saml_idp_already_exists',
      422,
    )
    await expectMsg(
      { type: 'saml', metadata_xml: server.provider.samlMetadata(entity()), domains: ['dup.test'] },
      `SSO Domain 'dup.test' is already assigned to an SSO identity provider (${first.id})`,
      'sso_domain_already_exists',
    )
    expect((await call(server, 'GET', '/admin/sso/providers', { token: server.anonKey })).body.error_code).toBe('not_admin')
  })
})

describe('POST /sso', () => {
  it('answers {url} with skip_http_redirect, else 303, and validates the request', async () => {
    const p = await register(['start.test'])
    const byDomain = await sso({ domain: 'START.test', skip_http_redirect: true })
    expect(byDomain.status).toBe(200)
    expect(byDomain.body.url.startsWith(`${server.url}/idp/authorize?`)).toBe(true)
    expect(query(byDomain.body.url)).toMatchObject({ protocol: 'saml', redirect_uri: `${server.url}/sso/saml/acs` })
    const byId = await sso({ provider_id: p.id })
    expect(byId.status).toBe(303)
    expect(byId.headers.get('location')).toMatch(/\/idp\/authorize\?/)

    expect((await sso({ provider_id: p.id, domain: 'start.test' })).body.msg).toBe('Only one of provider_id or domain supported')
    expect((await sso({})).body.msg).toBe('A provider_id or domain needs to be provided')
    expect((await sso({ domain: 'nobody.test' })).body).toEqual({ code: 404, error_code: 'sso_provider_not_found', msg: 'No SSO provider assigned for this domain' })
    expect((await sso({ provider_id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427' })).body.msg).toBe('No such SSO provider')
    expect((await sso({ provider_id: 'abc' })).body.error_code).toBe('bad_json')
    const { challenge } = pkcePair()
    expect((await sso({ domain: 'start.test', code_challenge: challenge, code_challenge_method: 'md5' })).body.msg).toBe('Invalid code_challenge_method')
    await admin('PUT', `/${p.id}`, { disabled: true })
    expect((await sso({ domain: 'start.test' })).body).toEqual({ code: 404, error_code: 'sso_provider_disabled', msg: 'SSO Provider is currently disabled' })
  })
})

describe('sign-in through the assertion consumer service', () => {
  it('implicit: a new SSO user, apart from the password user with the same email, AMR sso/saml', async () => {
    const p = await register(['corp.test'])
    const password = await signUp(server, uniqueEmail('corp'))
    const email = password.user.email as string
    server.provider.nextUser({ sub: uniqueSub('nameid'), email, name: 'Corp User' })
    const { body } = await sso({ domain: 'corp.test', redirect_to: `${APP}/sso`, skip_http_redirect: true })
    const end = await walk(server, body.url)
    expect(end.status).toBe(302)
    expect(end.location.startsWith(`${APP}/sso#access_token=`)).toBe(true)
    const f = fragment(end.location)
    expect(claims(f.access_token!).amr).toEqual([{ method: 'sso/saml', timestamp: expect.any(Number), provider: p.id }])
    const user = (await call(server, 'GET', '/user', { token: f.access_token })).body
    expect(user.id).not.toBe(password.user.id)
    expect(user).toMatchObject({ email, app_metadata: { provider: `sso:${p.id}`, providers: [`sso:${p.id}`] } })
    expect(user.identities[0].identity_data).toMatchObject({ iss: p.saml.entity_id, email, email_verified: true })
    expect((await call(server, 'POST', '/token?grant_type=password', { body: { email, password: 'password123' } })).body.user.id).toBe(password.user.id)
  })

  it('PKCE: ?code= exchanged for a session; the relay state is single use', async () => {
    const p = await register(['pkce.test'])
    const { verifier, challenge } = pkcePair()
    server.provider.setUser({ sub: uniqueSub(), email: uniqueEmail() })
    try {
      const { body } = await sso({ provider_id: p.id, code_challenge: challenge, code_challenge_method: 's256', skip_http_redirect: true })
      const toAcs = await hop(body.url)
      const end = await hop(toAcs.location)
      const { code } = query(end.location)
      const res = await call(server, 'POST', '/token?grant_type=pkce', { body: { auth_code: code, code_verifier: verifier } })
      expect(res.status).toBe(200)
      expect(claims(res.body.access_token).amr[0]).toMatchObject({ method: 'sso/saml', provider: p.id })
      const replay = await hop(toAcs.location)
      expect(replay.status).toBe(303)
      expect(query(replay.location)).toEqual({
        // 404 has no OAuth error name, so it travels as server_error.
        error: 'server_error', error_code: 'saml_relay_state_not_found', error_description: 'SAML RelayState does not exist, try logging in again?',
      })
    } finally {
      server.provider.setUser(null)
    }
  })

  it('sends assertion problems to the site URL with 303', async () => {
    const p = await register(['err.test'])
    const acsError = async (prepare: () => void) => {
      prepare()
      const { body } = await sso({ provider_id: p.id, skip_http_redirect: true })
      const end = await walk(server, body.url)
      expect(end.status).toBe(303)
      expect(end.location.startsWith(`${APP}?`)).toBe(true)
      return query(end.location)
    }
    expect(await acsError(() => server.provider.nextError())).toEqual({
      error: 'invalid_request', error_code: 'validation_failed', error_description: 'SAML Assertion is not valid',
    })
    expect(await acsError(() => server.provider.nextUser({ sub: uniqueSub() }))).toMatchObject({
      error_code: 'saml_assertion_no_email', error_description: 'SAML Assertion does not contain an email address',
    })
    const { body } = await sso({ provider_id: p.id, skip_http_redirect: true })
    server.provider.nextUser({ sub: uniqueSub(), email: uniqueEmail() })
    const toAcs = await hop(body.url)
    clock.advance(301_000)
    expect(query((await hop(toAcs.location)).location)).toMatchObject({ error: 'server_error', error_code: 'saml_relay_state_expired' })
    expect(query((await hop(`${server.url}/sso/saml/acs?RelayState=not%20a%20url`)).location).error_description).toBe(
      'SAML RelayState is not a valid UUID or URL',
    )
  })

  it('serves the service provider metadata', async () => {
    const res = await hop(`${server.url}/sso/saml/metadata?download=true`)
    expect(res.status).toBe(200)
    expect(res.text).toContain(`entityID="${server.url}/sso/saml/metadata"`)
    expect(res.text).toContain(`Location="${server.url}/sso/saml/acs"`)
  })
})
