/**
 * Admin management of the apps registered with the OAuth 2.1 server (contract §4.22): list, register,
 * read, update, delete, new secret. Checks in GoTrue's order: the admin token, the server switch, then
 * the `{client_id}` path parameter (`400 validation_failed` when not a UUID, `404 oauth_client_not_found`).
 * @module
 */
import { isUuid } from '../crypto/hash.js'
import { authMethodProblem, isEmptyUpdate, readUpdateParams, updateProblem } from '../oauth-server/client-params.js'
import { clientJson, regenerateSecret, softDeleteClient, updateClient } from '../oauth-server/clients.js'
import { requireOAuthServerEnabled } from '../oauth-server/feature.js'
import { decodeBody, registerFromBody } from '../oauth-server/registration.js'
import { requireAdmin } from '../server/auth.js'
import type { Ctx } from '../server/context.js'
import { badRequest, json, notFound, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import type { OAuthClientRow } from '../store/oauth-server.js'

async function adminOAuth(ctx: Ctx): Promise<void> {
  await requireAdmin(ctx)
  requireOAuthServerEnabled(ctx)
}

/** GoTrue `LoadOAuthServerClient`. */
async function loadClient(ctx: Ctx): Promise<OAuthClientRow> {
  await adminOAuth(ctx)
  const id = ctx.params.clientId ?? ''
  if (!isUuid(id)) throw badRequest('invalid client_id format')
  const client = ctx.store.oauthServer.client(id)
  if (!client) throw notFound('OAuth client not found', 'oauth_client_not_found')
  return client
}

async function list(ctx: Ctx): Promise<Reply> {
  await adminOAuth(ctx)
  // GoTrue ignores `page`/`per_page` here and sends no pagination headers; `clients` is `omitempty`, so an
  // empty registry answers `{}`.
  const clients = ctx.store.oauthServer.activeClients().map((c) => clientJson(c))
  return json(clients.length > 0 ? { clients } : {})
}

async function create(ctx: Ctx): Promise<Reply> {
  await adminOAuth(ctx)
  return registerFromBody(ctx, 'manual')
}

async function get(ctx: Ctx): Promise<Reply> {
  return json(clientJson(await loadClient(ctx)))
}

async function update(ctx: Ctx): Promise<Reply> {
  const client = await loadClient(ctx)
  const params = decodeBody(ctx, 'Invalid JSON body', readUpdateParams)
  if (isEmptyUpdate(params)) throw badRequest('No fields provided for update')
  const problem = updateProblem(params) ?? (params.authMethod !== undefined ? authMethodProblem(client.clientType, params.authMethod) : undefined)
  if (problem) throw badRequest(problem)
  updateClient(client, ctx.now(), params)
  return json(clientJson(client))
}

async function remove(ctx: Ctx): Promise<Reply> {
  softDeleteClient(await loadClient(ctx), ctx.now())
  return { status: 204 }
}

async function regenerate(ctx: Ctx): Promise<Reply> {
  const client = await loadClient(ctx)
  if (client.clientType !== 'confidential') throw badRequest('Cannot regenerate secret for public client')
  const secret = regenerateSecret(client, ctx.now())
  return json(clientJson(client, secret))
}

export const adminOAuthClientRoutes: Route[] = [
  { method: 'GET', path: '/admin/oauth/clients', handler: list },
  { method: 'POST', path: '/admin/oauth/clients', handler: create },
  { method: 'GET', path: '/admin/oauth/clients/:clientId', handler: get },
  { method: 'PUT', path: '/admin/oauth/clients/:clientId', handler: update },
  { method: 'DELETE', path: '/admin/oauth/clients/:clientId', handler: remove },
  { method: 'POST', path: '/admin/oauth/clients/:clientId/regenerate_secret', handler: regenerate },
]
