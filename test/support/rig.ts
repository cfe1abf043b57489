/**
 * Everything one path runs against: the real client under test (HTTP to the local server), its storage,
 * clock, fetch and recorder, the users, and the two holds that keep it where the path says.
 */
import { createAuthClient, type AuthClient, type Session, type SupportedStorage } from '../../src/index.js'
import type { AuthServer } from '../../src/testing/index.js'
import { ControlledStorage } from './controlled-storage.js'
import { GatedFetch } from './gated-fetch.js'
import type { Hold } from './hold.js'
import { ManualClock } from './manual-clock.js'
import { Recorder, type StepRecord } from './recorder.js'
import { Users, type Env } from './users.js'
import { implicitFlow } from '../../src/handoff/index.js'

export const STORAGE_KEY = 'sb-model-auth-token'
const ARRIVAL_TIMEOUT_MS = 5_000

export interface RigEnv extends Env {
  server: AuthServer
}

export class Rig {
  readonly backing = new Map<string, string>()
  readonly storage = new ControlledStorage(this.backing)
  readonly clock = new ManualClock(Date.now())
  readonly http = new GatedFetch()
  readonly recorder = new Recorder()
  readonly users: Users
  /** Keeps an in-flight status in place: the parked request or storage read of the operation running. */
  flight: Hold | undefined
  /** A parked fire-and-forget storage write/removal, kept so a STORAGE_DEGRADED step can make it fail. */
  deferred: Hold | undefined
  /** The record of the last step (what the client did and where it landed). */
  last: StepRecord | undefined
  /** The next step's event, when this step already made its call (see `sameTickFollowUp`). */
  followUp: string | undefined
  /** A factor being verified: noted on the user once the verification succeeds. */
  verifying: { userId: string; factor: { id: string; secret: string } } | undefined
  #auth: AuthClient | undefined
  readonly #helpers = new Set<AuthClient>()

  constructor(readonly env: RigEnv) {
    this.users = new Users(env)
  }

  /**
   * Creates the client under test; `landing` opens it as an app at a callback URL (read as the page's
   * URL) with that flow type, as a provider or an emailed link would send the browser back.
   */
  start(landing?: { pageUrl: string; flowType: 'pkce' | 'implicit' }): AuthClient {
    const flow = landing && { pageUrl: landing.pageUrl, flowType: landing.flowType === 'implicit' ? implicitFlow : ('pkce' as const) }
    this.#auth = createAuthClient({
      url: this.env.url,
      apiKey: this.env.anonKey,
      storage: this.storage,
      storageKey: STORAGE_KEY,
      clock: this.clock,
      fetch: this.http.fetch,
      // Parked storage calls must stay parked until the path releases them, not time out after 5 s.
      storageTimeoutMs: Number.POSITIVE_INFINITY,
      inspect: this.recorder.observe,
      // The recorder reads which definition transitions each microstep took; redaction would copy them away.
      redactInspection: false,
      ...flow,
    })
    return this.#auth
  }

  get auth(): AuthClient {
    if (!this.#auth) throw new Error('the client under test was not started (xstate.init step missing)')
    return this.#auth
  }

  /** The session in the chart's context (during signingOut too, unlike `snapshot.session`). */
  session(): Session | null {
    return this.auth.actor.getSnapshot().context.session
  }

  requireSession(): Session {
    const session = this.session()
    if (!session) throw new Error('the client under test holds no session')
    return session
  }

  /** Another client: on `storage` (default: memory), with `clock`, never refreshing on its own. */
  helper(options: { storage?: SupportedStorage; clock?: ManualClock; lockTimeoutMs?: number } = {}): AuthClient {
    const client = createAuthClient({
      url: this.env.url,
      apiKey: this.env.anonKey,
      ...(options.storage ? { storage: options.storage, storageKey: STORAGE_KEY } : { persistSession: false }),
      clock: options.clock ?? new ManualClock(this.clock.now()),
      autoRefreshToken: false,
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    })
    this.#helpers.add(client)
    return client
  }

  dropHelper(client: AuthClient): void {
    client.dispose()
    this.#helpers.delete(client)
  }

  /** Makes the next step's call now (two calls in the same tick); that step then only checks. */
  sameTickFollowUp(call: Promise<unknown>, eventType: string): void {
    this.track(call)
    this.followUp = eventType
  }

  /** Starts a call whose outcome the path does not await (its result shows in the chart). */
  track(call: Promise<unknown>): void {
    // Rejections are expected (superseded, cancelled, refused, disposed); the chart's record is what counts.
    call.catch(() => undefined)
  }

  async arrive(hold: Hold): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      hold.arrived,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${hold.label}: the client never made the call`)), ARRIVAL_TIMEOUT_MS)
      }),
    ]).finally(() => clearTimeout(timer))
  }

  /** Lets a parked fire-and-forget storage call finish. */
  releaseDeferred(): void {
    this.deferred?.release()
    this.deferred = undefined
  }

  dispose(): void {
    for (const client of this.#helpers) client.dispose()
    this.#helpers.clear()
    this.#auth?.dispose()
    this.flight?.release()
    this.deferred?.release()
    this.storage.disarm()
    this.http.disarm()
    this.env.server.faults.clear()
  }
}
