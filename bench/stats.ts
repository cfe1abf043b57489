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

/** Ratios taken pair by pair (a[i] / b[i]), so drift over the run cancels instead of skewing the result. */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(a[i]! / b[i]!)
  return out
}
