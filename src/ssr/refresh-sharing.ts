/**
 * One refresh for a browser's parallel requests. Each request has its own client, so two requests that
 * arrive together with the same due cookies would each spend the same refresh token: the auth server's reuse
 * rules let both succeed, but that is two refreshes (and, with refresh-token rotation's reuse detection on
 * a slower second request, a revoked family). A refresh of a refresh token already being refreshed in this
 * process waits for that one and shares its answer.
 *
 * Only requests presenting the same refresh token share, so each already holds the session it is given:
 * nothing crosses between users. The map holds answers in flight only (it is not a cache); a request that
 * arrives after the first refresh finished, or at another server instance, refreshes on its own.
 * @module
 */
import { isRefreshRequest } from './refresh-gate.js'

/** Refresh token → the answer being awaited, for every server client of this process. */
const inFlight = new Map<string, Promise<Response>>()

/** The refresh token a refresh request spends, as the client's transport sends it (a JSON body). */
function refreshTokenOf(input: RequestInfo | URL, init: RequestInit | undefined): string | undefined {
  if (!isRefreshRequest(input, init) || typeof init?.body !== 'string') return undefined
  try {
    const token: unknown = (JSON.parse(init.body) as { refresh_token?: unknown }).refresh_token
    return typeof token === 'string' ? token : undefined
  } catch {
    return undefined
  }
}

/**
 * `base`, with refreshes of the same refresh token that overlap in time joined into one request.
 *
 * @example
 * const fetch = sharingRefreshes(globalThis.fetch)
 */
export function sharingRefreshes(base: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
  return async (input, init) => {
    const token = refreshTokenOf(input, init)
    if (token === undefined) return base(input, init)
    let answer = inFlight.get(token)
    if (answer === undefined) {
      answer = base(input, init)
      inFlight.set(token, answer)
      const forget = () => inFlight.delete(token)
      answer.then(forget, forget)
    }
    // Each waiting client reads its own copy of the body.
    return (await answer).clone()
  }
}
