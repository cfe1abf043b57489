/**
 * The built-in identity provider's own endpoints, served beside the auth API under `/auth/v1/idp`: the
 * sign-in page (`GET`, and `POST` from its form) and the OIDC issuer's discovery document and JWKS. An
 * OAuth request comes back to `/callback?code=&state=`; a SAML one (`protocol=saml`) to
 * `/sso/saml/acs?RelayState=&SAMLResponse=`.
 * @module
 */
import { uuid } from '../crypto/hash.js'
import { FORM_FIELDS, signInPage } from '../provider/page.js'
import { providerTokens, type ProviderDecision } from '../provider/identity-provider.js'
import type { Ctx } from '../server/context.js'
import { json, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { encodeValues } from '../wire/go-url.js'

const plain = (status: number, text: string): Reply => ({ status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${text}\n` })

/** The request's problem, if any: the provider only answers its own auth server. */
function requestProblem(ctx: Ctx, params: URLSearchParams): string | undefined {
  const saml = params.get('protocol') === 'saml'
  const expected = `${ctx.cfg.url}${saml ? '/sso/saml/acs' : '/callback'}`
  if (params.get('redirect_uri') !== expected) return 'invalid_request: unknown redirect_uri'
  if (!saml && params.get('client_id') !== ctx.cfg.oauthClientId) return 'invalid_client: unknown client_id'
  if (!(saml ? params.get('RelayState') : params.get('state'))) return 'invalid_request: missing state'
  return undefined
}

/** Sends the browser back with the provider's answer: a code (a SAML response) or an error. */
function answer(ctx: Ctx, params: URLSearchParams, decision: Exclude<ProviderDecision, { ask: true }>, status: 302 | 303): Reply {
  const { idp } = ctx.app
  const redirectUri = params.get('redirect_uri') ?? ''
  let query: Record<string, string>
  if (params.get('protocol') === 'saml') {
    const grant = 'user' in decision ? { user: decision.user, ...providerTokens() } : decision
    query = { RelayState: params.get('RelayState') ?? '', SAMLResponse: idp.issueCode(grant, ctx.now()) }
  } else if ('error' in decision) {
    query = { error: decision.error.error, error_description: decision.error.error_description ?? '', state: params.get('state') ?? '' }
  } else {
    const code = idp.issueCode({ user: decision.user, ...providerTokens() }, ctx.now())
    query = { code, state: params.get('state') ?? '' }
  }
  return { status, headers: { Location: `${redirectUri}?${encodeValues(query)}` } }
}

function authorizePage(ctx: Ctx): Reply {
  const problem = requestProblem(ctx, ctx.query)
  if (problem) return plain(400, problem)
  const decision = ctx.app.idp.decide()
  if ('ask' in decision) {
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: signInPage(`${ctx.cfg.url}/idp/authorize`, ctx.query) }
  }
  return answer(ctx, ctx.query, decision, 302)
}

function submitForm(ctx: Ctx): Reply {
  const form = ctx.form()
  const visible = new Set<string>(Object.values(FORM_FIELDS))
  const params = new URLSearchParams([...form].filter(([k]) => !visible.has(k)))
  const problem = requestProblem(ctx, params)
  if (problem) return plain(400, problem)
  if (form.get(FORM_FIELDS.deny)) {
    return answer(ctx, params, { error: { error: 'access_denied', error_description: 'The user denied the request' } }, 303)
  }
  const email = form.get(FORM_FIELDS.email) ?? ''
  const name = form.get(FORM_FIELDS.name) ?? ''
  const user = {
    sub: form.get(FORM_FIELDS.sub) || uuid(),
    email_verified: form.get(FORM_FIELDS.emailVerified) === 'true',
    ...(email ? { email } : {}),
    ...(name ? { name } : {}),
  }
  return answer(ctx, params, { user }, 303)
}

function openIdConfiguration(ctx: Ctx): Reply {
  const { oidc } = ctx.app
  return json({
    issuer: oidc.issuer,
    authorization_endpoint: ctx.app.idp.authorizeUrl,
    jwks_uri: oidc.jwksUrl,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  })
}

export const idpRoutes: Route[] = [
  { method: 'GET', path: '/idp/authorize', handler: authorizePage },
  { method: 'POST', path: '/idp/authorize', handler: submitForm },
  { method: 'GET', path: '/idp/.well-known/openid-configuration', handler: openIdConfiguration },
  { method: 'GET', path: '/idp/.well-known/jwks.json', handler: (ctx) => json(ctx.app.oidc.jwks()) },
]
