/**
 * Admin SSO provider registry (contract §4.21): list, create, read, update, delete SAML identity providers.
 * Metadata is kept as given; only its `entityID` is read. `metadata_url` is fetched, like GoTrue does.
 * @module
 */
import { isUuid, uuid } from '../crypto/hash.js'
import { idpEntityId } from '../saml/metadata.js'
import { requireAdmin } from '../server/auth.js'
import { obj, str, type Ctx } from '../server/context.js'
import { badRequest, json, notFound, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { Json, SsoProviderRow } from '../store/records.js'
import { iso } from '../store/serialize.js'

const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
]

/** A provider as GoTrue renders it; lists leave the metadata XML out. */
export function ssoProviderJson(p: SsoProviderRow, withXml = true): Json {
  const saml: Json = { entity_id: p.entityId }
  if (withXml && p.metadataXml) saml.metadata_xml = p.metadataXml
  if (p.metadataUrl) saml.metadata_url = p.metadataUrl
  saml.attribute_mapping = p.attributeMapping
  if (p.nameIdFormat) saml.name_id_format = p.nameIdFormat
  const out: Json = { id: p.id }
  if (p.resourceId !== undefined) out.resource_id = p.resourceId
  if (p.disabled !== undefined) out.disabled = p.disabled
  return { ...out, saml, domains: p.domains.map((domain) => ({ domain })), created_at: iso(p.createdAt), updated_at: iso(p.updatedAt) }
}

interface Params {
  metadataXml: string
  metadataUrl: string
  nameIdFormat: string
}

/** GoTrue `CreateSSOProviderParams.validate`. */
function validate(body: Json, forUpdate: boolean): Params {
  const p = { metadataXml: str(body, 'metadata_xml'), metadataUrl: str(body, 'metadata_url'), nameIdFormat: str(body, 'name_id_format') }
  if (!forUpdate && str(body, 'type') !== 'saml') throw badRequest("Only 'saml' supported for SSO provider type")
  if (p.metadataUrl && p.metadataXml) throw badRequest('Only one of metadata_xml or metadata_url needs to be set')
  if (!forUpdate && !p.metadataUrl && !p.metadataXml) throw badRequest('Either metadata_xml or metadata_url must be set')
  if (p.metadataUrl) {
    let url: URL
    try {
      url = new URL(p.metadataUrl)
    } catch {
      throw badRequest('metadata_url is not a valid URL')
    }
    if (url.protocol !== 'https:') throw badRequest('metadata_url is not a HTTPS URL')
  }
  if (p.nameIdFormat && !NAME_ID_FORMATS.includes(p.nameIdFormat)) {
    throw badRequest(`name_id_format must be unspecified or one of ${NAME_ID_FORMATS.join(', ')}`)
  }
  return p
}

/** The metadata XML, fetched when given by URL, and its entity id. */
async function metadata(p: Params): Promise<{ xml: string; entityId: string }> {
  let xml = p.metadataXml
  if (p.metadataUrl) {
    const res = await fetch(p.metadataUrl, { headers: { Accept: 'application/xml;charset=UTF-8' } })
    if (res.status !== 200) {
      throw badRequest(`HTTP ${res.status} error fetching SAML Metadata from URL '${p.metadataUrl}'`, 'saml_metadata_fetch_failed')
    }
    xml = await res.text()
  }
  return { xml, entityId: idpEntityId(xml) }
}

const domainsOf = (body: Json): string[] | undefined =>
  Array.isArray(body.domains) ? body.domains.filter((d): d is string => typeof d === 'string').map((d) => d.toLowerCase()) : undefined

function ownerOf(ctx: Ctx, domain: string): SsoProviderRow | undefined {
  return [...ctx.store.ssoProviders.values()].find((p) => p.domains.includes(domain))
}

/** GoTrue `loadSSOProvider`: by uuid, or `resource_<resource id>`. */
function loadProvider(ctx: Ctx): SsoProviderRow {
  const id = ctx.params.idpId ?? ''
  const all = [...ctx.store.ssoProviders.values()]
  const found = id.startsWith('resource_')
    ? all.find((p) => p.resourceId === id.slice('resource_'.length))
    : isUuid(id) ? ctx.store.ssoProviders.get(id.toLowerCase()) : undefined
  if (!found) throw notFound('SSO Identity Provider not found', 'sso_provider_not_found')
  return found
}

async function list(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return json({ items: [...ctx.store.ssoProviders.values()].map((p) => ssoProviderJson(p, false)) })
}

async function create(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const body = ctx.body()
  const params = validate(body, false)
  const { xml, entityId } = await metadata(params)
  if ([...ctx.store.ssoProviders.values()].some((p) => p.entityId === entityId)) {
    throw unprocessable(`SAML Identity Provider with this EntityID (${entityId}) already exists`, 'saml_idp_already_exists')
  }
  const domains = domainsOf(body) ?? []
  for (const domain of domains) {
    const owner = ownerOf(ctx, domain)
    if (owner) throw badRequest(`SSO Domain '${domain}' is already assigned to an SSO identity provider (${owner.id})`, 'sso_domain_already_exists')
  }
  const t = ctx.now()
  const row: SsoProviderRow = {
    id: uuid(),
    entityId,
    metadataXml: xml,
    attributeMapping: obj(body, 'attribute_mapping') ?? {},
    domains: [...new Set(domains)],
    createdAt: t,
    updatedAt: t,
  }
  if (typeof body.resource_id === 'string') row.resourceId = body.resource_id
  if (typeof body.disabled === 'boolean') row.disabled = body.disabled
  if (params.metadataUrl) row.metadataUrl = params.metadataUrl
  if (params.nameIdFormat) row.nameIdFormat = params.nameIdFormat
  ctx.store.ssoProviders.set(row.id, row)
  return json(ssoProviderJson(row), 201)
}

async function read(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return json(ssoProviderJson(loadProvider(ctx)))
}

async function update(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const body = ctx.body()
  const params = validate(body, true)
  const row = loadProvider(ctx)
  if (params.metadataXml || params.metadataUrl) {
    const { xml, entityId } = await metadata(params)
    if (entityId !== row.entityId) {
      throw badRequest(
        `SAML Metadata can be updated only if the EntityID matches for the provider; expected '${row.entityId}' but got '${entityId}'`,
        'saml_entity_id_mismatch',
      )
    }
    row.metadataXml = xml
    if (params.metadataUrl) row.metadataUrl = params.metadataUrl
  }
  const domains = domainsOf(body)
  for (const domain of domains ?? []) {
    const owner = ownerOf(ctx, domain)
    if (owner && owner.id !== row.id) {
      throw badRequest(`SSO domain '${domain}' already assigned to another provider (${owner.id})`, 'sso_domain_already_exists')
    }
  }
  if (domains) row.domains = [...new Set(domains)]
  const mapping = obj(body, 'attribute_mapping')
  if (mapping && obj(mapping, 'keys')) row.attributeMapping = mapping
  if (params.nameIdFormat) row.nameIdFormat = params.nameIdFormat
  else delete row.nameIdFormat
  if (typeof body.resource_id === 'string') {
    if (body.resource_id) row.resourceId = body.resource_id
    else delete row.resourceId
  }
  if (typeof body.disabled === 'boolean') row.disabled = body.disabled
  row.updatedAt = ctx.now()
  return json(ssoProviderJson(row))
}

async function remove(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  const row = loadProvider(ctx)
  ctx.store.ssoProviders.delete(row.id)
  return json(ssoProviderJson(row))
}

export const adminSsoRoutes: Route[] = [
  { method: 'GET', path: '/admin/sso/providers', handler: list },
  { method: 'POST', path: '/admin/sso/providers', handler: create },
  { method: 'GET', path: '/admin/sso/providers/:idpId', handler: read },
  { method: 'PUT', path: '/admin/sso/providers/:idpId', handler: update },
  { method: 'DELETE', path: '/admin/sso/providers/:idpId', handler: remove },
]
