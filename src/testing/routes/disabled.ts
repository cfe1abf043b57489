/**
 * SAML SSO, manual identity linking and passkeys switched off (the `saml`, `manualLinking` and
 * `passkeyEnabled` options), answered the way GoTrue answers then, instead of a bare 404.
 * @module
 */
import { requireAdmin, requireUser } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { notFound, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'

// GoTrue's `requireSAMLEnabled` middleware runs before any handler reads the body.
const samlDisabled = (): never => {
  throw notFound('SAML 2.0 is disabled', 'saml_provider_disabled')
}

// The admin routes check the admin token first, then SAML.
async function adminSamlDisabled(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return samlDisabled()
}

// `/user/identities/*` sits behind `requireAuthentication`, then `requireManualLinkingEnabled`.
async function manualLinkingDisabled(ctx: Ctx): Promise<Reply> {
  await requireUser(ctx)
  throw notFound('Manual linking is disabled', 'manual_linking_disabled')
}

// `requirePasskeyEnabled` guards the whole `/passkeys` group, ahead of authentication.
const passkeysDisabled = (): never => {
  throw notFound('Passkeys are disabled', 'passkey_disabled')
}

// The admin passkey routes are not behind the switch in GoTrue's router yet; the contract (§4.23) puts
// them there, after the admin token check.
async function adminPasskeysDisabled(ctx: Ctx): Promise<Reply> {
  await requireAdmin(ctx)
  return passkeysDisabled()
}

export const samlDisabledRoutes: Route[] = [
  { method: 'POST', path: '/sso', handler: samlDisabled },
  { method: 'GET', path: '/sso/saml/metadata', handler: samlDisabled },
  { method: 'GET', path: '/sso/saml/acs', handler: samlDisabled },
  { method: 'POST', path: '/sso/saml/acs', handler: samlDisabled },
  { method: 'GET', path: '/admin/sso/providers', handler: adminSamlDisabled },
  { method: 'POST', path: '/admin/sso/providers', handler: adminSamlDisabled },
  { method: 'GET', path: '/admin/sso/providers/:idpId', handler: adminSamlDisabled },
  { method: 'PUT', path: '/admin/sso/providers/:idpId', handler: adminSamlDisabled },
  { method: 'DELETE', path: '/admin/sso/providers/:idpId', handler: adminSamlDisabled },
]

export const manualLinkingDisabledRoutes: Route[] = [
  { method: 'GET', path: '/user/identities/authorize', handler: manualLinkingDisabled },
  { method: 'DELETE', path: '/user/identities/:identityId', handler: manualLinkingDisabled },
]

export const passkeysDisabledRoutes: Route[] = [
  { method: 'POST', path: '/passkeys/registration/options', handler: passkeysDisabled },
  { method: 'POST', path: '/passkeys/registration/verify', handler: passkeysDisabled },
  { method: 'POST', path: '/passkeys/authentication/options', handler: passkeysDisabled },
  { method: 'POST', path: '/passkeys/authentication/verify', handler: passkeysDisabled },
  { method: 'GET', path: '/passkeys', handler: passkeysDisabled },
  { method: 'PATCH', path: '/passkeys/:passkeyId', handler: passkeysDisabled },
  { method: 'DELETE', path: '/passkeys/:passkeyId', handler: passkeysDisabled },
  { method: 'GET', path: '/admin/users/:userId/passkeys', handler: adminPasskeysDisabled },
  { method: 'DELETE', path: '/admin/users/:userId/passkeys/:passkeyId', handler: adminPasskeysDisabled },
]
