/**
 * Leaving for an identity provider: the chart's `leaveForProvider` actor hands the operation here. With
 * PKCE the verifier is stored before the URL exists, so the code that comes back can always be traded.
 * @module
 */
import type { LifecycleIo, RedirectOutput } from '../../machines/lifecycle-types.js'
import type { RedirectOperation } from '../../machines/operations.js'
import * as api from '../api/index.js'
import { type StartedFlow, withStartedPkceFlow } from '../storage/index.js'
import type { CallOptions } from '../types.js'
import { navigateTo } from './page-url.js'

function challengeOf(flow: StartedFlow | null): api.PkceParams {
  return flow === null ? {} : { codeChallenge: flow.challenge, codeChallengeMethod: flow.method }
}

/** Makes (OAuth) or asks for (SSO) the provider's URL, then sends the browser there unless told not to. */
export async function callRedirect(io: LifecycleIo, operation: RedirectOperation, options: CallOptions): Promise<RedirectOutput> {
  const urlFor = async (flow: StartedFlow | null): Promise<RedirectOutput> => ({
    url:
      operation.kind === 'oauth'
        ? api.authorizeUrl(io.transport.url, { ...operation.params, ...challengeOf(flow) })
        : (await api.ssoUrl(io.transport, operation.body, challengeOf(flow), options)).url,
    flowId: flow?.flowId ?? null,
  })
  const output = operation.pkce ? await withStartedPkceFlow(io.store, { recovery: false }, urlFor) : await urlFor(null)
  if (operation.navigate) navigateTo(output.url)
  return output
}
