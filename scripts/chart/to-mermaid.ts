/**
 * Writes a machine's statechart as Mermaid `stateDiagram-v2`, the form GitHub renders inline in the
 * README and in `visualizations/*.mmd`.
 * @module
 */
import type { AnyStateMachine } from 'xstate'
import { buildChart } from './chart-model.js'
import type { Chart, ChartEdge, ChartOptions, ChartState } from './chart-model.js'

/**
 * The Mermaid source of `machine`'s statechart: `[*] -->` initial states, `state X { … }` compound
 * states, `X --> [*]` final states and one arrow per source/target pair, labelled `EVENT [guard]` (one
 * line per transition). The root's own transitions leave from an "any state" pseudo-state. Laid out
 * left to right unless `options.direction` says otherwise: top to bottom, the signed-in statuses spread
 * into one very wide row.
 *
 * @example
 * const mmd = toMermaid(lifecycleMachine)
 * // 'stateDiagram-v2\n  %% Generated …\n  [*] --> initializing\n  initializing\n…'
 */
export function toMermaid(machine: AnyStateMachine, options: ChartOptions = {}): string {
  const chart = buildChart(machine)
  const lines = [
    'stateDiagram-v2',
    `  %% Generated from the "${chart.id}" machine by \`npm run visualize\`; do not edit.`,
    `  direction ${options.direction ?? 'LR'}`,
  ]
  lines.push(...blockLines(chart, chart.initial, chart.states, chart.kind, undefined, '  '))
  if (chart.anyState !== undefined) {
    // The root is not drawn as a box, so its own transitions (e.g. a SIGN_OUT valid in every status)
    // leave from one pseudo-state. One arrow reads as "from anywhere" at a glance, where an arrow from
    // every top-level state would multiply the arrows into the target and bury the rest of the chart.
    lines.push(`  state "${escapeText(chart.anyState.label)}" as ${chart.anyState.id}`)
  }
  lines.push(...edgeLines(chart.edges, undefined, '  '))
  return `${lines.join('\n')}\n`
}

function blockLines(
  chart: Chart,
  initial: readonly string[],
  children: readonly ChartState[],
  kind: ChartState['kind'],
  block: string | undefined,
  indent: string,
): string[] {
  const lines = initial.map((id) => `${indent}[*] --> ${id}`)
  children.forEach((child, index) => {
    // Mermaid separates the regions of a parallel state with `--`.
    if (kind === 'parallel' && index > 0) lines.push(`${indent}--`)
    const declaration = child.id === child.label ? child.id : `"${escapeText(child.label)}" as ${child.id}`
    if (child.children.length > 0) {
      lines.push(`${indent}state ${declaration} {`)
      lines.push(...blockLines(chart, child.initial, child.children, child.kind, child.id, `${indent}  `))
      lines.push(`${indent}}`)
    } else {
      lines.push(child.id === child.label ? `${indent}${child.id}` : `${indent}state ${declaration}`)
    }
    if (child.kind === 'final') lines.push(`${indent}${child.id} --> [*]`)
  })
  // Edges inside a box are written in its block; Mermaid would otherwise hoist undeclared ends out of it.
  if (block !== undefined) lines.push(...edgeLines(chart.edges, block, indent))
  return lines
}

function edgeLines(edges: readonly ChartEdge[], block: string | undefined, indent: string): string[] {
  return edges
    .filter((edge) => edge.block === block)
    .map((edge) => `${indent}${edge.source} --> ${edge.target} : ${edge.labels.map(escapeText).join('<br>')}`)
}

/**
 * Swaps the characters Mermaid's state grammar treats as syntax for harmless stand-ins. `:` matters
 * most: Mermaid before 11.16 ends a label at the first colon, and its `#58;` entity is not decoded in
 * state diagrams, so an event named `user:updated` is written with a ratio sign (`user∶updated`).
 */
function escapeText(text: string): string {
  return text.replace(/:/g, '\u2236').replace(/;/g, ',').replace(/"/g, "'")
}
