/**
 * Identity-provider registries through the admin client: SAML SSO providers (`admin.sso`, not in auth-js)
 * and custom OAuth/OIDC providers (`admin.customProviders`). Each suite first asks whether the server
 * serves the routes and skips, saying why, when it does not.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { builtInIdpMetadata } from '../../src/testing/provider/saml-metadata.js'
import { signInWithSSO } from '../../src/identities/index.js'
import type { AuthError } from '../../src/errors.js'
import { rejection } from '../support/flows.js'
import { openTarget, type Target } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(async () => {
  await target?.close()
})

const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/**
 * Skips the test when `probe` (a list call) failed with a 404: the feature is off (`saml_provider_disabled`)
 * or the server has no such routes. Any other failure is the test's to report.
 */
async function requireFeature(ctx: TestContext, probe: Promise<unknown>, reason: string): Promise<void> {
  const outcome = await probe.then(() => undefined, (e: AuthError) => e)
  if (outcome === undefined) return
  ctx.skip(outcome.status === 404, reason)
  throw outcome
}

describe('sso', () => {
  it('create → list → get (by id and by resource_) → update → delete', async (ctx) => {
    await requireFeature(ctx, target.admin.sso.listProviders(), 'SAML SSO is off on this server (saml_provider_disabled)')
    const id = unique()
    const domain = `${id}.example.org`
    const entityId = `https://idp.${domain}`
    const xml = builtInIdpMetadata(entityId, `${target.url}/idp/sso`)
    const created = await target.admin.sso.createProvider({ type: 'saml', metadata_xml: xml, domains: [domain], resource_id: id })
    expect(created).toMatchObject({ id: expect.any(String), resource_id: id, saml: { entity_id: entityId }, domains: [{ domain }] })

    const { providers } = await target.admin.sso.listProviders()
    expect(providers.map((p) => p.id)).toContain(created.id)
    expect((await target.admin.sso.getProvider(created.id)).saml.entity_id).toBe(entityId)
    expect((await target.admin.sso.getProvider(`resource_${id}`)).id).toBe(created.id)

    const second = `${id}-b.example.org`
    const updated = await target.admin.sso.updateProvider(created.id, { domains: [domain, second] })
    expect(updated.domains.map((d) => d.domain).sort()).toEqual([domain, second].sort())

    // The domain now routes a user-side SSO sign-in to this provider.
    if (target.local) {
      const { url } = await signInWithSSO(target.client(), { domain: second, options: { skipBrowserRedirect: true } })
      expect(url).toEqual(expect.any(String))
    }

    expect((await target.admin.sso.deleteProvider(created.id)).id).toBe(created.id)
    const gone = await rejection(target.admin.sso.getProvider(created.id))
    expect(gone).toMatchObject({ name: 'AuthApiError', status: 404, code: 'sso_provider_not_found' })
  })

  it('a second provider with the same entity id is refused with saml_idp_already_exists', async (ctx) => {
    await requireFeature(ctx, target.admin.sso.listProviders(), 'SAML SSO is off on this server (saml_provider_disabled)')
    const entityId = `https://idp.${unique()}.example.org`
    const xml = builtInIdpMetadata(entityId, `${target.url}/idp/sso`)
    const first = await target.admin.sso.createProvider({ type: 'saml', metadata_xml: xml })
    try {
      const error = await rejection(target.admin.sso.createProvider({ type: 'saml', metadata_xml: xml }))
      expect(error).toMatchObject({ name: 'AuthApiError', status: 422, code: 'saml_idp_already_exists' })
    } finally {
      await target.admin.sso.deleteProvider(first.id)
    }
  })
})

describe('customProviders', () => {
  it('create (oauth2) → list → get → update → delete', async (ctx) => {
    // The local server has no custom-provider routes (its router answers a plain 404); GoTrue has them on by default.
    await requireFeature(ctx, target.admin.customProviders.listProviders(), 'this server does not serve /admin/custom-providers')
    const identifier = `custom:${unique()}`
    const created = await target.admin.customProviders.createProvider({
      provider_type: 'oauth2',
      identifier,
      name: 'Acme',
      client_id: 'acme-client',
      client_secret: 'acme-secret',
      authorization_url: 'https://id.acme.example.org/authorize',
      token_url: 'https://id.acme.example.org/token',
      userinfo_url: 'https://id.acme.example.org/userinfo',
      scopes: ['email'],
    })
    try {
      expect(created).toMatchObject({ identifier, provider_type: 'oauth2', name: 'Acme', client_id: 'acme-client' })
      expect(created).not.toHaveProperty('client_secret')
      expect((await target.admin.customProviders.listProviders({ type: 'oauth2' })).providers.map((p) => p.identifier)).toContain(identifier)
      expect((await target.admin.customProviders.getProvider(identifier)).id).toBe(created.id)
      expect((await target.admin.customProviders.updateProvider(identifier, { name: 'Acme Corp' })).name).toBe('Acme Corp')
    } finally {
      expect(await target.admin.customProviders.deleteProvider(identifier)).toBeNull()
    }
    expect(await rejection(target.admin.customProviders.getProvider(identifier))).toMatchObject({ name: 'AuthApiError', status: 404 })
  })
})
