/**
 * What the SSR throughput bench's processes share: constants and the shapes of their IPC messages.
 * @module
 */

/** The password grant with this password answers the session whose access token has expired. */
export const DUE_PASSWORD = 'bench-due-session'

export interface AuthServerReady {
  /** `http://127.0.0.1:<port>`: the project URL `@supabase/ssr` takes; the auth API is under `/auth/v1`. */
  origin: string
  anonKey: string
}

export interface AppReady {
  port: number
}

/** `heap-idle`: heapUsed after a full GC, no request in flight. */
export interface HeapIdle {
  heapUsed: number
}

/** `window-end`: what the app saw between `window-start` and `window-end`. */
export interface AppWindow {
  /** Responses finished. */
  requests: number
  /** Process CPU (user + system, all threads), µs. */
  cpuUs: number
  /** heapUsed sampled every 50 ms, no GC forced. */
  heapSamples: number[]
  /** Requests in flight at each heap sample. */
  inFlightSamples: number[]
}

/** `heap-probe`: heapUsed right after a full GC taken while requests are in flight, and how many were. */
export interface HeapProbe {
  samples: Array<{ heapUsed: number; inFlight: number }>
}

export interface AppCounters {
  requests: number
  errors: number
  firstError: string | null
}

/** `run` request to the load generator. */
export interface LoadRun {
  port: number
  /** `Cookie` header of a fresh session, and of one whose access token has expired. */
  cookie: string
  dueCookie: string
  /** Every `dueEvery`-th request carries `dueCookie` (0: never). */
  dueEvery: number
  concurrency: number
  warmupMs: number
  durationMs: number
}

/** The load generator's answer to `run`. */
export interface LoadResult {
  /** Responses finished inside the timed window. */
  completed: number
  windowMs: number
  rps: number
  /** Over the whole run (warm-up and window). */
  sent: number
  dueSent: number
  /** Responses to due requests that carried `Set-Cookie` (the app refreshed and wrote the new session). */
  dueWithSetCookie: number
  errors: number
  firstError: string | null
  /** This process's CPU (all threads) over the run ÷ requests sent, µs. */
  cpuUsPerRequest: number
  /** Latency inside the window, ms. */
  p50Ms: number
  p99Ms: number
}
