/**
 * A `fetch` for the client under test that can park its next request before it leaves, until the model
 * step that decides its fate releases it. Server-side `{ delay }` would race the test's next step and
 * `{ hang }` can never complete, so holding happens here, on the client's public `fetch` option; released
 * requests go to the local server over HTTP like any other, and an abort while parked rejects like fetch.
 */
import { ArmedHold, type Hold } from './hold.js'

export interface RequestSummary {
  method: string
  /** Path after `/auth/v1`, e.g. `/token`. */
  path: string
  grantType?: string
}

interface Armed {
  hold: ArmedHold
  match: (request: RequestSummary) => boolean
}

function summarize(input: RequestInfo | URL, init?: RequestInit): { summary: RequestSummary; signal: AbortSignal | undefined } {
  const request = input instanceof Request ? input : undefined
  const url = new URL(request ? request.url : input instanceof URL ? input.href : String(input))
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase()
  const path = url.pathname.replace(/^\/auth\/v1/, '') || '/'
  const grantType = url.searchParams.get('grant_type') ?? undefined
  return { summary: { method, path, ...(grantType === undefined ? {} : { grantType }) }, signal: init?.signal ?? request?.signal }
}

export class GatedFetch {
  readonly #armed: Armed[] = []
  readonly #base: typeof fetch

  constructor(base: typeof fetch = globalThis.fetch) {
    this.#base = base
  }

  /** Parks the next request that matches (default: the next request, whatever it is). */
  holdNext(label: string, match: (request: RequestSummary) => boolean = () => true): Hold {
    const hold = new ArmedHold(label)
    this.#armed.push({ hold, match })
    return hold
  }

  /** Forgets holds that never caught a request. */
  disarm(): void {
    for (const armed of this.#armed.splice(0)) armed.hold.release()
  }

  readonly fetch: typeof fetch = (input, init) => {
    const { summary, signal } = summarize(input, init)
    const index = this.#armed.findIndex((armed) => armed.match(summary))
    if (index < 0) return this.#base(input, init)
    const [{ hold }] = this.#armed.splice(index, 1) as [Armed]
    return new Promise<Response>((resolve, reject) => {
      const onAbort = (): void => {
        hold.dropped()
        reject(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError'))
      }
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      hold.catch({
        perform: () => {
          signal?.removeEventListener('abort', onAbort)
          this.#base(input, init).then(resolve, reject)
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      })
    })
  }
}
