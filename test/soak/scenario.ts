/**
 * The steps of a walk, drawn from the seeded PRNG alone. The generator never looks at the world: the step
 * sequence is a pure function of (seed, clients), so a printed seed replays exactly the same steps, and a
 * failing stretch can be copied into a regression test as written. The executor (`steps.ts`) adapts each
 * step to the moment (a sign-out with no session is simply refused by the client, as it would be for a user).
 */
import type { Prng } from './prng.js'

export type Call =
  | { kind: 'getSession'; tab: number }
  | { kind: 'getUser'; tab: number }
  | { kind: 'refreshSession'; tab: number }
  | { kind: 'updateUser'; tab: number; value: number }
  | { kind: 'signIn'; tab: number; user: number }
  | { kind: 'signOut'; tab: number; scope: 'local' | 'global' | 'others' }

export type FaultKind = 'refresh503' | 'refresh429' | 'refreshHang' | 'refreshDrop' | 'refreshDelay' | 'refreshGarbage' | 'user503'

export type Step =
  /** Calls started together (tabs racing); `jumpMs` moves the clock while they are in flight. */
  | { kind: 'calls'; calls: Call[]; jumpMs?: number; jumpAfterTicks?: number }
  | { kind: 'jump'; ms: number }
  | { kind: 'fault'; fault: FaultKind; times: number; retryAfterSeconds?: number; delayMs?: number }
  /** Another device signs the user out everywhere (`admin.signOut(jwt, 'global')`). */
  | { kind: 'revoke' }
  /** The next storage call of that kind throws, in whichever tab makes it. */
  | { kind: 'storageFault'; op: 'getItem' | 'setItem' | 'removeItem' }
  | { kind: 'reload'; tab: number }

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** A clock jump: mostly short, sometimes a laptop lid closed for hours. */
function jumpMs(prng: Prng): number {
  return prng.weighted<() => number>([
    [() => prng.int(1, 60) * SECOND, 40],
    [() => prng.int(1, 20) * MINUTE, 30],
    [() => prng.int(20, 180) * MINUTE + prng.int(0, 59) * SECOND, 20],
    [() => prng.int(0, 999), 10],
  ])()
}

function call(prng: Prng, clients: number, users: number): Call {
  const tab = prng.int(0, clients - 1)
  const kind = prng.weighted<Exclude<Call['kind'], 'signOut'> | 'signOutLocal' | 'signOutGlobal' | 'signOutOthers'>([
    ['getSession', 34],
    ['getUser', 18],
    ['refreshSession', 14],
    ['updateUser', 12],
    ['signIn', 14],
    ['signOutLocal', 3],
    ['signOutGlobal', 1],
    ['signOutOthers', 2],
  ])
  switch (kind) {
    case 'updateUser':
      return { kind, tab, value: prng.int(0, 9_999) }
    case 'signIn':
      return { kind, tab, user: prng.int(0, users - 1) }
    case 'signOutLocal':
      return { kind: 'signOut', tab, scope: 'local' }
    case 'signOutGlobal':
      return { kind: 'signOut', tab, scope: 'global' }
    case 'signOutOthers':
      return { kind: 'signOut', tab, scope: 'others' }
    default:
      return { kind, tab }
  }
}

function fault(prng: Prng): Step {
  const fault = prng.weighted<FaultKind>([
    ['refresh503', 24],
    ['refresh429', 18],
    ['refreshHang', 14],
    ['refreshDrop', 22],
    ['refreshDelay', 10],
    ['refreshGarbage', 5],
    ['user503', 7],
  ])
  const times = prng.int(1, 3)
  if (fault === 'refresh429') return { kind: 'fault', fault, times, retryAfterSeconds: prng.int(1, 600) }
  if (fault === 'refreshDelay') return { kind: 'fault', fault, times, delayMs: prng.int(20, 200) }
  return { kind: 'fault', fault, times }
}

/** The next step of the walk. `users`: how many users the walk signs in as. */
export function nextStep(prng: Prng, clients: number, users: number): Step {
  const kind = prng.weighted<Step['kind']>([
    ['calls', 52],
    ['jump', 22],
    ['fault', 15],
    ['revoke', 1.5],
    ['storageFault', 2.5],
    ['reload', 7],
  ])
  switch (kind) {
    case 'calls': {
      const count = prng.weighted([[1, 65], [2, 22], [3, 13]] as const)
      const calls = Array.from({ length: count }, () => call(prng, clients, users))
      if (!prng.chance(0.15)) return { kind, calls }
      return { kind, calls, jumpMs: jumpMs(prng), jumpAfterTicks: prng.int(0, 3) }
    }
    case 'jump':
      return { kind, ms: jumpMs(prng) }
    case 'fault':
      return fault(prng)
    case 'revoke':
      return { kind }
    case 'storageFault':
      return { kind, op: prng.weighted([['getItem', 1], ['setItem', 2], ['removeItem', 1]] as const) }
    case 'reload':
      return { kind, tab: prng.int(0, clients - 1) }
  }
}

function describeCall(c: Call): string {
  switch (c.kind) {
    case 'updateUser':
      return `tab${c.tab}.updateUser(${c.value})`
    case 'signIn':
      return `tab${c.tab}.signIn(user${c.user})`
    case 'signOut':
      return `tab${c.tab}.signOut(${c.scope})`
    default:
      return `tab${c.tab}.${c.kind}()`
  }
}

/** One line per step, for traces and regression tests. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'calls': {
      const calls = step.calls.map(describeCall).join(' ‖ ')
      return step.jumpMs === undefined ? calls : `${calls} ‖ jump ${step.jumpMs} ms after ${step.jumpAfterTicks} ticks`
    }
    case 'jump':
      return `jump ${step.ms} ms`
    case 'fault': {
      const extra = step.retryAfterSeconds !== undefined ? ` Retry-After ${step.retryAfterSeconds}` : step.delayMs !== undefined ? ` ${step.delayMs} ms` : ''
      return `fault ${step.fault}${extra} ×${step.times}`
    }
    case 'revoke':
      return 'revoke elsewhere (global sign-out from another device)'
    case 'storageFault':
      return `storage ${step.op} throws next`
    case 'reload':
      return `reload tab${step.tab}`
  }
}
