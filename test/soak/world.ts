/**
 * Everything one walk runs against: the local auth server on the walk's clock, K tabs of one browser
 * (real clients, HTTP to the server) sharing one storage object and one injected ManualClock, the probe
 * every tab's requests pass through, and the users they sign in as.
 *
 * Tabs share the storage OBJECT, so in Node (no Web Locks, no window) they coordinate exactly as tabs of one
 * page context would: through `src/coordination`'s in-process registry, which keys the refresh lock and the
 * session bus by that object and the storage key.
 */
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import type { ClientCore } from '../../src/client/core.js'
import { coreOf } from '../../src/client/core-key.js'
import { createAuthClient, type AuthClient, type Session } from '../../src/index.js'
import { parseStoredSession } from '../../src/storage/session-shape.js'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { ControlledStorage } from '../support/controlled-storage.js'
import { ManualClock } from '../support/manual-clock.js'
import type { SoakConfig } from './config.js'
import type { Ledger } from './ledger.js'
import { Probe, type ProbeListener } from './probe.js'

export const STORAGE_KEY = 'sb-soak-auth-token'
export const PASSWORD = 'soak-horse-battery'
/** A fixed start, so a seed replays the same virtual timeline (token expiries included). */
export const VIRTUAL_EPOCH = Date.UTC(2030, 0, 1)

const RECENT = 12

export interface SoakUser {
  id: string
  email: string
}

/** What a tab tells the walk, for the SIGNED_OUT rule. */
export interface TabListener {
  signedOut(tab: Tab, previous: Session | null): void
}

export class Tab {
  /** The session this tab last announced; null after its SIGNED_OUT (or before any). */
  lastSession: Session | null = null
  /** Its last few events and statuses, for violation reports. */
  readonly recent: string[] = []
  readonly core: ClientCore
  readonly #unsubscribe: () => void

  constructor(
    readonly index: number,
    /** How many times this tab was reloaded. */
    readonly generation: number,
    readonly auth: AuthClient,
    ledger: Ledger,
    listener: TabListener,
  ) {
    this.core = coreOf(auth)
    const note = (line: string): void => {
      this.recent.push(line)
      if (this.recent.length > RECENT) this.recent.shift()
    }
    const states = auth.state$.subscribe((state) => note(`${state.status}${state.stale ? '~' : ''}`))
    const subscription = auth.events$.subscribe(({ event, session }) => {
      note(`${event}(${session ? `…${session.refresh_token.slice(-6)}` : 'null'})`)
      if (event === 'SIGNED_OUT') listener.signedOut(this, this.lastSession)
      this.lastSession = session
      if (session) ledger.learn(session)
    })
    this.#unsubscribe = () => {
      subscription.unsubscribe()
      states.unsubscribe()
    }
  }

  get name(): string {
    return this.generation === 0 ? `tab${this.index}` : `tab${this.index}.${this.generation}`
  }

  /** The session the chart holds (during signingOut too). */
  get belief(): Session | null {
    return this.auth.actor.getSnapshot().context.session
  }

  get settled(): boolean {
    return this.auth.actor.getSnapshot().hasTag('settled')
  }

  get degraded(): boolean {
    return this.core.io.store.degraded
  }

  dispose(): void {
    this.#unsubscribe()
    this.auth.dispose()
  }
}

export class World {
  readonly clock = new ManualClock(VIRTUAL_EPOCH)
  readonly backing = new Map<string, string>()
  readonly storage = new ControlledStorage(this.backing)
  readonly tabs: Tab[] = []
  readonly probe: Probe
  #reloads = 0

  private constructor(
    readonly config: SoakConfig,
    readonly server: AuthServer,
    readonly admin: AdminClient,
    readonly users: readonly SoakUser[],
    readonly ledger: Ledger,
    readonly listener: TabListener & ProbeListener,
  ) {
    this.probe = new Probe(listener)
  }

  static async open(config: SoakConfig, ledger: Ledger, listener: TabListener & ProbeListener, userCount = 2): Promise<World> {
    let world: World | undefined
    const server = await startAuthServer({
      now: () => world?.clock.now() ?? VIRTUAL_EPOCH,
      jwtExpiry: config.jwtExpirySeconds,
      refreshTokenAlgorithmVersion: config.refreshTokenAlgorithmVersion,
    })
    const admin = createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey })
    const users: SoakUser[] = []
    for (let i = 0; i < userCount; i += 1) {
      const email = `soak-${config.seed}-${i}@example.com`
      const { user } = await admin.createUser({ email, password: PASSWORD, email_confirm: true })
      users.push({ id: user.id, email })
    }
    world = new World(config, server, admin, users, ledger, listener)
    for (let i = 0; i < config.clients; i += 1) world.tabs.push(world.#openTab(i, 0))
    return world
  }

  #openTab(index: number, generation: number): Tab {
    const auth = createAuthClient({
      url: this.server.url,
      apiKey: this.server.anonKey,
      storage: this.storage,
      storageKey: STORAGE_KEY,
      clock: this.clock,
      fetch: this.probe.fetchFor(index),
      timeout: this.config.requestTimeoutMs,
    })
    return new Tab(index, generation, auth, this.ledger, this.listener)
  }

  /** Closes tab `index` and opens it again on the same storage, as a reload would. */
  reload(index: number): Tab {
    const old = this.tabs[index]
    old?.dispose()
    this.#reloads += 1
    const tab = this.#openTab(index, (old?.generation ?? 0) + 1)
    this.tabs[index] = tab
    return tab
  }

  get reloads(): number {
    return this.#reloads
  }

  /** What the shared storage holds, read directly (not through any tab). */
  stored(): Session | null {
    return parseStoredSession(this.backing.get(STORAGE_KEY) ?? null).session
  }

  async close(): Promise<void> {
    for (const tab of this.tabs) tab.dispose()
    this.storage.disarm()
    this.server.faults.clear()
    await this.server.close()
  }
}
