import { memoryStorage } from './memory.js'
import type { SupportedStorage } from './types.js'

const PROBE_KEY = '__supabase_auth_machine_probe__'

/**
 * `globalThis.localStorage` when it exists and accepts a write, otherwise a fresh {@link memoryStorage}.
 * Merely touching `localStorage` throws in sandboxed iframes and some private modes, and Safari's private
 * mode used to throw only on `setItem`, so existence alone proves nothing: a test key is written and removed.
 *
 * @example
 * const storage = defaultStorage()   // localStorage in a browser, memory in Node/SSR
 */
export function defaultStorage(): SupportedStorage {
  return usableLocalStorage() ?? memoryStorage()
}

function usableLocalStorage(): SupportedStorage | undefined {
  try {
    const candidate: unknown = (globalThis as { localStorage?: unknown }).localStorage
    if (!isStorageLike(candidate)) return undefined
    candidate.setItem(PROBE_KEY, PROBE_KEY)
    candidate.removeItem(PROBE_KEY)
    return candidate
  } catch {
    return undefined
  }
}

function isStorageLike(value: unknown): value is SupportedStorage {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return (
    typeof candidate['getItem'] === 'function' &&
    typeof candidate['setItem'] === 'function' &&
    typeof candidate['removeItem'] === 'function'
  )
}
