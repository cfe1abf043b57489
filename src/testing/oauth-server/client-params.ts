/**
 * What an app's registration (admin or dynamic) and an admin update may contain, checked in GoTrue's order
 * with its messages (`oauthserver/service.go`, `client_auth.go`). Checks return the first problem's
 * message; the routes decide how it is wrapped (registration prefixes `400: `, update does not).
 * @module
 */
import type { Json } from '../store/records.js'
import type { OAuthClientType, OAuthGrantType, TokenEndpointAuthMethod } from '../store/oauth-server.js'
import { stringField, stringListField } from './json-fields.js'

export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post']
const GRANT_TYPES: readonly OAuthGrantType[] = ['authorization_code', 'refresh_token']
// Schemes that would run code or leak tokens when the browser is sent there.
const DANGEROUS_SCHEMES = ['javascript', 'data', 'file', 'vbscript', 'about', 'blob']
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1'])
// Go's `%v` of a string slice.
const goList = (items: readonly string[]): string => `[${items.join(' ')}]`

export interface RegisterParams {
  redirectUris: string[]
  /** `''` when not given, as Go's zero value. */
  clientType: string
  authMethod: string
  grantTypes: string[]
  clientName: string
  clientUri: string
  logoUri: string
}

/** Only the members given (a `null` member counts as not given, as a nil pointer in Go). */
export interface UpdateParams {
  redirectUris?: string[]
  grantTypes?: string[]
  clientName?: string
  clientUri?: string
  logoUri?: string
  authMethod?: string
}

/**
 * The registration members of a decoded body; throws `FieldTypeError` for a member of the wrong JSON type.
 *
 * @example
 * readRegisterParams({ redirect_uris: ['http://localhost:3000/cb'], client_name: 'Acme' })
 */
export function readRegisterParams(body: Json): RegisterParams {
  return {
    redirectUris: stringListField(body, 'redirect_uris') ?? [],
    clientType: stringField(body, 'client_type') ?? '',
    authMethod: stringField(body, 'token_endpoint_auth_method') ?? '',
    grantTypes: stringListField(body, 'grant_types') ?? [],
    clientName: stringField(body, 'client_name') ?? '',
    clientUri: stringField(body, 'client_uri') ?? '',
    logoUri: stringField(body, 'logo_uri') ?? '',
  }
}

/** The update members of a decoded body; throws `FieldTypeError` like {@link readRegisterParams}. */
export function readUpdateParams(body: Json): UpdateParams {
  const p: UpdateParams = {}
  const redirectUris = stringListField(body, 'redirect_uris')
  const grantTypes = stringListField(body, 'grant_types')
  const clientName = stringField(body, 'client_name')
  const clientUri = stringField(body, 'client_uri')
  const logoUri = stringField(body, 'logo_uri')
  const authMethod = stringField(body, 'token_endpoint_auth_method')
  if (redirectUris !== undefined) p.redirectUris = redirectUris
  if (grantTypes !== undefined) p.grantTypes = grantTypes
  if (clientName !== undefined) p.clientName = clientName
  if (clientUri !== undefined) p.clientUri = clientUri
  if (logoUri !== undefined) p.logoUri = logoUri
  if (authMethod !== undefined) p.authMethod = authMethod
  return p
}

/** Why GoTrue refuses `uri` as a redirect URI, or undefined when it accepts it (`validateRedirectURI`). */
function redirectUriProblem(uri: string): string | undefined {
  if (uri === '') return 'redirect URI cannot be empty'
  if (/[\x00-\x1f\x7f]|%(?![0-9a-fA-F]{2})/.test(uri)) return 'invalid URL format'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    // Go parses nearly anything (a relative path, `http://`); what WHATWG refuses lacks a scheme or host there.
    return 'must have scheme and host'
  }
  const scheme = url.protocol.slice(0, -1)
  if (url.host === '') return 'must have scheme and host'
  if (DANGEROUS_SCHEMES.includes(scheme)) return `scheme '${scheme}' is not allowed for security reasons`
  if (scheme === 'http' && !LOOPBACK.has(url.hostname.replace(/^\[(.*)\]$/, '$1'))) return 'HTTP scheme only allowed for localhost'
  if (url.hash !== '') return 'fragment not allowed in redirect URI'
  return undefined
}

function redirectUrisProblem(uris: readonly string[], required: boolean): string | undefined {
  if (required && uris.length === 0) return 'redirect_uris is required'
  if (uris.length === 0) return 'redirect_uris cannot be empty'
  if (uris.length > 10) return 'redirect_uris cannot exceed 10 items'
  for (const uri of uris) {
    const problem = redirectUriProblem(uri)
    if (problem) return `invalid redirect_uri '${uri}': ${problem}`
  }
  return undefined
}

function grantTypesProblem(grantTypes: readonly string[]): string | undefined {
  if (grantTypes.length === 0) return 'grant_types cannot be empty'
  if (!grantTypes.every((g) => (GRANT_TYPES as readonly string[]).includes(g))) {
    return "grant_types must only contain 'authorization_code' and/or 'refresh_token'"
  }
  return undefined
}

/** Go's `url.ParseRequestURI`: an absolute URI or an absolute path. */
function isRequestUri(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)
}

function uriProblem(value: string, name: string): string | undefined {
  if (value === '') return undefined
  if (Buffer.byteLength(value) > 2048) return `${name} cannot exceed 2048 characters`
  if (!isRequestUri(value)) return `${name} must be a valid URL`
  return undefined
}

function clientNameProblem(name: string): string | undefined {
  return Buffer.byteLength(name) > 1024 ? 'client_name cannot exceed 1024 characters' : undefined
}

/**
 * The client type a token endpoint auth method implies (GoTrue `InferClientTypeFromAuthMethod`).
 *
 * @example
 * clientTypeOf('none')   // 'public'
 */
export function clientTypeOf(method: string): OAuthClientType {
  return method === 'none' ? 'public' : 'confidential'
}

/**
 * The first problem GoTrue finds with a registration, or undefined (`OAuthServerClientRegisterParams.validate`).
 *
 * @example
 * registerProblem(readRegisterParams({}))   // 'redirect_uris is required'
 */
export function registerProblem(p: RegisterParams): string | undefined {
  const problem =
    redirectUrisProblem(p.redirectUris, true) ??
    (p.grantTypes.length > 0 ? grantTypesProblem(p.grantTypes) : undefined) ??
    clientNameProblem(p.clientName) ??
    uriProblem(p.clientUri, 'client_uri') ??
    uriProblem(p.logoUri, 'logo_uri')
  if (problem) return problem
  if (p.clientType !== '' && p.clientType !== 'public' && p.clientType !== 'confidential') {
    return "client_type must be 'public' or 'confidential'"
  }
  if (p.authMethod !== '' && !(AUTH_METHODS as readonly string[]).includes(p.authMethod)) {
    return `token_endpoint_auth_method must be one of: ${goList(AUTH_METHODS)}`
  }
  if (p.clientType !== '' && p.authMethod !== '' && clientTypeOf(p.authMethod) !== p.clientType) {
    const expected = clientTypeOf(p.authMethod)
    return `client_type '${p.clientType}' is inconsistent with token_endpoint_auth_method '${p.authMethod}' (expected client_type '${expected}')`
  }
  return undefined
}

/** True when an update names no member at all (GoTrue answers "No fields provided for update"). */
export function isEmptyUpdate(p: UpdateParams): boolean {
  return Object.keys(p).length === 0
}

/** The first problem GoTrue finds with an update's members, before it looks at the client. */
export function updateProblem(p: UpdateParams): string | undefined {
  if (p.redirectUris !== undefined) {
    const problem = redirectUrisProblem(p.redirectUris, false)
    if (problem) return problem
  }
  return (
    (p.grantTypes !== undefined ? grantTypesProblem(p.grantTypes) : undefined) ??
    (p.clientName !== undefined ? clientNameProblem(p.clientName) : undefined) ??
    (p.clientUri !== undefined ? uriProblem(p.clientUri, 'client_uri') : undefined) ??
    (p.logoUri !== undefined ? uriProblem(p.logoUri, 'logo_uri') : undefined) ??
    (p.authMethod !== undefined && !(AUTH_METHODS as readonly string[]).includes(p.authMethod)
      ? `invalid token_endpoint_auth_method: must be one of ${goList(AUTH_METHODS)}`
      : undefined)
  )
}

/**
 * Why `method` cannot be set on a client of `type`, or undefined when it can.
 *
 * @example
 * authMethodProblem('confidential', 'none')   // "token_endpoint_auth_method 'none' is not valid for client_type 'confidential'; …"
 */
export function authMethodProblem(type: OAuthClientType, method: string): string | undefined {
  const valid = AUTH_METHODS.filter((m) => clientTypeOf(m) === type)
  if ((valid as readonly string[]).includes(method)) return undefined
  return `token_endpoint_auth_method '${method}' is not valid for client_type '${type}'; valid methods: ${goList(valid)}`
}
