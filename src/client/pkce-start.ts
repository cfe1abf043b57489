/**
 * The start of a PKCE flow for the requests whose email link (or provider) redirects back to the app:
 * the verifier is stored first and the request carries its challenge. A request that fails leaves no
 * verifier behind, since no redirect will come back for it.
 * @module
 */
import type { PkceParams } from '../api/index.js'
import { withStartedPkceFlow } from '../storage/index.js'
import type { ClientCore } from './core.js'

/**
 * Runs `call` with a code challenge when the client uses PKCE and `applies` (an email, not a phone).
 *
 * @example
 * await withPkceChallenge(core, { recovery: true }, (pkce) => api.recover(http, email, { ...params, ...pkce }))
 */
export async function withPkceChallenge<T>(
  core: ClientCore,
  flow: { recovery?: boolean; applies?: boolean },
  call: (pkce: PkceParams) => Promise<T>,
): Promise<T> {
  if (core.flowType !== 'pkce' || flow.applies === false) return call({})
  core.assertLive()
  return withStartedPkceFlow(core.io.store, { recovery: flow.recovery === true }, (started) =>
    call({ codeChallenge: started.challenge, codeChallengeMethod: started.method }),
  )
}
