/**
 * The transitions of a statechart as its definition declares them, independent of any traversal: every
 * branch of every `on` event, `after` delay, invoke `onDone`/`onError`, state `onDone` and `always` list of
 * every state node. Each gets a stable, readable key, so a transition taken by a running actor (from its
 * `@xstate.microstep` inspection events) can be matched to its definition, even in a `.provide()`d copy of
 * the machine (whose state nodes are new objects with the same paths).
 *
 * Key format: `source: trigger[ branch i/n][ [guard]] → targets`, e.g.
 * `refreshing: error(refresh) 1/2 [isTerminalRefreshFailure] → signedOut`, `(root): STORAGE_DEGRADED → (no target)`.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate'
import { eventLabel, guardLabel } from '../../scripts/chart/labels.js'

export interface ChartTransition {
  key: string
  /** The source state node's path, `(root)` for the machine itself. */
  source: string
  /** The raw event type (`''` for `always`). */
  eventType: string
  /** Position among the branches for that event of that node (0-based) and how many there are. */
  branch: number
  branches: number
  guard: string | undefined
  targets: string[]
}

function nodePath(node: AnyStateNode): string {
  return node.path.length === 0 ? '(root)' : node.path.join('.')
}

/** The branch list a transition belongs to: `always`, or the node's transitions for its event type. */
function siblings(transition: AnyTransitionDefinition): readonly AnyTransitionDefinition[] {
  const source = transition.source
  if (transition.eventType === '') return source.always ?? []
  return source.transitions.get(transition.eventType) ?? []
}

function describe(transition: AnyTransitionDefinition, branch: number, branches: number): ChartTransition {
  const source = nodePath(transition.source)
  const trigger = eventLabel(transition.eventType, transition.source)
  const guard = transition.guard === undefined ? undefined : guardLabel(transition.guard)
  const targets = (transition.target ?? []).map((t: AnyStateNode) => nodePath(t))
  const to = targets.length === 0 ? '(no target)' : `${targets.join(', ')}${transition.reenter ? ' (reenter)' : ''}`
  const key = `${source}: ${trigger}${branches > 1 ? ` ${branch + 1}/${branches}` : ''}${guard === undefined ? '' : ` [${guard}]`} → ${to}`
  return { key, source, eventType: transition.eventType, branch, branches, guard, targets }
}

/** The key of a transition some actor took (it must belong to a machine with this shape). */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const list = siblings(transition)
  const branch = list.indexOf(transition)
  if (branch < 0) throw new Error(`transition ${transition.eventType || 'always'} of ${nodePath(transition.source)} is not in its node's definition`)
  return describe(transition, branch, list.length).key
}

function* stateNodes(node: AnyStateNode): Generator<AnyStateNode> {
  yield node
  for (const child of Object.values(node.states) as AnyStateNode[]) yield* stateNodes(child)
}

/** Every transition the machine's definition declares, in document order. Keys are unique (checked). */
export function chartTransitions(machine: AnyStateMachine): ChartTransition[] {
  const all: ChartTransition[] = []
  for (const node of stateNodes(machine.root)) {
    for (const list of node.transitions.values()) list.forEach((t, i) => all.push(describe(t, i, list.length)))
    const always = node.always ?? []
    always.forEach((t, i) => all.push(describe(t, i, always.length)))
  }
  const seen = new Set<string>()
  for (const t of all) {
    if (seen.has(t.key)) throw new Error(`two transitions share the key ${t.key}`)
    seen.add(t.key)
  }
  return all
}

/** The state nodes of the machine whose key is `key` (state keys are names, ids are paths). */
export function stateNodesNamed(machine: AnyStateMachine, key: string): AnyStateNode[] {
  return [...stateNodes(machine.root)].filter((node) => node.path.length > 0 && node.key === key)
}

/** The definition transitions one `@xstate.microstep` inspection event reports (unredacted events only). */
export function microstepTransitions(event: InspectionEvent): AnyTransitionDefinition[] {
  if (event.type !== '@xstate.microstep') return []
  return (event as { _transitions?: AnyTransitionDefinition[] })._transitions ?? []
}
