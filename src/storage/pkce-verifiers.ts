/**
 * PKCE code verifiers beside the session, in the layout auth-js (2.119) and `@supabase/ssr` use, so a
 * redirect started by either library can be finished by the other in the same storage:
 * - `<key>-flow-<flowId>-code-verifier`: one slot per flow in flight,
 * - `<key>-flows-code-verifier`: their ids, oldest first, at most {@link MAX_PENDING_FLOWS},
 * - `<key>-code-verifier`: the latest flow's verifier, what a redirect without a flow id is matched with.
 * Each value is JSON (a string; the id list an array). A password-recovery flow's verifier ends in
 * `/recovery`, so finishing it announces `PASSWORD_RECOVERY`.
 * @module
 */
import { newPkcePair, randomHex } from '../encoding/pkce.js'
import type { SessionStore } from './session-store.js'

/** auth-js's bound: a sixth flow started before any finishes evicts the oldest. */
export const MAX_PENDING_FLOWS = 5

const LATEST = '-code-verifier'
const INDEX = '-flows-code-verifier'
const slotOf = (flowId: string) => `-flow-${flowId}-code-verifier`
const FLOW_ID = /^[A-Za-z0-9_-]{8,64}$/

/** A flow id from a URL or from storage, if it has the shape of one; anything else is not used as a key. */
export function validFlowId(value: unknown): string | null {
  return typeof value === 'string' && FLOW_ID.test(value) ? value : null
}

/** A verifier waiting for its code. */
export interface PendingFlow {
  verifier: string
  recovery: boolean
  /** The slot it sits in; null when only the latest-verifier key holds it. */
  flowId: string | null
}

/** A flow just begun: what the server is told, and the pending verifier (to forget it if the start fails). */
export interface StartedFlow {
  challenge: string
  method: 's256' | 'plain'
  flowId: string
  pending: PendingFlow
}

function parseJson(raw: string | null): unknown {
  if (raw === null) return null
  try {
    return JSON.parse(raw)
  } catch {
    return null
  }
}

function pendingFrom(raw: string | null, flowId: string | null): PendingFlow | null {
  const value = parseJson(raw)
  if (typeof value !== 'string' || value === '') return null
  const [verifier = '', marker] = value.split('/')
  return verifier === '' ? null : { verifier, recovery: marker === 'recovery' || marker === 'PASSWORD_RECOVERY', flowId }
}

async function readIndex(store: SessionStore): Promise<string[]> {
  const value = parseJson(await store.readSide(INDEX))
  return Array.isArray(value) ? value.filter((id): id is string => validFlowId(id) !== null) : []
}

async function writeIndex(store: SessionStore, ids: readonly string[]): Promise<void> {
  await (ids.length > 0 ? store.writeSide(INDEX, JSON.stringify(ids)) : store.removeSide(INDEX))
}

/**
 * Makes and stores a verifier for a new flow and returns what the server is given.
 *
 * @example
 * const { challenge, method } = await startPkceFlow(store, { recovery: false })
 */
export async function startPkceFlow(store: SessionStore, options: { recovery: boolean }): Promise<StartedFlow> {
  const { verifier, challenge, method } = await newPkcePair()
  const flowId = randomHex(16)
  const stored = JSON.stringify(options.recovery ? `${verifier}/recovery` : verifier)
  await store.writeSide(slotOf(flowId), stored)
  const ids = (await readIndex(store)).filter((id) => id !== flowId)
  ids.push(flowId)
  for (const evicted of ids.splice(0, Math.max(0, ids.length - MAX_PENDING_FLOWS))) await store.removeSide(slotOf(evicted))
  await writeIndex(store, ids)
  await store.writeSide(LATEST, stored)
  return { challenge, method, flowId, pending: { verifier, recovery: options.recovery, flowId } }
}

/**
 * Starts a flow and runs `request` with it (the request that sends its challenge); when the request fails,
 * the flow is forgotten again, since no redirect will come back for its verifier.
 *
 * @example
 * const { url } = await withStartedPkceFlow(store, { recovery: false }, (flow) => askForUrl(flow.challenge))
 */
export async function withStartedPkceFlow<T>(store: SessionStore, options: { recovery: boolean }, request: (flow: StartedFlow) => Promise<T>): Promise<T> {
  const flow = await startPkceFlow(store, options)
  try {
    return await request(flow)
  } catch (error) {
    await finishPkceFlow(store, flow.pending)
    throw error
  }
}

/**
 * The verifiers a code may belong to, most likely first. With the flow id the redirect carried, only that
 * flow's slot (another flow's verifier would be refused anyway). Without one: the latest flow first, then
 * the other flows in flight, newest first, so two flows started before either finishes both complete.
 */
export async function pendingPkceFlows(store: SessionStore, flowId: string | null): Promise<PendingFlow[]> {
  if (flowId !== null) {
    const own = pendingFrom(await store.readSide(slotOf(flowId)), flowId)
    return own === null ? [] : [own]
  }
  const latest = pendingFrom(await store.readSide(LATEST), null)
  const flows: PendingFlow[] = latest === null ? [] : [latest]
  for (const id of (await readIndex(store)).reverse()) {
    const flow = pendingFrom(await store.readSide(slotOf(id)), id)
    if (flow === null) continue
    if (latest !== null && flow.verifier === latest.verifier) flows[0] = flow
    else flows.push(flow)
  }
  return flows
}

/** Forgets a finished flow: its slot, its id in the list, and the latest-verifier key if it held it. */
export async function finishPkceFlow(store: SessionStore, flow: PendingFlow): Promise<void> {
  if (flow.flowId !== null) {
    await store.removeSide(slotOf(flow.flowId))
    const ids = await readIndex(store)
    const remaining = ids.filter((id) => id !== flow.flowId)
    if (remaining.length !== ids.length) await writeIndex(store, remaining)
  }
  if (pendingFrom(await store.readSide(LATEST), null)?.verifier === flow.verifier) await store.removeSide(LATEST)
}
