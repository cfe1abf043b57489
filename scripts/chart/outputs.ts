/**
 * What `npm run visualize` writes, computed in memory so the staleness test and `--check` compare
 * against exactly the bytes the script would produce.
 * @module
 */
import type { AnyStateMachine } from 'xstate'
import { renderSvg } from './render-svg.js'
import { toDot } from './to-dot.js'
import { toMermaid } from './to-mermaid.js'

/** The folder, relative to the project root, that holds the drawn charts. */
export const VISUALIZATIONS_DIR = 'visualizations'

export interface ChartFile {
  /** Relative to the project root, `/`-separated. */
  path: string
  content: string
}

export interface DrawnChart {
  name: string
  mermaid: string
  files: ChartFile[]
}

/**
 * Draws each machine as `visualizations/<name>.mmd` (Mermaid) and `visualizations/<name>.svg`
 * (rendered from DOT by Graphviz), in the order of `machines`.
 *
 * @example
 * const charts = await drawCharts({ lifecycle: lifecycleMachine })
 * charts[0]?.files.map((file) => file.path) // ['visualizations/lifecycle.mmd', 'visualizations/lifecycle.svg']
 */
export async function drawCharts(machines: Readonly<Record<string, AnyStateMachine>>): Promise<DrawnChart[]> {
  const charts: DrawnChart[] = []
  for (const [name, machine] of Object.entries(machines)) {
    const mermaid = toMermaid(machine)
    const svg = await renderSvg(toDot(machine))
    charts.push({
      name,
      mermaid,
      files: [
        { path: `${VISUALIZATIONS_DIR}/${name}.mmd`, content: mermaid },
        { path: `${VISUALIZATIONS_DIR}/${name}.svg`, content: svg },
      ],
    })
  }
  return charts
}

/**
 * `readme` with a ```mermaid fence of each chart between its `<!-- chart:<name>:start -->` and
 * `<!-- chart:<name>:end -->` markers. Text outside the markers, and charts without markers, are
 * left alone.
 *
 * @example
 * withReadmeCharts('<!-- chart:a:start -->\n<!-- chart:a:end -->', [{ name: 'a', mermaid: 'stateDiagram-v2\n' }])
 * // '<!-- chart:a:start -->\n```mermaid\nstateDiagram-v2\n```\n<!-- chart:a:end -->'
 */
export function withReadmeCharts(readme: string, charts: readonly Pick<DrawnChart, 'name' | 'mermaid'>[]): string {
  let result = readme
  for (const chart of charts) {
    const start = `<!-- chart:${chart.name}:start -->`
    const end = `<!-- chart:${chart.name}:end -->`
    const from = result.indexOf(start)
    const to = from === -1 ? -1 : result.indexOf(end, from + start.length)
    if (to === -1) continue
    const fence = `\n\`\`\`mermaid\n${chart.mermaid.endsWith('\n') ? chart.mermaid : `${chart.mermaid}\n`}\`\`\`\n`
    result = result.slice(0, from + start.length) + fence + result.slice(to)
  }
  return result
}

/** Whether `path` is a drawing `drawCharts` makes (an `.mmd` or `.svg` in the visualizations folder). */
export function isChartPath(path: string): boolean {
  return path.startsWith(`${VISUALIZATIONS_DIR}/`) && /\.(mmd|svg)$/.test(path)
}
