/**
 * A user's passkeys through the service-role API (`/admin/users/{id}/passkeys`): listing them, and deleting
 * one (a lost device). GoTrue answers `404 passkey_disabled` unless passkeys are on.
 * @module
 */
import type { Http } from '../http/client.js'
import type { CallOptions } from '../types.js'
import { parsePasskeys, type Passkey } from './passkeys.js'
import { pathSegment, requireUuid } from './validate.js'

/** @example const passkeys = await listUserPasskeys(http, userId) */
export async function listUserPasskeys(http: Http, userId: unknown, options?: CallOptions): Promise<Passkey[]> {
  const uid = requireUuid(userId, 'userId')
  const { data } = await http.request<unknown>('GET', `admin/users/${pathSegment(uid)}/passkeys`, options)
  return parsePasskeys(data)
}

/** @example await deleteUserPasskey(http, userId, passkeyId) */
export async function deleteUserPasskey(http: Http, userId: unknown, passkeyId: unknown, options?: CallOptions): Promise<void> {
  const uid = requireUuid(userId, 'userId')
  const pid = requireUuid(passkeyId, 'passkeyId')
  await http.request<unknown>('DELETE', `admin/users/${pathSegment(uid)}/passkeys/${pathSegment(pid)}`, options)
}
