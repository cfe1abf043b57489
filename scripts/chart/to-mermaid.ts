/**
 * Draws an XState v5 machine as a Mermaid `stateDiagram-v2`, walking `machine.root` (rather than
 * `toDirectedGraph`, which leaves out `always` transitions). The text is committed and diffed, so its
 * order is the machine's definition order and nothing depends on object identity or time.
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate'
import { transitionLabel } from './labels.js'

/** Words the Mermaid state grammar reads as keywords, so they can't be state ids. */
const RESERVED_IDS = new Set(['state', 'note', 'class', 'classDef', 'direction', 'default', 'end', 'scale', 'as'])

/** Label of the pseudo-state that stands for the machine itself (see `rootSource`). */
const ANY_STATE_LABEL = 'any state'

interface Edge {
  source: string
  target: string
  labels: string[]
  /** The state whose `state … { }` block holds the edge; `undefined` is the top level. */
  block: AnyStateNode | undefined
}

/**
 * The Mermaid source of `machine`'s statechart: `[*] -->` initial states, `state X { … }` compound
 * states, `X --> [*]` final states and one arrow per source/target pair, labelled `EVENT [guard]`
 * (one line per transition). Transitions without a target stay in their state and are drawn as a
 * self-loop marked `(internal)`; a reentering self-transition is a plain self-loop.
 *
 * @example
 * import { lifecycleMachine } from '../../machines/lifecycle.js'
 * const mmd = toMermaid(lifecycleMachine) // 'stateDiagram-v2\n  [*] --> initializing\n…'
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = machine.root
  const ids = assignIds(root)
  const rootSource = rootSourceId(root, ids)
  const edges = collectEdges(root, ids, rootSource)

  const lines = ['stateDiagram-v2', `  %% Generated from the "${root.id}" machine by \`npm run visualize\`; do not edit.`]
  lines.push(...blockLines(root, ids, edges, '  '))
  if (rootSource !== undefined) {
    // The root is not drawn as a box, so its own transitions (e.g. a SIGN_OUT valid in every status)
    // leave from one pseudo-state named "any state". One arrow reads as "from anywhere" at a glance,
    // where an arrow from every top-level state would multiply the arrows into the target and bury the
    // rest of the chart.
    lines.push(`  state "${ANY_STATE_LABEL}" as ${rootSource}`)
  }
  lines.push(...edgeLines(edges, undefined, '  '))
  return `${lines.join('\n')}\n`
}

function blockLines(parent: AnyStateNode, ids: Map<AnyStateNode, string>, edges: Edge[], indent: string): string[] {
  const lines: string[] = []
  for (const target of parent.initial?.target ?? []) lines.push(`${indent}[*] --> ${idOf(ids, target)}`)
  const children = childrenOf(parent)
  children.forEach((child, index) => {
    // Mermaid separates the regions of a parallel state with `--`.
    if (parent.type === 'parallel' && index > 0) lines.push(`${indent}--`)
    const id = idOf(ids, child)
    const declaration = id === child.key ? id : `"${escapeText(child.key)}" as ${id}`
    if (childrenOf(child).length > 0) {
      lines.push(`${indent}state ${declaration} {`)
      lines.push(...blockLines(child, ids, edges, `${indent}  `))
      lines.push(`${indent}}`)
    } else {
      lines.push(id === child.key ? `${indent}${id}` : `${indent}state ${declaration}`)
    }
    if (child.type === 'final') lines.push(`${indent}${id} --> [*]`)
  })
  if (parent.parent !== undefined) lines.push(...edgeLines(edges, parent, indent))
  return lines
}

function edgeLines(edges: Edge[], block: AnyStateNode | undefined, indent: string): string[] {
  return edges
    .filter((edge) => edge.block === block)
    .map((edge) => `${indent}${edge.source} --> ${edge.target} : ${edge.labels.map(escapeText).join('<br>')}`)
}

function collectEdges(root: AnyStateNode, ids: Map<AnyStateNode, string>, rootSource: string | undefined): Edge[] {
  const byPair = new Map<string, Edge>()
  for (const node of [root, ...descendantsOf(root)]) {
    const source = node === root ? rootSource : idOf(ids, node)
    if (source === undefined) continue
    for (const transition of transitionsOf(node)) {
      const internal = transition.target === undefined || transition.target.length === 0
      const targets: readonly AnyStateNode[] = internal ? [node] : (transition.target ?? [])
      const label = internal ? `${transitionLabel(transition)} (internal)` : transitionLabel(transition)
      for (const targetNode of targets) {
        const target = targetNode === root ? source : idOf(ids, targetNode)
        const key = `${source}\u0000${target}`
        const edge = byPair.get(key) ?? { source, target, labels: [], block: blockFor(node, targetNode) }
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

/**
 * The innermost drawn compound state that contains both ends, so Mermaid keeps the arrow inside
 * that box; arrows crossing a box edge are written at the top level.
 */
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
 * Mermaid ids are global, so a state keeps its key as id only when that key is unique in the machine
 * and a valid id; otherwise it gets its path (`signingIn_credentials`) and is labelled with its key.
 */
function assignIds(root: AnyStateNode): Map<AnyStateNode, string> {
  const nodes = descendantsOf(root)
  const keyCounts = new Map<string, number>()
  for (const node of nodes) keyCounts.set(node.key, (keyCounts.get(node.key) ?? 0) + 1)
  const taken = new Set<string>()
  const ids = new Map<AnyStateNode, string>()
  for (const node of nodes) {
    const keyUsable = keyCounts.get(node.key) === 1 && sanitizeId(node.key) === node.key && !RESERVED_IDS.has(node.key)
    const id = uniqueId(keyUsable ? node.key : sanitizeId(node.path.join('_')), taken)
    taken.add(id)
    ids.set(node, id)
  }
  return ids
}

/** The id of the "any state" pseudo-state, or `undefined` when the root has no transitions of its own. */
function rootSourceId(root: AnyStateNode, ids: Map<AnyStateNode, string>): string | undefined {
  if (transitionsOf(root).length === 0) return undefined
  return uniqueId('anyState', new Set(ids.values()))
}

function uniqueId(wanted: string, taken: ReadonlySet<string>): string {
  let id = RESERVED_IDS.has(wanted) ? `${wanted}_` : wanted
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

/**
 * Mermaid entity codes for the characters its state grammar treats as syntax (`:` `;` `#` `"`), so
 * names like `user:updated` survive; `renderSvg` turns them into XML entities.
 */
function escapeText(text: string): string {
  return text.replace(/[#:;"]/g, (char) => `#${char.charCodeAt(0)};`)
}
