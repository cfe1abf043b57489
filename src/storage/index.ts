export type { SupportedStorage } from './types.js'
export { memoryStorage } from './memory.js'
export { defaultStorage } from './default.js'
export { defaultStorageKey, LEGACY_STORAGE_KEY } from './key.js'
export { parseStoredSession, isStoredSession } from './session-shape.js'
export {
  createSessionStore,
  DEFAULT_STORAGE_TIMEOUT_MS,
  type SessionStore,
  type SessionStoreOptions,
  type StoreProblem,
} from './session-store.js'
export { finishPkceFlow, pendingPkceFlows, startPkceFlow, validFlowId, withStartedPkceFlow, type PendingFlow, type StartedFlow } from './pkce-verifiers.js'
