/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`): no browser and no system
 * package, and the same input gives byte-identical output, which the staleness check relies on.
 * @module
 */
import { instance } from '@viz-js/viz'
import type { Viz } from '@viz-js/viz'

let viz: Promise<Viz> | undefined

/**
 * The SVG drawing of a DOT graph. Throws with Graphviz's messages when the DOT is invalid.
 *
 * @example
 * const svg = await renderSvg('digraph { a -> b }')
 */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= instance()
  const result = (await viz).render(dot, { format: 'svg' })
  if (result.status === 'failure') {
    throw new Error(`Graphviz could not render the chart: ${result.errors.map((error) => error.message).join('; ')}`)
  }
  const warnings = result.errors.filter((error) => error.level === 'warning')
  // A warning means Graphviz dropped something (e.g. an arrow's clipping), so the picture would be wrong.
  if (warnings.length > 0) throw new Error(`Graphviz warned: ${warnings.map((error) => error.message).join('; ')}`)
  return result.output
}
