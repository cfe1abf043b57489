/**
 * Summaries of repeated measurements: every figure in the report is a median with its min and max.
 * @module
 */

export interface Summary {
  median: number
  min: number
  max: number
  n: number
}

/** Median, min and max of `values` (NaN for an empty list). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length }
}

/**
 * Ratios of block medians: `a` and `b` are taken in blocks of `block` samples that ran next to each other
 * (block i of `a` right before or after block i of `b`), so load that drifts over the run cancels.
 */
export function blockRatios(a: readonly number[], b: readonly number[], block: number): number[] {
  const out: number[] = []
  const n = Math.min(a.length, b.length)
  for (let i = 0; i + block <= n; i += block) out.push(summarize(a.slice(i, i + block)).median / summarize(b.slice(i, i + block)).median)
  return out
}
