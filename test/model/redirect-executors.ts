/**
 * How the events of leaving for an identity provider and of coming back from one are caused in the real
 * client (see `executors.ts` for the rest).
 *
 * Leaving (`REDIRECT`): when the step that ends it is its success, `signInWithOAuth` (with
 * `skipBrowserRedirect`: in Node nothing navigates), which makes no request and so is held at its first
 * storage write, the PKCE verifier's. Otherwise (it fails, or a sign-in, another redirect or a sign-out
 * cuts it short) `signInWithSSO` for a domain the server knows no provider for, held at its `POST /sso`,
 * which the chart's abort drops when it is cut short.
 *
 * Coming back (a path whose first step names a landing): the client under test is created at the URL the
 * redirect brought (`Rig.start` with a landing), held at the landing's first call: the verifier read of a code
 * exchange, the `GET /user` that checks URL tokens, or (an error redirect) the restore read.
 */
import { randomUUID } from 'node:crypto'
import { signInWithSSO } from '../../src/identities/index.js'
import { createAuthClient } from '../../src/index.js'
import { ControlledStorage } from '../support/controlled-storage.js'
import type { Hold } from '../support/hold.js'
import { STORAGE_KEY, type Rig } from '../support/rig.js'
import type { Landing } from './lifecycle-model.js'
import { outcome, settleFlight, type Executor, type StepContext } from './step-context.js'
import { implicitFlow } from '../../src/handoff/index.js'

/** Where users come back to (nothing is served there: the URL is only read). */
const APP = 'http://localhost:3000/model'
const ERROR_REDIRECT = `${APP}?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired`
/**
 * A fragment whose access token reads as a JWT that expires in a day but was never signed by the server: the
 * client asks the server about it (`GET /user`), and the server refuses it.
 */
const FORGED_ACCESS_TOKEN = [{ alg: 'HS256', typ: 'JWT' }, { sub: 'model', exp: 4_102_444_800 }]
  .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
  .concat('forged')
  .join('.')
const BOGUS_TOKENS = `${APP}#access_token=${FORGED_ACCESS_TOKEN}&refresh_token=model&expires_in=3600&token_type=bearer&type=magiclink`

/** The steps that end a `REDIRECT`'s flight. */
const ENDS_REDIRECT = ['xstate.done.actor.leaveForProvider', 'xstate.error.actor.leaveForProvider', 'SIGN_IN', 'REDIRECT', 'SIGN_OUT']

/** Lets the parked call of the operation in flight go on; the operation ends as it answers. */
async function releaseFlight(c: StepContext): Promise<void> {
  c.rig.flight?.release()
  c.rig.flight = undefined
  await c.record()
}

export const redirectExecutors: Record<string, Executor> = {
  REDIRECT: async (c) => {
    const { rig } = c
    if (outcome(c, ENDS_REDIRECT)?.type === 'xstate.done.actor.leaveForProvider') {
      rig.flight = rig.storage.holdNext('setItem', 'PKCE verifier write')
      rig.track(rig.auth.signInWithOAuth({ provider: 'github', options: { redirectTo: APP, skipBrowserRedirect: true } }))
    } else {
      rig.flight = rig.http.holdNext('SSO request', (r) => r.path === '/sso')
      rig.track(signInWithSSO(rig.auth, { domain: 'no-provider.example.com', options: { redirectTo: APP, skipBrowserRedirect: true } }))
    }
    await settleFlight(c, rig.flight)
  },
  'xstate.done.actor.leaveForProvider': releaseFlight,
  'xstate.error.actor.leaveForProvider': releaseFlight,
}

/**
 * Where an emailed magic link sends `kind`'s user back to: `?code=…` under PKCE (the app that asked for
 * the link, an earlier page load on the same storage data, left the verifier there) or, under the implicit
 * flow, `#access_token=…`. The link is followed as a browser would, without following its redirect.
 */
async function magicLinkLanding(rig: Rig, kind: 'auth' | 'mfa', flowType: 'pkce' | 'implicit'): Promise<string> {
  const user = kind === 'mfa' ? await rig.users.mfa() : await rig.users.plain()
  const storage = new ControlledStorage(rig.backing)
  const asker = createAuthClient({ url: rig.env.url, apiKey: rig.env.anonKey, storage, storageKey: STORAGE_KEY, flowType: flowType === 'implicit' ? implicitFlow : 'pkce', autoRefreshToken: false })
  try {
    await asker.signInWithOtp({ email: user.email, options: { emailRedirectTo: APP } })
  } finally {
    asker.dispose()
  }
  const link = rig.env.server.outbox.latest(user.email, 'magiclink')?.link
  if (!link) throw new Error(`no magic link to ${user.email}`)
  const location = (await fetch(link, { redirect: 'manual' })).headers.get('location')
  if (!location) throw new Error('the magic link did not redirect')
  return location
}

/** Starts the client under test at the URL of the path's landing; the step that ends the landing picks a good or a bad one. */
export async function startAtLanding(c: StepContext): Promise<void> {
  const { rig } = c
  const landing = c.event['landing'] as Exclude<Landing, 'none'>
  const next = outcome(c, ['xstate.done.actor.completeLanding', 'xstate.error.actor.completeLanding'])
  const kind = next?.type === 'xstate.done.actor.completeLanding' ? (next['kind'] as 'auth' | 'mfa') : undefined
  switch (landing) {
    case 'code': {
      // Failing: a code this storage holds no verifier for (refused before any request).
      const url = kind ? await magicLinkLanding(rig, kind, 'pkce') : `${APP}?code=${randomUUID()}`
      rig.flight = rig.storage.holdNext('getItem', 'PKCE verifier read')
      rig.start({ pageUrl: url, flowType: 'pkce' })
      break
    }
    case 'tokens': {
      // Failing: tokens the server does not accept.
      const url = kind ? await magicLinkLanding(rig, kind, 'implicit') : BOGUS_TOKENS
      rig.flight = rig.http.holdNext('URL tokens check', (r) => r.path === '/user')
      rig.start({ pageUrl: url, flowType: 'implicit' })
      break
    }
    case 'error':
      rig.flight = rig.storage.holdNext('getItem', 'restore read')
      rig.start({ pageUrl: ERROR_REDIRECT, flowType: 'pkce' })
      break
  }
  await settleFlight(c, rig.flight)
}

/**
 * A landing that fails goes on to restoring. Its calls are let through one storage read at a time until
 * the read that arrives is the restore's (the chart is restoring by then), which stays parked as on a
 * plain start, so the next step can decide what storage holds.
 */
async function failLanding(c: StepContext): Promise<void> {
  const { rig } = c
  for (;;) {
    const read = rig.storage.holdNext('getItem', 'restore read')
    ;(rig.flight as Hold).release()
    rig.flight = read
    await rig.arrive(read)
    if (rig.auth.actor.getSnapshot().matches({ initializing: 'restoring' })) break
  }
  await c.record()
}

export const landingExecutors: Record<string, Executor> = {
  'xstate.done.actor.completeLanding': releaseFlight,
  'xstate.error.actor.completeLanding': failLanding,
}
