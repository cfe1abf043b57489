/**
 * Human-readable text for the parts of a statechart transition: its trigger (event, `after`, `always`,
 * actor completion) and its guard expression.
 * @module
 */
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate'

/**
 * Names what fires a transition, e.g. `SIGN_IN`, `done(signIn)`, `error(refresh)`, `after(refreshCheck)`.
 * The parenthesised forms avoid a colon on purpose: Mermaid before 11.16 (still deployed on many
 * renderers) ends a transition label at the first `:`, so `done: signIn` would break the chart.
 *
 * @example
 * eventLabel('xstate.done.actor.signIn', node) // 'done(signIn)'
 * eventLabel('xstate.after.1000.app.idle', idleNode) // 'after(1000ms)'
 */
export function eventLabel(eventType: string, source: AnyStateNode): string {
  if (eventType === '') return 'always'
  if (eventType === '*') return 'any event'
  const actorDone = /^xstate\.done\.actor\.(.+)$/.exec(eventType)
  if (actorDone) return `done(${actorDone[1]})`
  const actorError = /^xstate\.error\.actor\.(.+)$/.exec(eventType)
  if (actorError) return `error(${actorError[1]})`
  const stateDone = /^xstate\.done\.state\.(.+)$/.exec(eventType)
  if (stateDone) return `done(${lastSegment(stateDone[1] ?? '')})`
  const afterPrefix = 'xstate.after.'
  const afterSuffix = `.${source.id}`
  if (eventType.startsWith(afterPrefix) && eventType.endsWith(afterSuffix)) {
    const delay = eventType.slice(afterPrefix.length, eventType.length - afterSuffix.length)
    return `after(${/^\d+$/.test(delay) ? `${delay}ms` : delay})`
  }
  return eventType
}

/**
 * The guard as an expression: `hasSession`, `not hasSession`, `autoRefreshOn and isRefreshDue`.
 * Parameterized guards show only their type; inline functions show their name (or `inline`).
 *
 * @example
 * guardLabel(and(['autoRefreshOn', not('isStale')])) // 'autoRefreshOn and not isStale'
 */
export function guardLabel(guard: unknown): string {
  return describeGuard(guard, false)
}

/** `EVENT [guard]`, the text drawn on one transition arrow. */
export function transitionLabel(transition: AnyTransitionDefinition): string {
  const event = eventLabel(transition.eventType, transition.source)
  return transition.guard === undefined ? event : `${event} [${guardLabel(transition.guard)}]`
}

function describeGuard(guard: unknown, nested: boolean): string {
  if (typeof guard === 'string') return guard
  if (typeof guard === 'function') {
    // xstate's `and`/`or`/`not`/`stateIn` helpers are functions named after themselves carrying their operands.
    const helper = guard as { name: string; guards?: unknown; stateValue?: unknown }
    if (Array.isArray(helper.guards) && (helper.name === 'and' || helper.name === 'or')) {
      const text = helper.guards.map((operand) => describeGuard(operand, true)).join(` ${helper.name} `)
      return nested ? `(${text})` : text
    }
    if (Array.isArray(helper.guards) && helper.name === 'not') return `not ${describeGuard(helper.guards[0], true)}`
    if (helper.name === 'stateIn') return `in ${JSON.stringify(helper.stateValue)}`
    return helper.name === '' ? 'inline' : helper.name
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') return guard.type
  return 'guard'
}

function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('.') + 1)
}
