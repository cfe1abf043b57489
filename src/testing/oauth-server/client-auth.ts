/**
 * Client authentication at `/oauth/token` (GoTrue `requireOAuthClientAuth`): the client must exist, present
 * its credentials the way it registered (`client_secret_basic`, `client_secret_post` or `none`), and a
 * confidential client its current secret. Every failure is `400 invalid_credentials`, not an OAuth error.
 * @module
 */
import { isUuid } from '../crypto/hash.js'
import type { Ctx } from '../server/context.js'
import { HttpError } from '../server/respond.js'
import type { OAuthClientRow } from '../store/oauth-server.js'
import { secretMatches } from './clients.js'
import { clientCredentials } from './token-request.js'

const invalidCredentials = (msg: string): HttpError => new HttpError(400, 'invalid_credentials', msg)

/**
 * The client the request authenticates as.
 *
 * @example
 * const client = authenticateClient(ctx)
 */
export function authenticateClient(ctx: Ctx): OAuthClientRow {
  const { clientId, clientSecret, authMethod } = clientCredentials(ctx)
  if (!isUuid(clientId)) throw invalidCredentials('Invalid client_id format')
  const client = ctx.store.oauthServer.client(clientId)
  if (!client) throw invalidCredentials('Invalid client credentials')
  const registered = client.tokenEndpointAuthMethod
  if (authMethod !== registered) {
    throw invalidCredentials(`invalid authentication method: client is registered for '${registered}' but '${authMethod}' was used`)
  }
  if (client.clientType === 'public') {
    if (clientSecret !== '') throw invalidCredentials('public clients must not provide client_secret')
    return client
  }
  if (clientSecret === '') throw invalidCredentials('confidential clients must provide client_secret')
  if (!secretMatches(client, clientSecret)) throw invalidCredentials('invalid client credentials')
  return client
}
