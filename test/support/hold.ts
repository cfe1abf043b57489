/**
 * A parked operation of the real client (an HTTP request or a storage call) that a model step releases:
 * this is how the test holds the client in an in-flight status (`signingIn`, `refreshing`, …) for exactly
 * as long as the path says, with no timing involved.
 */
export interface Hold {
  /** What was parked, for messages. */
  readonly label: string
  /** Resolves once the client actually made the call (it may not have yet when the hold is armed). */
  readonly arrived: Promise<void>
  readonly hasArrived: boolean
  readonly settled: boolean
  /** Lets the call go ahead (performs it now). A hold that never caught a call is disarmed instead. */
  release(): void
  /** Makes the call fail. */
  fail(error: unknown): void
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

/**
 * The common bookkeeping: `catch(perform, fail)` is called when the client makes the call; until then
 * `release` and `fail` only disarm.
 */
export class ArmedHold implements Hold {
  readonly #arrived = deferred<void>()
  #caught: { perform: () => void; fail: (error: unknown) => void } | undefined
  #settled = false
  #disarmed = false

  constructor(readonly label: string) {
    // A hold that is never used must not leave an unhandled rejection behind.
    this.#arrived.promise.catch(() => {})
  }

  get arrived(): Promise<void> {
    return this.#arrived.promise
  }
  get hasArrived(): boolean {
    return this.#caught !== undefined
  }
  get settled(): boolean {
    return this.#settled || this.#disarmed
  }
  catch(call: { perform: () => void; fail: (error: unknown) => void }): void {
    this.#caught = call
    this.#arrived.resolve()
  }

  /** The call went away by itself (its request was aborted while parked). */
  dropped(): void {
    this.#settled = true
  }

  release(): void {
    if (this.settled) return
    if (!this.#caught) {
      this.#disarmed = true
      this.#arrived.reject(new Error(`${this.label}: released before the client made the call`))
      return
    }
    this.#settled = true
    this.#caught.perform()
  }

  fail(error: unknown): void {
    if (this.settled) return
    if (!this.#caught) {
      this.#disarmed = true
      this.#arrived.reject(new Error(`${this.label}: failed before the client made the call`))
      return
    }
    this.#settled = true
    this.#caught.fail(error)
  }
}
