/**
 * A storage adapter over a shared `Map` whose next call of a kind can be parked (released later, or made
 * to fail) or made to throw at once, and which can break down altogether for a while. Two views over one map are "two processes sharing the storage": the
 * client keys its refresh lock and session bus by the storage object, so views share data but not those.
 */
import type { SupportedStorage } from '../../src/index.js'
import { ArmedHold, type Hold } from './hold.js'

export type StorageOp = 'getItem' | 'setItem' | 'removeItem'

/** What a browser storage throws when it is full or blocked; the client keeps only the name. */
export function storageFailure(): Error {
  const error = new Error('The quota has been exceeded.')
  error.name = 'QuotaExceededError'
  return error
}

export class ControlledStorage implements SupportedStorage {
  readonly #holds: Array<{ op: StorageOp; hold: ArmedHold }> = []
  readonly #failNext = new Set<StorageOp>()
  #broken = false

  constructor(readonly backing: Map<string, string>) {}

  /** Parks the next call of `op`; releasing performs it against the map at that moment. */
  holdNext(op: StorageOp, label: string = op): Hold {
    const hold = new ArmedHold(`storage ${label}`)
    this.#holds.push({ op, hold })
    return hold
  }

  /** The next call of `op` throws synchronously. */
  failNext(op: StorageOp): void {
    this.#failNext.add(op)
  }

  /**
   * Every call throws until {@link repair}: a storage that keeps failing, which a client's store gives up on
   * (a single throw it tries again).
   */
  breakDown(): void {
    this.#broken = true
  }

  repair(): void {
    this.#broken = false
  }

  /** Forgets parks and failures that never caught a call. */
  disarm(): void {
    for (const { hold } of this.#holds.splice(0)) hold.release()
    this.#failNext.clear()
  }

  getItem(key: string): string | null | Promise<string | null> {
    return this.#run('getItem', () => this.backing.get(key) ?? null)
  }

  setItem(key: string, value: string): void | Promise<void> {
    return this.#run('setItem', () => void this.backing.set(key, value))
  }

  removeItem(key: string): void | Promise<void> {
    return this.#run('removeItem', () => void this.backing.delete(key))
  }

  #run<T>(op: StorageOp, perform: () => T): T | Promise<T> {
    if (this.#failNext.delete(op) || this.#broken) throw storageFailure()
    const index = this.#holds.findIndex((entry) => entry.op === op)
    if (index < 0) return perform()
    const [{ hold }] = this.#holds.splice(index, 1) as [{ op: StorageOp; hold: ArmedHold }]
    return new Promise<T>((resolve, reject) => {
      hold.catch({ perform: () => resolve(perform()), fail: reject })
    })
  }
}
