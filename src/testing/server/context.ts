/**
 * Per-request context handed to route handlers, and the server-wide state they share.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import type { KeySet } from '../jwt/keys.js'
import type { Config } from '../config/options.js'
import type { OidcIssuer } from '../oidc/issuer.js'
import type { IdentityProvider } from '../provider/identity-provider.js'
import type { OutboxWriter } from '../store/outbox.js'
import type { Json } from '../store/records.js'
import type { Store } from '../store/store.js'
import { HttpError, parseApiVersion, type ApiVersion } from './respond.js'

export interface App {
  cfg: Config
  store: Store
  keys: KeySet
  outbox: OutboxWriter
  /** Send times per channel, for the optional global send budgets. */
  sent: { email: number[]; sms: number[] }
  /** The built-in identity provider behind OAuth and SSO. */
  idp: IdentityProvider
  /** The local OIDC issuer whose ID tokens `grant_type=id_token` accepts. */
  oidc: OidcIssuer
}

export const MAX_BODY_BYTES = 1024 * 1024

export class Ctx {
  readonly version: ApiVersion
  readonly query: URLSearchParams
  private parsed: Json | undefined

  constructor(
    readonly app: App,
    readonly req: IncomingMessage,
    readonly method: string,
    /** Path after `/auth/v1`. */
    readonly path: string,
    url: URL,
    private readonly raw: Buffer | 'too_large',
    readonly params: Record<string, string>,
  ) {
    this.version = parseApiVersion(this.header('x-supabase-api-version'))
    this.query = url.searchParams
  }

  get cfg(): Config {
    return this.app.cfg
  }

  get store(): Store {
    return this.app.store
  }

  now(): number {
    return this.app.cfg.now()
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()]
    return Array.isArray(v) ? v[0] : v
  }

  /** First parsable IP of `X-Forwarded-For`, else the socket address (matters for MFA). */
  get ip(): string {
    const forwarded = this.header('x-forwarded-for')
    if (forwarded) {
      for (const part of forwarded.split(',')) {
        const candidate = part.trim()
        if (isIP(candidate)) return candidate
      }
    }
    return this.req.socket.remoteAddress ?? ''
  }

  /** The JSON body; GoTrue decodes it whatever the Content-Type, and an empty body is an error. */
  body(prefix = 'Could not parse request body as JSON'): Json {
    if (this.parsed) return this.parsed
    if (this.raw === 'too_large') {
      throw new HttpError(413, 'request_entity_too_large', `Request body too large (max ${MAX_BODY_BYTES} bytes)`)
    }
    const text = this.raw.toString('utf8')
    if (text.trim() === '') throw new HttpError(400, 'bad_json', `${prefix}: unexpected end of JSON input`)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      const bad = text.trim()[0] ?? ''
      throw new HttpError(400, 'bad_json', `${prefix}: invalid character '${bad}' looking for beginning of value`)
    }
    if (value === null) value = {}
    if (typeof value !== 'object' || Array.isArray(value)) {
      const kind = Array.isArray(value) ? 'array' : typeof value
      throw new HttpError(400, 'bad_json', `${prefix}: json: cannot unmarshal ${kind} into Go value of type object`)
    }
    this.parsed = value as Json
    return this.parsed
  }

  /** An `application/x-www-form-urlencoded` body (HTML forms, `POST /callback`); empty when there is none. */
  form(): URLSearchParams {
    return new URLSearchParams(this.raw === 'too_large' ? '' : this.raw.toString('utf8'))
  }

  /** Body for endpoints where it is optional (e.g. admin delete). */
  optionalBody(): Json {
    if (this.raw !== 'too_large' && this.raw.toString('utf8').trim() === '') return {}
    return this.body()
  }
}

/** Reads a string field; non-strings count as absent. */
export function str(body: Json, key: string): string {
  const v = body[key]
  return typeof v === 'string' ? v : ''
}

/** Reads an object field; `null`, arrays and scalars count as absent. */
export function obj(body: Json, key: string): Json | undefined {
  const v = body[key]
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined
}

/**
 * A string member of a body GoTrue decodes into a struct: absent or `null` reads as `''`, another JSON
 * type fails the decode with Go's message (`struct` names the Go type, e.g. `PasskeyUpdateParams`).
 *
 * @example
 * goString(ctx.body(), 'friendly_name', 'PasskeyUpdateParams')
 */
export function goString(body: Json, key: string, struct: string): string {
  const value = body[key]
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  const kind = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : 'number'
  throw new HttpError(400, 'bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${kind} into Go struct field ${struct}.${key} of type string`)
}
