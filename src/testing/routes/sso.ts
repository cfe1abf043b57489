/**
 * SAML SSO (contract §4.15): `POST /sso` starts a sign-in at the built-in identity provider registered as
 * an SSO provider; the provider answers `/sso/saml/acs`, which finishes like `/callback` (implicit fragment
 * or PKCE `?code=`, AMR `sso/saml`, identity provider `sso:<provider id>`). Every ACS error goes to the
 * site URL (303), as GoTrue's does.
 * @module
 */
import { isUuid, NIL_UUID } from '../crypto/hash.js'
import { identityOf, signInExternal } from '../external-accounts.js'
import { finishProviderFlow, siteErrorRedirect } from '../external-flow.js'
import { createExternalFlowState, isFlowExpired } from '../flow.js'
import { serviceProviderMetadata } from '../saml/metadata.js'
import { str, type Ctx } from '../server/context.js'
import { badRequest, HttpError, json, notFound, unexpectedFailure, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { FlowStateRow, SsoProviderRow } from '../store/records.js'
import { encodeValues } from '../wire/go-url.js'
import { isRedirectValid, parsePkce } from '../validate.js'

/** `provider_id` decodes into a Go `uuid.UUID`: anything but a UUID string fails the whole body. */
function providerIdOf(ctx: Ctx): string {
  const v = ctx.body().provider_id
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') {
    throw new HttpError(400, 'bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${typeof v} into Go struct field SingleSignOnParams.provider_id of type uuid.UUID`)
  }
  const length = v.length
  if (!isUuid(v)) throw new HttpError(400, 'bad_json', `Could not parse request body as JSON: uuid: incorrect UUID length ${length} in string ${JSON.stringify(v)}`)
  return v === NIL_UUID ? '' : v.toLowerCase()
}

function findProvider(ctx: Ctx, providerId: string, domain: string): SsoProviderRow {
  if (providerId) {
    const p = ctx.store.ssoProviders.get(providerId)
    if (!p) throw notFound('No such SSO provider', 'sso_provider_not_found')
    return p
  }
  const p = [...ctx.store.ssoProviders.values()].find((row) => row.domains.includes(domain.toLowerCase()))
  if (!p) throw notFound('No SSO provider assigned for this domain', 'sso_provider_not_found')
  return p
}

async function startSso(ctx: Ctx): Promise<Reply> {
  const body = ctx.body()
  const providerId = providerIdOf(ctx)
  const domain = str(body, 'domain')
  if (providerId && domain) throw badRequest('Only one of provider_id or domain supported')
  if (!providerId && !domain) throw badRequest('A provider_id or domain needs to be provided')
  const provider = findProvider(ctx, providerId, domain)
  if (provider.disabled) throw notFound('SSO Provider is currently disabled', 'sso_provider_disabled')
  const pkce = parsePkce(str(body, 'code_challenge'), str(body, 'code_challenge_method'), true)
  const redirectTo = str(body, 'redirect_to')
  const referrer = isRedirectValid(ctx.cfg, redirectTo) ? redirectTo : ctx.cfg.siteUrl
  const flow = createExternalFlowState(ctx, pkce, 'sso/saml', 'sso/saml', { referrer, ssoProviderId: provider.id })
  const query = { protocol: 'saml', redirect_uri: `${ctx.cfg.url}/sso/saml/acs`, RelayState: flow.id }
  const url = `${ctx.app.idp.authorizeUrl}?${encodeValues(query)}`
  if (body.skip_http_redirect === true) return json({ url })
  return { status: 303, headers: { Location: url } }
}

const relayGone = () => notFound('SAML RelayState does not exist, try logging in again?', 'saml_relay_state_not_found')

/** The SP-initiated flow behind `RelayState`; IdP-initiated sign-ins are not offered by the built-in IdP. */
function loadRelayState(ctx: Ctx, params: URLSearchParams): { flow: FlowStateRow; provider: SsoProviderRow } {
  const relay = params.get('RelayState') ?? ''
  if (!isUuid(relay)) {
    if (relay !== '' && !URL.canParse(relay)) throw badRequest('SAML RelayState is not a valid UUID or URL')
    if (!params.get('SAMLResponse')) throw badRequest('SAMLResponse is missing')
    throw badRequest('SAML Assertion is not valid')
  }
  const flow = ctx.store.flowStates.get(relay.toLowerCase())
  // A relay state is single use; a PKCE flow that already has its user was answered once.
  if (!flow || flow.authMethod !== 'sso/saml' || flow.userId !== undefined) throw relayGone()
  if (isFlowExpired(ctx, flow)) {
    ctx.store.flowStates.delete(flow.id)
    throw unprocessable('SAML RelayState has expired. Try logging in again?', 'saml_relay_state_expired')
  }
  const provider = ctx.store.ssoProviders.get(flow.external?.ssoProviderId ?? '')
  if (!provider) throw unexpectedFailure('Unable to find SSO Provider from SAML RelayState')
  if (provider.disabled) throw notFound('SSO Provider assigned for this domain is currently disabled', 'sso_provider_disabled')
  return { flow, provider }
}

async function acs(ctx: Ctx): Promise<Reply> {
  const params = new URLSearchParams(ctx.query)
  if (ctx.method === 'POST') for (const [k, v] of ctx.form()) params.set(k, v)
  try {
    const { flow, provider } = loadRelayState(ctx, params)
    const grant = ctx.app.idp.redeem(params.get('SAMLResponse') ?? '', ctx.now())
    if (!grant || 'error' in grant) throw badRequest('SAML Assertion is not valid')
    if (!grant.user.sub) {
      throw badRequest(
        'SAML Assertion did not contain a persistent Subject Identifier attribute or Subject NameID uniquely identifying this user',
        'saml_assertion_no_user_id',
      )
    }
    if (!grant.user.email) throw badRequest('SAML Assertion does not contain an email address', 'saml_assertion_no_email')
    // A SAML assertion's email is trusted as verified.
    const ext = identityOf(`sso:${provider.id}`, provider.entityId, { ...grant.user, email_verified: true })
    const referrer = flow.external?.referrer ?? ctx.cfg.siteUrl
    const user = signInExternal(ctx, ext, referrer)
    return await finishProviderFlow(ctx, flow, user)
  } catch (err) {
    return siteErrorRedirect(ctx, err)
  }
}

function spMetadata(ctx: Ctx): Reply {
  const headers: Record<string, string> = { 'Content-Type': 'application/xml' }
  if (ctx.query.get('download') === 'true') headers['Content-Disposition'] = 'attachment; filename="metadata.xml"'
  return { status: 200, headers, body: serviceProviderMetadata(ctx.cfg.url) }
}

export const ssoRoutes: Route[] = [
  { method: 'POST', path: '/sso', handler: startSso },
  { method: 'GET', path: '/sso/saml/metadata', handler: spMetadata },
  { method: 'GET', path: '/sso/saml/acs', handler: acs },
  { method: 'POST', path: '/sso/saml/acs', handler: acs },
]
