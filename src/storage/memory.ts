import type { SupportedStorage } from './types.js'

/**
 * A synchronous, Map-backed storage that lives as long as the returned object. Each call returns a new,
 * independent store, so two clients given two memory storages neither share a session nor a refresh lock.
 *
 * @example
 * const auth = createAuthClient({ url, apiKey, storage: memoryStorage() })
 * const seeded = memoryStorage({ 'sb-abc-auth-token': JSON.stringify(session) })
 */
export function memoryStorage(initial?: Readonly<Record<string, string>>): SupportedStorage {
  const entries = new Map<string, string>(initial ? Object.entries(initial) : [])
  return {
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => {
      entries.set(key, value)
    },
    removeItem: (key) => {
      entries.delete(key)
    },
  }
}
