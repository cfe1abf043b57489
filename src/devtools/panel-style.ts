/**
 * The panel's stylesheet. It lives in the panel's shadow root, so the app's CSS (resets, fonts, `svg`
 * rules) cannot reach the chart and the panel's cannot reach the app.
 * @module
 */
export const PANEL_CSS = `
:host { all: initial; display: block; }
.panel { font: 12px/1.4 system-ui, sans-serif; color: #27272a; background: #fafafa; border: 1px solid #d4d4d8; border-radius: 6px; padding: 8px; }
header { display: flex; gap: 8px; align-items: baseline; margin-bottom: 6px; }
header strong { font-weight: 600; }
output { font-family: ui-monospace, monospace; background: #fde68a; border-radius: 4px; padding: 0 6px; }
.chart { overflow: auto; max-height: 60vh; background: white; border-radius: 4px; }
.chart svg { width: 100%; height: auto; min-width: 720px; display: block; }
.chart g[data-current] > path, .chart g[data-current] > polygon, .chart g[data-current] > ellipse { fill: #fde68a; stroke: #b45309; stroke-width: 2.5px; }
.chart g.cluster[data-current] > path { fill: #fffbeb; }
.chart g[data-step]:not([data-current]) > path, .chart g[data-step]:not([data-current]) > polygon { fill: #fef3c7; stroke: #d97706; stroke-dasharray: 3 2; }
ol { list-style: none; margin: 6px 0 0; padding: 0; font-family: ui-monospace, monospace; }
li { display: flex; gap: 8px; padding: 1px 0; border-top: 1px solid #f4f4f5; }
time { color: #71717a; }
`
