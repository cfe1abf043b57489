/**
 * Raw-HTTP steps of the OAuth 2.1 server flows (Supabase Auth as the identity provider of a third-party
 * app): an admin registers the app, the app starts an authorization with PKCE, the user's consent page
 * reads and decides it, the app trades the code at `/oauth/token`.
 */
import type { AuthServer } from '../../src/testing/index.js'
import { pkcePair, query } from './oauth-helpers.js'
import { call, type Res } from '../support/server-helpers.js'

export const APP_CALLBACK = 'http://localhost:4000/callback'
export const SITE = 'http://localhost:3000'

/** Only the error fields: a response that unexpectedly succeeded must not print its tokens in a diff. */
export const failure = (res: Res): Record<string, unknown> => ({
  status: res.status,
  code: res.body?.code,
  error_code: res.body?.error_code,
  msg: res.body?.msg,
  error: res.body?.error,
  error_description: res.body?.error_description,
})

export interface RegisteredClient {
  client_id: string
  client_secret?: string
  [key: string]: unknown
}

/** Registers an app through the admin API; confidential (`client_secret_basic`) unless `body` says otherwise. */
export async function registerApp(server: AuthServer, body: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await call(server, 'POST', '/admin/oauth/clients', {
    token: server.serviceRoleKey,
    body: { client_name: 'Acme', redirect_uris: [APP_CALLBACK], ...body },
  })
  if (res.status !== 201) throw new Error(`client registration failed ${res.status} ${res.text}`)
  return res.body as RegisteredClient
}

export interface Started {
  /** The `Location` the server answered with. */
  location: string
  authorizationId: string
  verifier: string
  challenge: string
}

/** `GET /oauth/authorize` for the app with a fresh S256 pair (or `method: 'plain'`); extra query wins. */
export async function startAuthorize(
  server: AuthServer,
  clientId: string,
  extra: Record<string, string> = {},
  method: 'S256' | 'plain' = 'S256',
): Promise<Started> {
  const { verifier, challenge: s256 } = pkcePair()
  const challenge = method === 'plain' ? verifier : s256
  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: APP_CALLBACK,
    response_type: 'code',
    state: 'app-state',
    code_challenge: challenge,
    code_challenge_method: method,
    ...extra,
  })
  const res = await call(server, 'GET', `/oauth/authorize?${params}`)
  const location = res.headers.get('location') ?? ''
  if (res.status !== 302) throw new Error(`authorize answered ${res.status} ${res.text}`)
  return { location, authorizationId: new URL(location).searchParams.get('authorization_id') ?? '', verifier, challenge }
}

/** The consent page reading the request as the signed-in user. */
export const readAuthorization = (server: AuthServer, token: string, id: string, headers?: Record<string, string>): Promise<Res> =>
  call(server, 'GET', `/oauth/authorizations/${id}`, { token, headers })

/** The consent page's decision. */
export const decide = (server: AuthServer, token: string, id: string, action: unknown): Promise<Res> =>
  call(server, 'POST', `/oauth/authorizations/${id}/consent`, { token, body: { action } })

/** Reads, approves, and returns the code from the redirect URL. */
export async function approvedCode(server: AuthServer, token: string, started: Started): Promise<string> {
  const details = await readAuthorization(server, token, started.authorizationId)
  if (details.body?.redirect_url) return query(details.body.redirect_url as string)['code'] ?? ''
  const res = await decide(server, token, started.authorizationId, 'approve')
  if (res.status !== 200) throw new Error(`approve answered ${res.status} ${res.text}`)
  return query(res.body.redirect_url as string)['code'] ?? ''
}

export type ClientAuth =
  | { kind: 'basic'; clientId: string; secret: string }
  | { kind: 'post'; clientId: string; secret: string }
  | { kind: 'none'; clientId: string }

/** `POST /oauth/token` form-encoded (or JSON with `json: true`), authenticating the client as `auth` says. */
export async function tokenCall(server: AuthServer, auth: ClientAuth, params: Record<string, string>, json = false): Promise<Res> {
  const headers: Record<string, string> = {}
  const fields: Record<string, string> = { ...params }
  if (auth.kind === 'basic') headers.Authorization = `Basic ${Buffer.from(`${auth.clientId}:${auth.secret}`).toString('base64')}`
  else fields.client_id = auth.clientId
  if (auth.kind === 'post') fields.client_secret = auth.secret
  if (json) return call(server, 'POST', '/oauth/token', { body: fields, headers })
  headers['Content-Type'] = 'application/x-www-form-urlencoded'
  return call(server, 'POST', '/oauth/token', { raw: new URLSearchParams(fields).toString(), headers })
}

/** A confidential app's Basic credentials. */
export const basic = (client: RegisteredClient): ClientAuth => ({ kind: 'basic', clientId: client.client_id, secret: client.client_secret ?? '' })

/** The code exchange of a started, approved authorization. */
export const exchange = (server: AuthServer, auth: ClientAuth, code: string, verifier: string, extra: Record<string, string> = {}): Promise<Res> =>
  tokenCall(server, auth, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: APP_CALLBACK, ...extra })
