export { createCoordinator } from './coordinator.js'
export type { Coordinator, LockInfo, SessionMessage, WithLockOptions } from './types.js'
