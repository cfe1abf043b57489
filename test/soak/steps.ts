/**
 * Carries out one step of the walk against the world: public calls on the tabs (awaited, bounded in real
 * time), clock jumps, server faults through the local server's fault hooks, a revocation from another
 * device through the admin API, storage that throws, and tab reloads. Every cause that may end a session
 * is written to the ledger BEFORE the call that causes it goes out.
 */
import type { FaultAction, FaultRule } from '../../src/testing/index.js'
import { isAuthError } from '../../src/errors.js'
import type { Checker } from './invariants.js'
import { knownTrigger } from './known.js'
import type { Call, FaultKind, Step } from './scenario.js'
import { PASSWORD, type World } from './world.js'

/** A call that has not settled after this long (real time) is stuck: nothing in the walk takes longer. */
const CALL_BOUND_MS = 20_000
/** Server faults nothing consumed are removed after this many steps, so they cannot pile up. */
const FAULT_LIFETIME_STEPS = 30

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** The fault hook rule a fault step installs at the local server (shared with the browser walk). */
export function faultRule(step: Extract<Step, { kind: 'fault' }>): FaultRule {
  const refresh = { path: '/token', grantType: 'refresh_token', times: step.times } as const
  const actions: Record<FaultKind, () => FaultRule> = {
    refresh503: () => ({ ...refresh, action: { status: 503, body: { message: 'Service Unavailable' } } }),
    refresh429: () => ({
      ...refresh,
      action: {
        status: 429,
        headers: { 'Retry-After': String(step.retryAfterSeconds ?? 1), 'x-sb-error-code': 'over_request_rate_limit' },
        body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' },
      },
    }),
    refreshHang: () => ({ ...refresh, action: { hang: true } }),
    refreshDrop: () => ({ ...refresh, action: { dropAfterCommit: true } }),
    refreshDelay: () => ({ ...refresh, action: { delay: step.delayMs ?? 50 } }),
    refreshGarbage: () => ({ ...refresh, action: { garbage: '<html><body>502 Bad Gateway</body></html>' } satisfies FaultAction }),
    user503: () => ({ path: '/user', method: 'GET', times: step.times, action: { status: 503, body: { message: 'Service Unavailable' } } }),
  }
  return actions[step.fault]()
}

export class StepRunner {
  /** Faults injected, by kind (server faults, storage faults, revocations). */
  readonly injected = new Map<string, number>()
  /** Outcomes of public calls: `ok`, or the error code they rejected with. */
  readonly outcomes = new Map<string, number>()
  /** Steps skipped because they trigger a known bug, by bug id. */
  readonly skipped = new Map<string, number>()
  /** What the current step's calls came to, in call order, for the trace. */
  lastOutcomes: string[] = []
  readonly #faults: Array<{ remove: () => void; until: number }> = []

  constructor(
    readonly world: World,
    readonly checker: Checker,
    /** Take the steps that trigger known bugs (see `known.ts`). */
    readonly includeKnown: boolean,
  ) {}

  #count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1)
  }

  async run(step: Step, index: number): Promise<void> {
    this.#expireFaults(index)
    this.lastOutcomes = []
    const known = knownTrigger(step, this.includeKnown)
    if (known) {
      this.#count(this.skipped, known.id)
      this.lastOutcomes = [`skipped: known bug ${known.id}`]
      return
    }
    switch (step.kind) {
      case 'calls':
        return this.#calls(step)
      case 'jump':
        this.world.clock.advanceBy(step.ms)
        return
      case 'fault':
        this.#count(this.injected, step.fault)
        this.#faults.push({ remove: this.world.server.faults.add(faultRule(step)), until: index + FAULT_LIFETIME_STEPS })
        return
      case 'revoke':
        return this.#revoke()
      case 'storageFault':
        this.#count(this.injected, `storage ${step.op}`)
        this.world.storage.failNext(step.op)
        return
      case 'reload':
        this.world.reload(step.tab)
        return
    }
  }

  #expireFaults(index: number): void {
    for (let i = this.#faults.length - 1; i >= 0; i -= 1) {
      const fault = this.#faults[i]!
      if (fault.until > index) continue
      fault.remove()
      this.#faults.splice(i, 1)
    }
  }

  async #calls(step: Extract<Step, { kind: 'calls' }>): Promise<void> {
    const running = step.calls.map((c, i) => this.#bounded(c).then((outcome) => void (this.lastOutcomes[i] = outcome)))
    if (step.jumpMs !== undefined) {
      for (let i = 0; i < (step.jumpAfterTicks ?? 0); i += 1) await macrotask()
      this.world.clock.advanceBy(step.jumpMs)
    }
    await Promise.all(running)
  }

  /** Runs one call; its error is an outcome, but it must be typed and it must come. */
  async #bounded(c: Call): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const stuck = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), CALL_BOUND_MS)
    })
    const outcome = await Promise.race([
      this.#call(c).then(
        () => 'ok',
        (error: unknown) => {
          this.checker.record('typed-errors', isAuthError(error), () => `tab${c.tab}.${c.kind} rejected with a non-AuthError: ${String(error)}`)
          return isAuthError(error) ? (error.code ?? error.name) : 'untyped'
        },
      ),
      stuck,
    ]).finally(() => clearTimeout(timer))
    this.checker.record('calls-settle', outcome !== 'stuck', () => `tab${c.tab}.${c.kind} did not settle within ${CALL_BOUND_MS} ms`)
    this.#count(this.outcomes, `${c.kind} ${outcome}`)
    return outcome
  }

  async #call(c: Call): Promise<unknown> {
    const tab = this.world.tabs[c.tab]
    if (tab === undefined) throw new Error(`no tab ${c.tab}`)
    const { auth } = tab
    switch (c.kind) {
      case 'getSession':
        return auth.getSession()
      case 'getUser':
        return auth.getUser()
      case 'refreshSession':
        return auth.refreshSession()
      case 'updateUser':
        return auth.updateUser({ data: { soak: c.value } })
      case 'signIn': {
        const user = this.world.users[c.user % this.world.users.length]!
        const requestedAt = this.world.ledger.tick()
        const { session } = await auth.signInWithPassword({ email: user.email, password: PASSWORD })
        this.world.ledger.signedIn(session, requestedAt)
        return session
      }
      case 'signOut':
        return this.#signOut(c.tab, c.scope)
    }
  }

  /** The sessions live on the shared storage: what every tab holds and what the storage holds. */
  #liveSessionIds(): string[] {
    const { world } = this
    const sessions = [world.stored(), ...world.tabs.map((t) => t.belief)]
    return sessions.flatMap((s) => {
      const facts = world.ledger.sessionOf(s)
      return facts ? [facts.sessionId] : []
    })
  }

  async #signOut(index: number, scope: 'local' | 'global' | 'others'): Promise<unknown> {
    const { world } = this
    const tab = world.tabs[index]!
    const own = world.ledger.sessionOf(tab.belief)
    if (scope === 'others') {
      if (own === undefined) return tab.auth.signOut({ scope })
      const finish = world.ledger.revokeUser(own.userId, 'othersSignedOut', own.sessionId)
      try {
        return await tab.auth.signOut({ scope })
      } finally {
        finish()
      }
    }
    // Local or global: every session this storage holds ends, whichever tab holds it.
    const finishSignOut = world.ledger.signOutBegins(this.#liveSessionIds())
    const finishRevoke = scope === 'global' && own ? world.ledger.revokeUser(own.userId, 'signOut') : () => {}
    try {
      return await tab.auth.signOut({ scope })
    } finally {
      finishRevoke()
      finishSignOut(this.#liveSessionIds())
    }
  }

  /** Another device signs the storage's user out everywhere: its own sign-in, then `admin.signOut(jwt, 'global')`. */
  async #revoke(): Promise<void> {
    const { world } = this
    const held = world.stored() ?? world.tabs.map((t) => t.belief).find((s) => s !== null) ?? null
    const facts = world.ledger.sessionOf(held)
    const user = facts && world.users.find((u) => u.id === facts.userId)
    if (!user) {
      this.#count(this.injected, 'revoke (nobody signed in)')
      return
    }
    this.#count(this.injected, 'revoke')
    const response = await fetch(`${world.server.url}/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: world.server.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    })
    const { access_token: jwt } = (await response.json()) as { access_token: string }
    const finish = world.ledger.revokeUser(user.id, 'revoked')
    try {
      await world.admin.signOut(jwt, 'global')
    } finally {
      finish()
    }
  }
}
