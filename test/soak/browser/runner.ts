/**
 * Carries out one step of the browser walk: public calls in the tabs (bounded in real time), clock jumps,
 * server faults through the local server's fault hooks, a revocation from another device through the admin
 * API, a storage call that throws in one tab, reloads, and freezing or waking a tab through the DevTools
 * protocol. Every cause that may end a session is registered in the ledger BEFORE the call that causes it
 * goes out, dated on the wall clock the pages date their events with.
 */
import { faultRule } from '../steps.js'
import type { Call } from '../scenario.js'
import type { BrowserChecker } from './checker.js'
import type { CallResult, PageCall } from './page.js'
import type { BrowserStep } from './scenario.js'
import type { BrowserTab } from './tab.js'
import { PASSWORD, type BrowserWorld } from './world.js'

/** A call that has not settled after this long (real time) is stuck: nothing in the walk takes longer. */
const CALL_BOUND_MS = 25_000
/** Server faults nothing consumed are removed after this many steps, so they cannot pile up. */
const FAULT_LIFETIME_STEPS = 30
/** A tab frozen this many steps wakes on its own (a user comes back to it), so freezes end. */
const MAX_FROZEN_STEPS = 12
/** Real ms per "tick" of a calls step's clock jump: the jump lands while the calls are in flight. */
const TICK_MS = 5

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/** Runs the walk's steps against its world and counts what it injected and what the calls came to. */
export class BrowserStepRunner {
  readonly injected = new Map<string, number>()
  readonly outcomes = new Map<string, number>()
  /** Freezes, wakes and what the executor adapted (a freeze of the last awake tab refused, …). */
  readonly lifecycle = new Map<string, number>()
  /** What the current step's calls came to, in call order, for the trace. */
  lastOutcomes: string[] = []
  readonly #faults: Array<{ remove: () => void; until: number }> = []

  constructor(
    readonly world: BrowserWorld,
    readonly checker: BrowserChecker,
  ) {}

  async run(step: BrowserStep, index: number): Promise<void> {
    this.#expireFaults(index)
    this.lastOutcomes = []
    await this.#wakeLongFrozen(index)
    switch (step.kind) {
      case 'calls':
        return this.#calls(step)
      case 'jump':
        return this.world.jump(step.ms)
      case 'fault':
        increment(this.injected, step.fault)
        this.#faults.push({ remove: this.world.server.faults.add(faultRule(step)), until: index + FAULT_LIFETIME_STEPS })
        return
      case 'revoke':
        return this.#revoke()
      case 'storageFault':
        return this.#storageFault(step.tab, step.op, step.times)
      case 'reload':
        return this.world.reload(this.world.tabs[step.tab]!)
      case 'freeze':
        return this.#freeze(step.tab, index)
      case 'wake':
        return this.#wakeLongest()
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

  async #wakeLongFrozen(index: number): Promise<void> {
    for (const tab of this.world.tabs) {
      if (!tab.frozen || index - tab.frozenAt < MAX_FROZEN_STEPS) continue
      increment(this.lifecycle, 'woken after a long freeze')
      await this.world.wake(tab)
    }
  }

  async #freeze(index: number, step: number): Promise<void> {
    const tab = this.world.tabs[index]!
    if (tab.frozen) return void increment(this.lifecycle, 'freeze (already frozen)')
    if (this.world.awake.length <= 1) return void increment(this.lifecycle, 'freeze (last awake tab: refused)')
    increment(this.lifecycle, 'freeze')
    await tab.freeze(step)
  }

  async #wakeLongest(): Promise<void> {
    const frozen = this.world.tabs.filter((tab) => tab.frozen).sort((a, b) => a.frozenAt - b.frozenAt)[0]
    if (frozen === undefined) return void increment(this.lifecycle, 'wake (none frozen)')
    increment(this.lifecycle, 'wake')
    await this.world.wake(frozen)
  }

  async #storageFault(index: number, op: 'getItem' | 'setItem' | 'removeItem', times: number): Promise<void> {
    const tab = this.world.tabs[index]!
    if (tab.frozen) return void increment(this.injected, `storage ${op} (tab frozen: not armed)`)
    increment(this.injected, `storage ${op} ×${times}`)
    await tab.failNext(op, times)
  }

  async #calls(step: Extract<BrowserStep, { kind: 'calls' }>): Promise<void> {
    // A user who clicks in a frozen tab brings it back first.
    for (const c of step.calls) {
      const tab = this.world.tabs[c.tab]!
      if (!tab.frozen) continue
      increment(this.lifecycle, 'woken by a call')
      await this.world.wake(tab)
    }
    // Causes first, for every call of the step, before any call goes out.
    const finishes = step.calls.map((c) => this.#registerCause(c))
    const sentAt = Date.now()
    const running = step.calls.map((c, i) =>
      this.#call(c).then((result) => {
        finishes[i]?.(result.at)
        if (result.outcome === 'ok' && c.kind === 'signIn') this.checker.ledger.signedIn(result.session, result.at, sentAt)
        this.lastOutcomes[i] = result.outcome
        increment(this.outcomes, `${c.kind} ${result.outcome}`)
      }),
    )
    if (step.jumpMs !== undefined) {
      await sleep((step.jumpAfterTicks ?? 0) * TICK_MS)
      await this.world.jump(step.jumpMs)
    }
    await Promise.all(running)
  }

  async #call(c: Call): Promise<CallResult> {
    const tab = this.world.tabs[c.tab]!
    const result = await tab.call(this.#pageCall(c), CALL_BOUND_MS)
    this.checker.check('typed-errors', result.typed, () => `${tab.name}.${c.kind} rejected with a non-AuthError (${result.outcome})`)
    this.checker.check('calls-settle', result.outcome !== 'stuck', () => `${tab.name}.${c.kind} did not settle within ${CALL_BOUND_MS} ms`)
    return result
  }

  #pageCall(c: Call): PageCall {
    switch (c.kind) {
      case 'updateUser':
        return { kind: 'updateUser', value: c.value }
      case 'signIn': {
        const user = this.world.users[c.user % this.world.users.length]!
        return { kind: 'signIn', email: user.email, password: PASSWORD }
      }
      case 'signOut':
        return { kind: 'signOut', scope: c.scope }
      default:
        return { kind: c.kind }
    }
  }

  /** The sessions live on the shared storage, as the tabs were last seen: what a sign-out there ends. */
  #liveSessionIds(): string[] {
    const ids = new Set<string>()
    for (const tab of this.world.tabs) {
      for (const ref of [tab.lastView?.stored, tab.lastView?.belief]) {
        const id = ref?.sessionId ?? this.checker.ledger.sessionIdOf(ref?.fp)
        if (id !== undefined) ids.add(id)
      }
    }
    return [...ids]
  }

  /** Registers what a call may end, before it goes out; returns what to do once it settled. */
  #registerCause(c: Call): ((at: number) => void) | undefined {
    if (c.kind !== 'signOut') return undefined
    const { ledger } = this.checker
    const now = Date.now()
    const belief = this.world.tabs[c.tab]!.lastView?.belief
    const own = ledger.facts(belief?.sessionId ?? ledger.sessionIdOf(belief?.fp))
    if (c.scope === 'others') return own ? ledger.revokeUser(own.userId, 'othersSignedOut', own.sessionId, now) : undefined
    // Local or global: every session the shared storage holds ends, whichever tab holds it.
    const finishSignOut = ledger.signOutBegins(this.#liveSessionIds(), now)
    const finishRevoke = c.scope === 'global' && own ? ledger.revokeUser(own.userId, 'signOut', undefined, now) : undefined
    return (at) => {
      finishRevoke?.(at)
      finishSignOut(at)
    }
  }

  /** Another device signs the storage's user out everywhere: its own sign-in, then `admin.signOut(jwt, 'global')`. */
  async #revoke(): Promise<void> {
    const { world } = this
    const { ledger } = this.checker
    const held = world.tabs.map((tab) => tab.lastView?.stored ?? tab.lastView?.belief).find((ref) => ref != null)
    const facts = ledger.facts(held?.sessionId ?? ledger.sessionIdOf(held?.fp))
    const user = facts && world.users.find((u) => u.id === facts.userId)
    if (!user) return void increment(this.injected, 'revoke (nobody signed in)')
    increment(this.injected, 'revoke')
    // Straight to the server, not through the proxy: this device is not one of the tabs.
    const response = await fetch(`${world.server.url}/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: world.server.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    })
    const { access_token: jwt } = (await response.json()) as { access_token: string }
    const finish = ledger.revokeUser(user.id, 'revoked', undefined, Date.now())
    try {
      await world.admin.signOut(jwt, 'global')
    } finally {
      finish(Date.now())
    }
  }
}
