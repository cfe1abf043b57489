/**
 * Promise calls waiting for the chart. A method sends an event carrying a request id and waits here; the
 * chart emits one `reply` naming every id it settles, after the state it describes is committed.
 * @module
 */
import { AuthError } from '../errors.js'

interface Waiter {
  resolve(value: unknown): void
  reject(error: unknown): void
}

export class ReplyRegistry {
  #next = 0
  // Created on the first call: most clients never make one, and an empty Map still costs ~200 bytes each.
  #waiters: Map<string, Waiter> | undefined

  newId(): string {
    this.#next += 1
    return `r${this.#next}`
  }

  wait<T>(requestId: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      ;(this.#waiters ??= new Map()).set(requestId, { resolve: resolve as (value: unknown) => void, reject })
    })
  }

  resolve(requestIds: readonly string[], value: unknown): void {
    for (const id of requestIds) {
      this.#waiters?.get(id)?.resolve(value)
      this.#waiters?.delete(id)
    }
  }

  reject(requestIds: readonly string[], error: unknown): void {
    for (const id of requestIds) {
      this.#waiters?.get(id)?.reject(error)
      this.#waiters?.delete(id)
    }
  }

  rejectAll(message: string): void {
    this.reject([...(this.#waiters?.keys() ?? [])], new AuthError(message, undefined, 'disposed'))
  }
}
