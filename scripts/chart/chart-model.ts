/**
 * A drawing-oriented view of an XState v5 machine, shared by the Mermaid and DOT writers: states with
 * ids that are safe in both languages, and one edge per source/target pair. It walks `machine.root`
 * rather than using `toDirectedGraph`, which leaves out `always` transitions. Everything is in the
 * machine's definition order, so the charts built from it diff cleanly.
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate'
import { transitionLabel } from './labels.js'

export interface ChartOptions {
  /** Left to right (`LR`, the default) or top to bottom (`TB`). */
  direction?: 'LR' | 'TB'
}

export type ChartStateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history'

export interface ChartState {
  /** Unique in the chart; letters, digits and `_` only. */
  id: string
  /** The state's key in the machine, shown to the reader. */
  label: string
  kind: ChartStateKind
  /** Ids of the children entered first (empty for atomic and parallel states). */
  initial: string[]
  children: ChartState[]
}

export interface ChartEdge {
  source: string
  target: string
  /** One `EVENT [guard]` per transition between the pair, in definition order. */
  labels: string[]
  /**
   * Id of the innermost compound state holding both ends (the edge can be drawn inside its box), or
   * `undefined` when the edge crosses a box border or lies at the top level.
   */
  block: string | undefined
}

export interface Chart {
  /** The machine's id. */
  id: string
  /** `parallel` when the top-level states are regions that are all active at once. */
  kind: ChartStateKind
  /** Top-level states. */
  states: ChartState[]
  initial: string[]
  /**
   * Stands for "any state": the source of the root's own transitions, which apply in every state
   * (e.g. a SIGN_OUT valid in every status). `undefined` when the root has none.
   */
  anyState: { id: string; label: string } | undefined
  edges: ChartEdge[]
}

/** Words the Mermaid and DOT grammars read as keywords, so they can't be state ids. */
const RESERVED_IDS = new Set(['state', 'note', 'class', 'classdef', 'direction', 'default', 'end', 'scale', 'as', 'graph', 'node', 'edge', 'subgraph', 'digraph', 'strict'])

/** Label of the pseudo-state standing for the whole machine. */
export const ANY_STATE_LABEL = 'any state'

/**
 * Reads `machine` into a `Chart`. Transitions without a target become a self-loop labelled
 * `… (internal)` (the state is neither left nor re-entered); reentering self-transitions are plain
 * self-loops.
 *
 * @example
 * const chart = buildChart(lifecycleMachine)
 * chart.edges.find((edge) => edge.source === 'initializing')?.labels // ['done(restore)']
 */
export function buildChart(machine: AnyStateMachine): Chart {
  const root = machine.root
  const ids = assignIds(root)
  const anyStateId = transitionsOf(root).length > 0 ? uniqueId('anyState', new Set(ids.values())) : undefined
  return {
    id: root.id,
    kind: root.type,
    states: childrenOf(root).map((child) => toChartState(child, ids)),
    initial: (root.initial?.target ?? []).map((target) => idOf(ids, target)),
    anyState: anyStateId === undefined ? undefined : { id: anyStateId, label: ANY_STATE_LABEL },
    edges: collectEdges(root, ids, anyStateId),
  }
}

/** Every state of the chart, parents before their children. */
export function allStates(states: readonly ChartState[]): ChartState[] {
  return states.flatMap((state) => [state, ...allStates(state.children)])
}

function toChartState(node: AnyStateNode, ids: Map<AnyStateNode, string>): ChartState {
  return {
    id: idOf(ids, node),
    label: node.key,
    kind: node.type,
    initial: node.type === 'compound' ? (node.initial?.target ?? []).map((target) => idOf(ids, target)) : [],
    children: childrenOf(node).map((child) => toChartState(child, ids)),
  }
}

function collectEdges(root: AnyStateNode, ids: Map<AnyStateNode, string>, anyStateId: string | undefined): ChartEdge[] {
  const byPair = new Map<string, ChartEdge>()
  for (const node of [root, ...descendantsOf(root)]) {
    const source = node === root ? anyStateId : idOf(ids, node)
    if (source === undefined) continue
    for (const transition of transitionsOf(node)) {
      const internal = transition.target === undefined || transition.target.length === 0
      const label = internal ? `${transitionLabel(transition)} (internal)` : transitionLabel(transition)
      const targets: readonly AnyStateNode[] = internal ? [node] : (transition.target ?? [])
      for (const targetNode of targets) {
        const target = targetNode === root ? source : idOf(ids, targetNode)
        const key = `${source}\u0000${target}`
        const block = blockFor(node, targetNode)
        const edge = byPair.get(key) ?? { source, target, labels: [], block: block && idOf(ids, block) }
        if (!edge.labels.includes(label)) edge.labels.push(label)
        byPair.set(key, edge)
      }
    }
  }
  return [...byPair.values()]
}

/** Event transitions (incl. `after` and actor completion) in definition order, then `always`. */
function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])]
}

function blockFor(source: AnyStateNode, target: AnyStateNode): AnyStateNode | undefined {
  const sourceAncestors = ancestorsOf(source)
  const common = ancestorsOf(target).find((ancestor) => sourceAncestors.includes(ancestor))
  return common === undefined || common.parent === undefined || common === source || common === target ? undefined : common
}

/** Strict ancestors, nearest first. */
function ancestorsOf(node: AnyStateNode): AnyStateNode[] {
  const ancestors: AnyStateNode[] = []
  for (let current = node.parent; current !== undefined; current = current.parent) ancestors.push(current)
  return ancestors
}

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states)
}

function descendantsOf(node: AnyStateNode): AnyStateNode[] {
  return childrenOf(node).flatMap((child) => [child, ...descendantsOf(child)])
}

/**
 * Ids are global in both languages, so a state keeps its key as id only when that key is unique in the
 * machine and a valid id; otherwise it gets its path (`signingIn_credentials`) and is labelled with its key.
 */
function assignIds(root: AnyStateNode): Map<AnyStateNode, string> {
  const nodes = descendantsOf(root)
  const keyCounts = new Map<string, number>()
  for (const node of nodes) keyCounts.set(node.key, (keyCounts.get(node.key) ?? 0) + 1)
  const taken = new Set<string>()
  const ids = new Map<AnyStateNode, string>()
  for (const node of nodes) {
    const keyUsable = keyCounts.get(node.key) === 1 && sanitizeId(node.key) === node.key
    const id = uniqueId(keyUsable ? node.key : sanitizeId(node.path.join('_')), taken)
    taken.add(id)
    ids.set(node, id)
  }
  return ids
}

function uniqueId(wanted: string, taken: ReadonlySet<string>): string {
  let id = RESERVED_IDS.has(wanted.toLowerCase()) ? `${wanted}_` : wanted
  while (taken.has(id)) id = `${id}_`
  return id
}

function sanitizeId(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_]/g, '_')
  return /^[A-Za-z_]/.test(id) ? id : `s_${id}`
}

function idOf(ids: Map<AnyStateNode, string>, node: AnyStateNode): string {
  const id = ids.get(node)
  if (id === undefined) throw new Error(`State "${node.id}" is not part of the machine being drawn`)
  return id
}
