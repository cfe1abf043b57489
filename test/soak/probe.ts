/**
 * The tabs' `fetch`: every request they make passes through here, so the walk sees what the server
 * answered (status and GoTrue error code) and how many refreshes were in flight at once. A refresh counts
 * as in flight from the call until its body has been read (or the call failed): the span in which a
 * second refresher would spend the same single-use refresh token.
 */

export interface Answer {
  tab: number
  path: string
  grantType: string | undefined
  /** 0 when no answer came (network error, timeout, drop, abort). */
  status: number
  /** `x-sb-error-code`, the body's `error_code`/`code`, or OAuth's `error`. */
  code: string | undefined
  /** The refresh token a refresh presented. */
  presented: string | undefined
  /** For a successful token answer: the refresh token handed out. */
  issued: string | undefined
  /** The bearer token the request carried (the anon key, or a user's access token). */
  bearer: string | undefined
  /** What ended a request with no answer, e.g. `TimeoutError`, `AbortError`, `TypeError`. */
  failure: string | undefined
}

export interface ProbeListener {
  /** A refresh started while another was still in flight (both on the one shared storage key). */
  overlap(tab: number, inFlight: number): void
  answer(answer: Answer): void
}

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304])

function summarize(input: RequestInfo | URL): { path: string; grantType: string | undefined } {
  const url = new URL(input instanceof Request ? input.url : input instanceof URL ? input.href : String(input))
  return { path: url.pathname.replace(/^\/auth\/v1/, '') || '/', grantType: url.searchParams.get('grant_type') ?? undefined }
}

function errorCodeOf(headers: Headers, text: string): string | undefined {
  const header = headers.get('x-sb-error-code')
  if (header) return header
  try {
    const body = JSON.parse(text) as Record<string, unknown>
    for (const key of ['error_code', 'code', 'error']) {
      if (typeof body[key] === 'string') return body[key]
    }
  } catch {
    // Not JSON (a garbage fault): no code.
  }
  return undefined
}

function bearerOf(init: RequestInit | undefined): string | undefined {
  const headers = new Headers(init?.headers)
  const value = headers.get('authorization')
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined
}

function stringField(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined
  try {
    const value = (JSON.parse(text) as Record<string, unknown>)[key]
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

export class Probe {
  #refreshesInFlight = 0
  #requestsInFlight = 0
  maxRefreshesInFlight = 0
  requests = 0
  readonly #listener: ProbeListener
  readonly #base: typeof fetch

  constructor(listener: ProbeListener, base: typeof fetch = globalThis.fetch) {
    this.#listener = listener
    this.#base = base
  }

  /** Requests of any kind not yet answered or failed: the walk waits for none before checking. */
  get inFlight(): number {
    return this.#requestsInFlight
  }

  /** The `fetch` for tab `tab`. */
  fetchFor(tab: number): typeof fetch {
    return (input, init) => this.#observe(tab, input, init)
  }

  async #observe(tab: number, input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    const { path, grantType } = summarize(input)
    const isRefresh = path === '/token' && grantType === 'refresh_token'
    const presented = isRefresh && typeof init?.body === 'string' ? stringField(init.body, 'refresh_token') : undefined
    this.requests += 1
    this.#requestsInFlight += 1
    if (isRefresh) {
      this.#refreshesInFlight += 1
      this.maxRefreshesInFlight = Math.max(this.maxRefreshesInFlight, this.#refreshesInFlight)
      if (this.#refreshesInFlight > 1) this.#listener.overlap(tab, this.#refreshesInFlight)
    }
    const base = { tab, path, grantType, presented, bearer: bearerOf(init) }
    try {
      const response = await this.#base(input, init)
      // Read here, inside the span, then handed on as a fresh Response: the client reads the same bytes.
      const text = await response.text()
      const ok = response.status >= 200 && response.status < 300
      this.#listener.answer({
        ...base,
        status: response.status,
        code: ok ? undefined : errorCodeOf(response.headers, text),
        issued: ok && path === '/token' ? stringField(text, 'refresh_token') : undefined,
        failure: undefined,
      })
      // A 204 (logout) may not carry a body, not even an empty one.
      const body = NULL_BODY_STATUSES.has(response.status) ? null : text
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
    } catch (error) {
      const failure = error instanceof Error ? error.name : 'unknown'
      this.#listener.answer({ ...base, status: 0, code: undefined, issued: undefined, failure })
      throw error
    } finally {
      this.#requestsInFlight -= 1
      if (isRefresh) this.#refreshesInFlight -= 1
    }
  }
}
