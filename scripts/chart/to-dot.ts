/**
 * Writes a machine's statechart as Graphviz DOT, the source of the committed SVG (Graphviz lays out
 * nested boxes and arrows crossing them correctly, which the pure-JS Mermaid renderers did not).
 * @module
 */
import type { AnyStateMachine } from 'xstate'
import { allStates, buildChart } from './chart-model.js'
import type { ChartOptions, ChartState } from './chart-model.js'

const FONT = 'Helvetica'
const INK = '#27272a'
const LINE = '#71717a'

/**
 * The DOT source of `machine`'s statechart. Compound states are clusters; the `[*]` dot inside one is
 * its initial state and arrows into the state end at its border. A compound state's own transitions
 * leave from a dashed "any" node inside its box, as the root's leave from the "any state" node.
 * Left to right unless `options.direction` says otherwise.
 *
 * @example
 * const svg = await renderSvg(toDot(lifecycleMachine))
 */
export function toDot(machine: AnyStateMachine, options: ChartOptions = {}): string {
  const chart = buildChart(machine)
  const states = new Map(allStates(chart.states).map((state) => [state.id, state]))
  const sources = new Set(chart.edges.map((edge) => edge.source))
  const lines = [
    `digraph ${quote(chart.id)} {`,
    `  graph [rankdir=${options.direction ?? 'LR'}, compound=true, newrank=true, nodesep=0.3, ranksep=0.45, pad=0.25, fontname=${quote(FONT)}, fontsize=12, fontcolor=${quote(INK)}]`,
    `  node [shape=box, style="rounded,filled", fillcolor="#f4f4f5", color=${quote(LINE)}, fontname=${quote(FONT)}, fontsize=12, fontcolor=${quote(INK)}, height=0.36]`,
    `  edge [color=${quote(LINE)}, arrowsize=0.7, fontname=${quote(FONT)}, fontsize=10, fontcolor="#3f3f46"]`,
    ...scopeLines(chart.initial, chart.states, undefined, sources, '  '),
  ]
  if (chart.anyState !== undefined) {
    lines.push(`  ${quote(chart.anyState.id)} [label=${quote(chart.anyState.label)}, style="rounded,dashed"]`)
  }
  for (const edge of chart.edges) {
    const from = states.get(edge.source)
    const to = states.get(edge.target)
    const attributes = [`label=${quote(edge.labels.join('\n'))}`]
    // A box's own internal transition (taken without leaving it) loops on its "any" node.
    const loopOnBox = from !== undefined && from === to && to.children.length > 0
    const enteringBox = !loopOnBox && to !== undefined && to.children.length > 0 && !(from !== undefined && isWithin(from, to))
    if (enteringBox) attributes.push(`lhead=${quote(clusterId(to.id))}`)
    const head = loopOnBox ? anyId(to) : nodeOf(to, edge.target, 'head')
    lines.push(`  ${quote(nodeOf(from, edge.source, 'tail'))} -> ${quote(head)} [${attributes.join(', ')}]`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

function scopeLines(
  initial: readonly string[],
  children: readonly ChartState[],
  owner: ChartState | undefined,
  sources: ReadonlySet<string>,
  indent: string,
): string[] {
  const lines: string[] = []
  const start = startId(owner)
  if (initial.length > 0) {
    lines.push(`${indent}${quote(start)} [shape=point, width=0.14, label="", color=${quote(INK)}, fillcolor=${quote(INK)}]`)
    for (const id of initial) {
      // A compound initial state is a box: the arrow ends at its border, like any other arrow into it.
      const target = children.find((child) => child.id === id)
      const intoBox = target !== undefined && target.children.length > 0 ? ` [lhead=${quote(clusterId(id))}]` : ''
      lines.push(`${indent}${quote(start)} -> ${quote(nodeOf(target, id, 'head'))}${intoBox}`)
    }
  }
  if (owner !== undefined && sources.has(owner.id)) {
    lines.push(`${indent}${quote(anyId(owner))} [label="any", style="rounded,dashed"]`)
  }
  for (const child of children) {
    if (child.children.length > 0) {
      lines.push(`${indent}subgraph ${quote(clusterId(child.id))} {`)
      lines.push(`${indent}  graph [label=${quote(child.label)}, labeljust=l, style=${child.kind === 'parallel' ? '"rounded,dashed"' : 'rounded'}, color=${quote(LINE)}]`)
      lines.push(...scopeLines(child.initial, child.children, child, sources, `${indent}  `))
      lines.push(`${indent}}`)
    } else {
      const label = child.label === child.id ? '' : ` [label=${quote(child.label)}]`
      lines.push(`${indent}${quote(child.id)}${label}`)
    }
    if (child.kind === 'final') {
      const end = `(end) ${child.id}`
      lines.push(`${indent}${quote(end)} [shape=doublecircle, width=0.16, height=0.16, fixedsize=true, label="", color=${quote(INK)}, fillcolor=${quote(INK)}]`)
      lines.push(`${indent}${quote(child.id)} -> ${quote(end)}`)
    }
  }
  return lines
}

/** The node an arrow attaches to: boxes are clusters, so their arrows use a node drawn inside them. */
function nodeOf(state: ChartState | undefined, id: string, end: 'head' | 'tail'): string {
  if (state === undefined || state.children.length === 0) return id
  if (end === 'tail') return anyId(state)
  return state.kind === 'parallel' ? nodeOf(state.children[0], state.children[0]?.id ?? id, 'head') : startId(state)
}

function isWithin(inner: ChartState, outer: ChartState): boolean {
  return outer.children.some((child) => child === inner || isWithin(inner, child))
}

// Pseudo-node ids contain a space and parentheses, which state ids never do, so they cannot collide.
function startId(owner: ChartState | undefined): string {
  return owner === undefined ? '(start)' : `(start) ${owner.id}`
}

function anyId(owner: ChartState): string {
  return `(any) ${owner.id}`
}

function clusterId(id: string): string {
  return `cluster_${id}`
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}
