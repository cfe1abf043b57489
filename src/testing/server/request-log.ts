/**
 * A log of every API request the server saw (CORS preflights excluded), for counting in tests and benchmarks.
 * @module
 */

export interface RequestLogEntry {
  method: string
  /** Path after `/auth/v1`, without the query string. */
  path: string
  grantType?: string
  /** 0 until answered, and for requests that were hung or dropped. */
  status: number
  /** Server clock (the `now` option), milliseconds. */
  at: number
}

export interface RequestFilter {
  method?: string
  path?: string
  grantType?: string
}

export interface RequestLog {
  all(): RequestLogEntry[]
  count(filter?: RequestFilter): number
  clear(): void
}

export interface RequestLogWriter extends RequestLog {
  record(entry: RequestLogEntry): RequestLogEntry
}

/**
 * @example
 * expect(server.requests.count({ path: '/token', grantType: 'refresh_token' })).toBe(1)
 */
export function createRequestLog(): RequestLogWriter {
  let entries: RequestLogEntry[] = []
  const matches = (e: RequestLogEntry, f: RequestFilter): boolean =>
    (f.method === undefined || f.method.toUpperCase() === e.method) &&
    (f.path === undefined || f.path === e.path) &&
    (f.grantType === undefined || f.grantType === e.grantType)
  return {
    record(entry) {
      entries.push(entry)
      return entry
    },
    all: () => entries.map((e) => ({ ...e })),
    count: (filter = {}) => entries.filter((e) => matches(e, filter)).length,
    clear() {
      entries = []
    },
  }
}
