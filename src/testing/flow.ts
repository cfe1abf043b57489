/**
 * Flow states (contract §6): created by email flows that carry a code challenge and by every OAuth and SSO
 * sign-in (implicit or PKCE), redeemed once by `grant_type=pkce`.
 * @module
 */
import { s256, safeEqual, uuid } from './crypto/hash.js'
import type { Ctx } from './server/context.js'
import { badRequest, HttpError, notFound } from './server/respond.js'
import type { AuthMethod, ExternalFlow, FlowStateRow, UserRow } from './store/records.js'
import type { PkceParams } from './validate.js'

/** Records a PKCE flow for `user`, redeemable once by `grant_type=pkce` with the matching verifier. */
export function createFlowState(ctx: Ctx, user: UserRow, pkce: PkceParams, authMethod: AuthMethod, providerType: string): FlowStateRow {
  const flow: FlowStateRow = {
    id: uuid(),
    userId: user.id,
    authCode: uuid(),
    codeChallenge: pkce.challenge,
    codeChallengeMethod: pkce.method,
    providerType,
    authMethod,
    createdAt: ctx.now(),
  }
  ctx.store.flowStates.set(flow.id, flow)
  return flow
}

/**
 * The flow state of an OAuth or SSO sign-in, PKCE when `pkce` is given (with an auth code the app redeems),
 * implicit otherwise. Its id is the `state` the provider sends back.
 */
export function createExternalFlowState(
  ctx: Ctx,
  pkce: PkceParams | null,
  authMethod: AuthMethod,
  providerType: string,
  external: ExternalFlow,
): FlowStateRow {
  const flow: FlowStateRow = {
    id: uuid(),
    authCode: pkce ? uuid() : '',
    codeChallenge: pkce?.challenge ?? '',
    codeChallengeMethod: pkce?.method ?? '',
    providerType,
    authMethod,
    createdAt: ctx.now(),
    external,
  }
  ctx.store.flowStates.set(flow.id, flow)
  return flow
}

/** True once the flow state is older than the flow-state expiry (measured from its creation). */
export function isFlowExpired(ctx: Ctx, flow: FlowStateRow): boolean {
  return ctx.now() > flow.createdAt + ctx.cfg.flowStateExpiry * 1000
}

/** The user's most recent flow state for `method` (what `GET /verify` redeems). */
export function latestFlowState(ctx: Ctx, userId: string, method: AuthMethod): FlowStateRow | undefined {
  let best: FlowStateRow | undefined
  for (const f of ctx.store.flowStates.values()) {
    if (f.userId === userId && f.authMethod === method && (!best || f.createdAt >= best.createdAt)) best = f
  }
  return best
}

/** Validates an exchange and consumes the flow state; returns it for session creation. */
export function redeemFlowState(ctx: Ctx, authCode: string, verifier: string): FlowStateRow {
  if (!authCode || !verifier) {
    throw badRequest('invalid request: both auth code and code verifier should be non-empty')
  }
  const flow = [...ctx.store.flowStates.values()].find((f) => f.authCode === authCode)
  // An OAuth flow has no user until the provider answered, and cannot be exchanged before.
  if (!flow || flow.userId === undefined) throw notFound('invalid flow state, no valid flow state found', 'flow_state_not_found')
  const start = flow.authMethod === 'magiclink' && flow.authCodeIssuedAt !== undefined ? flow.authCodeIssuedAt : flow.createdAt
  if (ctx.now() > start + ctx.cfg.flowStateExpiry * 1000) {
    throw new HttpError(422, 'flow_state_expired', 'invalid flow state, flow state has expired')
  }
  const computed = flow.codeChallengeMethod === 's256' ? s256(verifier) : verifier
  if (!safeEqual(computed, flow.codeChallenge)) {
    throw badRequest('code challenge does not match previously saved code verifier', 'bad_code_verifier')
  }
  ctx.store.flowStates.delete(flow.id)
  return flow
}
