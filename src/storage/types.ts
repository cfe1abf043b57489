/**
 * The storage adapter contract, identical to auth-js's `SupportedStorage`, so any adapter written for
 * supabase-js (localStorage, AsyncStorage, cookie adapters, encrypted stores) plugs in unchanged.
 * @module
 */

/**
 * A key/value store for the session. Methods may be synchronous or return promises; the session store
 * bounds every call with a timeout, so an adapter that never answers cannot hang the client. auth-js's
 * optional `isServer` flag may be present and is ignored: the user in a stored session is never taken as
 * verified here; `getUser()` asks the server and `getClaims()` checks the token's signature.
 *
 * @example
 * const storage: SupportedStorage = {
 *   getItem: (key) => AsyncStorage.getItem(key),
 *   setItem: (key, value) => AsyncStorage.setItem(key, value),
 *   removeItem: (key) => AsyncStorage.removeItem(key),
 * }
 */
export interface SupportedStorage {
  getItem(key: string): string | null | Promise<string | null>
  setItem(key: string, value: string): void | Promise<void>
  removeItem(key: string): void | Promise<void>
}
