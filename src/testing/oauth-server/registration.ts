/**
 * Registering an app from a request body, the one path admin registration (`POST /admin/oauth/clients`)
 * and dynamic registration (`POST /oauth/clients/register`) share: a body Go cannot decode is
 * `400 bad_json` "Invalid JSON body", a refused registration `400 validation_failed` with GoTrue's message
 * behind a `400: ` prefix (its handler wraps the inner error's `Error()` text), success `201` with the
 * secret of a confidential client.
 * @module
 */
import type { Ctx } from '../server/context.js'
import { badRequest, HttpError, json, type Reply } from '../server/respond.js'
import type { OAuthClientRow } from '../store/oauth-server.js'
import type { Json } from '../store/records.js'
import { readRegisterParams, registerProblem, type RegisterParams } from './client-params.js'
import { clientJson, registerClient } from './clients.js'
import { FieldTypeError } from './json-fields.js'

/**
 * The decoded JSON body, read by `read`; anything Go's decoder would refuse (no body, bad JSON, a member of
 * the wrong type) becomes `400 bad_json` with `message`.
 *
 * @example
 * const params = decodeBody(ctx, 'Invalid JSON body', readUpdateParams)
 */
export function decodeBody<T>(ctx: Ctx, message: string, read: (body: Json) => T): T {
  try {
    return read(ctx.body())
  } catch (err) {
    if (err instanceof FieldTypeError || (err instanceof HttpError && err.code === 'bad_json')) throw badRequest(message, 'bad_json')
    throw err
  }
}

/**
 * Registers the app the body describes and answers `201` with it.
 *
 * @example
 * return registerFromBody(ctx, 'manual')
 */
export function registerFromBody(ctx: Ctx, registrationType: OAuthClientRow['registrationType']): Reply {
  const params: RegisterParams = decodeBody(ctx, 'Invalid JSON body', readRegisterParams)
  const problem = registerProblem(params)
  if (problem) throw badRequest(`400: ${problem}`)
  const { client, secret } = registerClient(ctx.store.oauthServer, ctx.now(), params, registrationType)
  return json(clientJson(client, secret), 201)
}
