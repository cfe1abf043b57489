/**
 * Finding a status's shape in the drawn chart. Graphviz writes each node and cluster as a `<g>` whose
 * first `<title>` is its DOT name: a state's id for a node, `cluster_<id>` for a compound state's box.
 * @module
 */
import type { StateValue } from 'xstate'
import type { AuthStatus } from '../../machines/lifecycle-types.js'

/**
 * Every shape of `svg` that stands for `status`: its node, or its box when the state is compound (a
 * compound status, such as `signingIn`, is the box around the steps it goes through).
 *
 * @example
 * shapesOf(panel.querySelector('svg')!, 'authenticated') // [<g class="node"><title>authenticated</title>…]
 */
export function shapesOf(svg: SVGSVGElement, status: AuthStatus): Element[] {
  return shapesNamed(svg, new Set([status, `cluster_${status}`]))
}

/**
 * The nodes of the innermost states of `value` (a snapshot's state value): the step a status is at, such
 * as `credentials` within `signingIn`.
 *
 * @example
 * stepShapesOf(svg, { signingIn: 'credentials' }) // [<g class="node"><title>credentials</title>…]
 */
export function stepShapesOf(svg: SVGSVGElement, value: StateValue): Element[] {
  return shapesNamed(svg, new Set(leavesOf(value)))
}

function leavesOf(value: StateValue): string[] {
  if (typeof value === 'string') return [value]
  return Object.entries(value).flatMap(([key, child]) => (child === undefined || Object.keys(child).length === 0 ? [key] : leavesOf(child)))
}

function shapesNamed(svg: SVGSVGElement, names: ReadonlySet<string>): Element[] {
  return Array.from(svg.querySelectorAll('g.node, g.cluster')).filter((shape) => names.has(shape.querySelector(':scope > title')?.textContent ?? ''))
}
