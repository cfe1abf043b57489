/**
 * Service-role user endpoints (wire contract §4.18–4.20): users, links, invites, factors, sign-out. `http`
 * must be created with the service-role key as `apiKey`, so it goes out as `apikey` and as the bearer token.
 * SSO providers, OAuth clients and custom providers are in the `admin-*.ts` modules beside this one.
 * @module
 */
import type { Http } from '../http/client.js'
import { AuthInvalidCredentialsError, AuthInvalidTokenResponseError } from '../errors.js'
import { isRecord } from '../http/json.js'
import type { CallOptions, Factor, SignOutScope, User } from '../types.js'
import { logout } from './logout.js'
import { malformedResponse, parseFactors, parseUser, parseUsers } from './session-response.js'
import { pageQuery, paginationFrom, type PageParams, type Pagination } from './admin-pagination.js'
import { optionalObject, optionalString, pathSegment, requireOneOf, requireString, requireUuid, requireObject } from './validate.js'

export type { PageParams, Pagination } from './admin-pagination.js'

export interface AdminUserAttributes {
  email?: string
  phone?: string
  password?: string
  /** A bcrypt, argon2 or firebase-scrypt hash to import instead of `password`. */
  password_hash?: string
  nonce?: string
  user_metadata?: Record<string, unknown>
  app_metadata?: Record<string, unknown>
  email_confirm?: boolean
  phone_confirm?: boolean
  /** A Go duration (`'24h'`) or `'none'` to lift a ban. */
  ban_duration?: string
  role?: string
  /** Only on create. */
  id?: string
}

/** One page of users (auth-js `listUsers` data). */
export interface UserPage extends Pagination {
  users: User[]
  aud: string
}

export type LinkOptions = { redirectTo?: string }
export type LinkOptionsWithData = LinkOptions & { data?: Record<string, unknown> }

export type GenerateLinkParams =
  | { type: 'signup'; email: string; password: string; options?: LinkOptionsWithData }
  | { type: 'invite' | 'magiclink'; email: string; options?: LinkOptionsWithData }
  | { type: 'recovery'; email: string; options?: LinkOptions }
  | { type: 'email_change_current' | 'email_change_new'; email: string; newEmail: string; options?: LinkOptions }

export type GenerateLinkType = GenerateLinkParams['type']

export interface GenerateLinkProperties {
  /** The link a user would receive by email. */
  action_link: string
  /** The OTP that the email would contain. */
  email_otp: string
  hashed_token: string
  redirect_to: string
  verification_type: string
}

export interface GenerateLinkResult {
  properties: GenerateLinkProperties
  user: User
}

const LINK_TYPES: readonly GenerateLinkType[] = [
  'signup', 'invite', 'magiclink', 'recovery', 'email_change_current', 'email_change_new',
]

/**
 * Lists users one page at a time (server default 50 per page).
 *
 * @example
 * ```ts
 * const { users, nextPage, total } = await listUsers(http, { page: 1, perPage: 100 })
 * ```
 */
export async function listUsers(http: Http, p?: PageParams, options?: CallOptions): Promise<UserPage> {
  const { data, headers } = await http.request<unknown>('GET', 'admin/users', { ...options, query: pageQuery(p) })
  if (!isRecord(data)) throw malformedResponse('User list')
  const users = parseUsers(data['users'])
  return { users, aud: typeof data['aud'] === 'string' ? data['aud'] : '', ...paginationFrom(headers, users.length) }
}

/**
 * Creates a user without sending any email. Confirmed only with `email_confirm` / `phone_confirm`.
 *
 * @example
 * ```ts
 * const user = await createUser(http, { email, password, email_confirm: true })
 * ```
 */
export async function createUser(http: Http, attrs: AdminUserAttributes, options?: CallOptions): Promise<User> {
  const body = optionalObject(attrs, 'attributes') ?? {}
  if (body['id'] !== undefined) requireUuid(body['id'], 'id')
  const { data } = await http.request<unknown>('POST', 'admin/users', { ...options, body })
  return parseUser(data)
}

/** @example `const user = await getUserById(http, id)` */
export async function getUserById(http: Http, id: string, options?: CallOptions): Promise<User> {
  const uid = requireUuid(id, 'id')
  const { data } = await http.request<unknown>('GET', `admin/users/${pathSegment(uid)}`, options)
  return parseUser(data)
}

/**
 * Updates any attribute; a new `password` signs the user out everywhere.
 *
 * @example
 * ```ts
 * await updateUserById(http, id, { ban_duration: '24h' })
 * ```
 */
export async function updateUserById(http: Http, id: string, attrs: AdminUserAttributes, options?: CallOptions): Promise<User> {
  const uid = requireUuid(id, 'id')
  const body = optionalObject(attrs, 'attributes') ?? {}
  const { data } = await http.request<unknown>('PUT', `admin/users/${pathSegment(uid)}`, { ...options, body })
  return parseUser(data)
}

/**
 * Deletes a user; a soft delete scrubs personal data and keeps the row.
 *
 * @example
 * ```ts
 * await deleteUser(http, id, true)
 * ```
 */
export async function deleteUser(http: Http, id: string, shouldSoftDelete = false, options?: CallOptions): Promise<void> {
  const uid = checkDeleteArgs(id, shouldSoftDelete)
  await http.request<unknown>('DELETE', `admin/users/${pathSegment(uid)}`, { ...options, body: { should_soft_delete: shouldSoftDelete } })
}

/**
 * Like {@link deleteUser}, resolving with the user as it was. GoTrue answers the DELETE with `{}`, so, as
 * auth-js does, the user is read first; an unknown id rejects (`user_not_found`) before anything is deleted.
 *
 * @example
 * ```ts
 * const removed = await deleteUserReturningIt(http, id)
 * ```
 */
export async function deleteUserReturningIt(http: Http, id: string, shouldSoftDelete = false, options?: CallOptions): Promise<User> {
  // Both arguments are checked before the read, so a bad flag costs no request either.
  checkDeleteArgs(id, shouldSoftDelete)
  const user = await getUserById(http, id, options)
  await deleteUser(http, id, shouldSoftDelete, options)
  return user
}

function checkDeleteArgs(id: unknown, shouldSoftDelete: unknown): string {
  const uid = requireUuid(id, 'id')
  if (typeof shouldSoftDelete !== 'boolean') throw new AuthInvalidCredentialsError('shouldSoftDelete must be a boolean')
  return uid
}

/**
 * Creates the link (and OTP) an email would carry, without sending it. `magiclink` for an unknown email
 * silently becomes a sign-up (`verification_type: 'signup'`).
 *
 * @example
 * ```ts
 * const { properties } = await generateLink(http, { type: 'magiclink', email })
 * await verifyOtp(userHttp, { type: 'magiclink', token_hash: properties.hashed_token })
 * ```
 */
export async function generateLink(http: Http, p: GenerateLinkParams, options?: CallOptions): Promise<GenerateLinkResult> {
  requireObject(p, 'params')
  const type = requireOneOf(p.type, LINK_TYPES, 'type')
  const email = requireString(p.email, 'email')
  const opts = optionalObject(p.options, 'options') ?? {}
  const redirectTo = optionalString(opts['redirectTo'], 'options.redirectTo')
  const body: Record<string, unknown> = { type, email }
  if (p.type === 'signup') body['password'] = requireString(p.password, 'password')
  if (p.type === 'email_change_current' || p.type === 'email_change_new') body['new_email'] = requireString(p.newEmail, 'newEmail')
  const data = optionalObject(opts['data'], 'options.data')
  if (data !== undefined) body['data'] = data
  // GoTrue reads redirect_to from the body here; the query copy matches auth-js.
  if (redirectTo !== undefined) body['redirect_to'] = redirectTo

  const { data: res } = await http.request<unknown>('POST', 'admin/generate_link', { ...options, body, redirectTo })
  if (!isRecord(res)) throw malformedResponse('Generate link')
  const { action_link, email_otp, hashed_token, redirect_to, verification_type, ...user } = res
  if (typeof action_link !== 'string' || typeof hashed_token !== 'string') {
    throw new AuthInvalidTokenResponseError('Generate link response has no link', 500)
  }
  return {
    properties: {
      action_link,
      email_otp: typeof email_otp === 'string' ? email_otp : '',
      hashed_token,
      redirect_to: typeof redirect_to === 'string' ? redirect_to : '',
      verification_type: typeof verification_type === 'string' ? verification_type : type,
    },
    user: parseUser(user),
  }
}

/**
 * Invites a user by email (no PKCE possible: the link is opened on another device).
 *
 * @example
 * ```ts
 * const user = await inviteUserByEmail(http, 'new@example.com', { redirectTo: 'https://app.example.com/join' })
 * ```
 */
export async function inviteUserByEmail(
  http: Http,
  email: string,
  p: { data?: Record<string, unknown>; redirectTo?: string } = {},
  options?: CallOptions,
): Promise<User> {
  // `null` is no default's business: refused as not an object, like any other non-object.
  const params = optionalObject(p, 'params') ?? {}
  const body = { email: requireString(email, 'email'), data: optionalObject(params['data'], 'data') ?? {} }
  const { data } = await http.request<unknown>('POST', 'invite', { ...options, body, redirectTo: optionalString(params['redirectTo'], 'redirectTo') })
  return parseUser(data)
}

/** @example `const factors = await listFactors(http, userId)` */
export async function listFactors(http: Http, userId: string, options?: CallOptions): Promise<Factor[]> {
  const uid = requireUuid(userId, 'userId')
  const { data } = await http.request<unknown>('GET', `admin/users/${pathSegment(uid)}/factors`, options)
  return parseFactors(data)
}

/**
 * Deletes a factor of any user. Resolves with the deleted factor as the server returns it (at least `id`).
 *
 * @example
 * ```ts
 * await deleteFactor(http, userId, factorId)
 * ```
 */
export async function deleteFactor(http: Http, userId: string, factorId: string, options?: CallOptions): Promise<{ id: string }> {
  const uid = requireUuid(userId, 'userId')
  const fid = requireUuid(factorId, 'factorId')
  const { data } = await http.request<unknown>('DELETE', `admin/users/${pathSegment(uid)}/factors/${pathSegment(fid)}`, options)
  if (!isRecord(data) || typeof data['id'] !== 'string') throw malformedResponse('Delete factor')
  return { ...data, id: data['id'] }
}

/**
 * Signs a user out using *their* access token (the service key stays in `apikey`), as auth-js does.
 *
 * @example
 * ```ts
 * await signOutUser(http, userJwt, 'global')
 * ```
 */
export async function signOutUser(http: Http, jwt: string, scope: SignOutScope = 'global', options?: CallOptions): Promise<void> {
  await logout(http, jwt, scope, options)
}
