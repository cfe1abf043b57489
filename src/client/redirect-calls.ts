/**
 * Leaving for an identity provider: the chart's `leaveForProvider` actor hands the operation here. With
 * PKCE the verifier is stored before the URL exists, so the code that comes back can always be traded.
 * @module
 */
import type { LifecycleIo, RedirectOutput } from '../../machines/lifecycle-types.js'
import type { RedirectOperation } from '../../machines/operations.js'
import * as api from '../api/index.js'
import { finishPkceFlow, startPkceFlow, type StartedFlow } from '../storage/index.js'
import type { CallOptions } from '../types.js'
import { navigateTo } from './page-url.js'

function challengeOf(flow: StartedFlow | null): api.PkceParams {
  return flow === null ? {} : { codeChallenge: flow.challenge, codeChallengeMethod: flow.method }
}

/** Makes (OAuth) or asks for (SSO) the provider's URL, then sends the browser there unless told not to. */
export async function callRedirect(io: LifecycleIo, operation: RedirectOperation, options: CallOptions): Promise<RedirectOutput> {
  const flow = operation.pkce ? await startPkceFlow(io.store, { recovery: false }) : null
  let url: string
  try {
    url =
      operation.kind === 'oauth'
        ? api.authorizeUrl(io.transport.url, { ...operation.params, ...challengeOf(flow) })
        : (await api.ssoUrl(io.transport, operation.body, challengeOf(flow), options)).url
  } catch (error) {
    // No redirect will come back for this verifier.
    if (flow !== null) await finishPkceFlow(io.store, flow.pending)
    throw error
  }
  if (operation.navigate) navigateTo(url)
  return { url, flowId: flow?.flowId ?? null }
}
