/**
 * Reading a `POST /oauth/token` request as GoTrue does: the client's credentials first (Basic header, else
 * the JSON or form body; `oauthserver/auth.go`), then the grant's parameters (`OAuthToken`). A body is JSON
 * when the Content-Type says so, form-encoded otherwise; form values come from the body, then the query.
 * @module
 */
import type { Ctx } from '../server/context.js'
import { HttpError, OAuthError } from '../server/respond.js'
import type { Json } from '../store/records.js'
import type { TokenEndpointAuthMethod } from '../store/oauth-server.js'
import { FieldTypeError, stringField } from './json-fields.js'

export interface ClientCredentials {
  clientId: string
  clientSecret: string
  /** How they arrived: GoTrue compares it with the method the client registered. */
  authMethod: TokenEndpointAuthMethod
}

export interface TokenParams {
  grantType: string
  code: string
  refreshToken: string
  redirectUri: string
  codeVerifier: string
  /** Read from JSON bodies only: GoTrue's form branch never reads `resource`. */
  resource: string
}

const isJson = (ctx: Ctx): boolean => (ctx.header('content-type') ?? '').includes('application/json')

/** Go `r.FormValue`: the form body (only when form-encoded), then the query string. */
function formValue(ctx: Ctx, key: string): string {
  const contentType = (ctx.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const fromBody = contentType === 'application/x-www-form-urlencoded' ? ctx.form().get(key) : null
  return fromBody ?? ctx.query.get(key) ?? ''
}

/** The JSON body, or undefined when it does not decode (empty, malformed, not an object). */
function jsonBody(ctx: Ctx): Json | undefined {
  try {
    return ctx.body()
  } catch (err) {
    if (err instanceof HttpError && err.code === 'bad_json') return undefined
    throw err
  }
}

const invalidCredentials = (msg: string): HttpError => new HttpError(400, 'invalid_credentials', msg)

/** Go's `base64.StdEncoding.DecodeString`: padded standard alphabet, nothing else. */
function decodeBasic(encoded: string): string | undefined {
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined
  return Buffer.from(encoded, 'base64').toString('utf8')
}

/**
 * The client's credentials and how they were presented (GoTrue `ExtractClientCredentials`); a request that
 * names no client fails here, before the grant is even read.
 *
 * @example
 * const { clientId, authMethod } = clientCredentials(ctx)   // authMethod 'client_secret_basic' for a Basic header
 */
export function clientCredentials(ctx: Ctx): ClientCredentials {
  const header = ctx.header('authorization') ?? ''
  if (header.startsWith('Basic ')) {
    const decoded = decodeBasic(header.slice('Basic '.length))
    if (decoded === undefined) throw invalidCredentials('Invalid client credentials: invalid basic auth encoding')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw invalidCredentials('Invalid client credentials: invalid basic auth format')
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1), authMethod: 'client_secret_basic' }
  }
  let clientId: string
  let clientSecret: string
  if (isJson(ctx)) {
    const body = jsonBody(ctx)
    try {
      if (body === undefined) throw new FieldTypeError('body')
      clientId = stringField(body, 'client_id') ?? ''
      clientSecret = stringField(body, 'client_secret') ?? ''
    } catch (err) {
      if (err instanceof FieldTypeError) throw invalidCredentials('Invalid client credentials: failed to parse JSON body')
      throw err
    }
  } else {
    clientId = formValue(ctx, 'client_id')
    clientSecret = formValue(ctx, 'client_secret')
  }
  if (clientId === '') throw invalidCredentials('Invalid client credentials: client_id is required')
  return { clientId, clientSecret, authMethod: clientSecret === '' ? 'none' : 'client_secret_post' }
}

/**
 * The grant's parameters; an undecodable JSON body is OAuth's `invalid_request`.
 *
 * @example
 * const { grantType, code, codeVerifier } = tokenParams(ctx)
 */
export function tokenParams(ctx: Ctx): TokenParams {
  if (!isJson(ctx)) {
    const v = (key: string): string => formValue(ctx, key)
    return { grantType: v('grant_type'), code: v('code'), refreshToken: v('refresh_token'), redirectUri: v('redirect_uri'), codeVerifier: v('code_verifier'), resource: '' }
  }
  const body = jsonBody(ctx)
  try {
    if (body === undefined) throw new FieldTypeError('body')
    const v = (key: string): string => stringField(body, key) ?? ''
    // Decoded as one struct: a wrongly typed client_id fails the decode as much as a wrongly typed code.
    v('client_id')
    v('client_secret')
    return { grantType: v('grant_type'), code: v('code'), refreshToken: v('refresh_token'), redirectUri: v('redirect_uri'), codeVerifier: v('code_verifier'), resource: v('resource') }
  } catch (err) {
    if (err instanceof FieldTypeError) throw new OAuthError('invalid_request', 'Invalid JSON body')
    throw err
  }
}
