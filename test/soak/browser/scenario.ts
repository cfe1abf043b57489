/**
 * The browser walk's steps: the in-process walk's steps (`../scenario.ts`: racing public calls, clock
 * jumps, server faults, revocation elsewhere, storage that throws, reloads), plus freezing a tab and waking
 * one. Drawn from the seeded PRNG alone, never from the world, so a seed replays the same step sequence; the
 * executor adapts each step to the moment (waking a frozen tab that is called, skipping a freeze of the
 * last awake tab).
 */
import type { Prng } from '../prng.js'
import { describeStep, nextStep, type Step } from '../scenario.js'

type StorageFault = Extract<Step, { kind: 'storageFault' }>

export type BrowserStep =
  | Exclude<Step, { kind: 'storageFault' }>
  /**
   * The next `times` storage calls of `op` in tab `tab` throw: once (a hiccup a store may retry) or twice
   * in a row (a storage that stays broken for a moment).
   */
  | (StorageFault & { tab: number; times: number })
  /** The tab is hidden and frozen as Chromium freezes a background tab. */
  | { kind: 'freeze'; tab: number }
  /** The tab frozen longest wakes (the user comes back to it). */
  | { kind: 'wake' }

/** How often a step freezes or wakes a tab (half each). */
const LIFECYCLE_SHARE = 0.08

/** The next step of the walk over `tabs` tabs; `users`: how many users the walk signs in as. */
export function nextBrowserStep(prng: Prng, tabs: number, users: number): BrowserStep {
  if (prng.chance(LIFECYCLE_SHARE)) return prng.chance(0.5) ? { kind: 'freeze', tab: prng.int(0, tabs - 1) } : { kind: 'wake' }
  const step = nextStep(prng, tabs, users)
  // The in-process tabs share one storage object; here each tab has its own view of localStorage.
  if (step.kind === 'storageFault') return { ...step, tab: prng.int(0, tabs - 1), times: prng.int(1, 2) }
  return step
}

/** The step as the in-process walk knows it (for `known.ts`), or undefined for the browser's own steps. */
export function coreStep(step: BrowserStep): Step | undefined {
  return step.kind === 'freeze' || step.kind === 'wake' ? undefined : step
}

/** One line per step, for traces. */
export function describeBrowserStep(step: BrowserStep): string {
  switch (step.kind) {
    case 'freeze':
      return `freeze tab${step.tab}`
    case 'wake':
      return 'wake the tab frozen longest'
    case 'storageFault':
      return `tab${step.tab}: storage ${step.op} throws next${step.times > 1 ? ` ×${step.times}` : ''}`
    default:
      return describeStep(step)
  }
}
