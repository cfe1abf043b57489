/**
 * Editing redirect URLs the way GoTrue's Go code does: the query is re-encoded sorted (`url.Values.Encode`)
 * and the rest of the URL is left exactly as given (no normalisation such as a trailing `/`).
 * @module
 */
import { encodeValues } from './go-url.js'

function split(target: string): { base: string; query: string; fragment: string } {
  const hashAt = target.indexOf('#')
  const beforeHash = hashAt < 0 ? target : target.slice(0, hashAt)
  const fragment = hashAt < 0 ? '' : target.slice(hashAt)
  const queryAt = beforeHash.indexOf('?')
  return queryAt < 0
    ? { base: beforeHash, query: '', fragment }
    : { base: beforeHash.slice(0, queryAt), query: beforeHash.slice(queryAt + 1), fragment }
}

/** The target's query merged with `values` (which win), as one record. */
export function mergedQuery(target: string, values: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {}
  for (const [k, v] of new URLSearchParams(split(target).query)) if (!(k in merged)) merged[k] = v
  return { ...merged, ...values }
}

/** `target` with `values` set in its query (Go `q.Set` then `RawQuery = q.Encode()`); the fragment is kept. */
export function setQuery(target: string, values: Record<string, string>): string {
  const { base, fragment } = split(target)
  return `${base}?${encodeValues(mergedQuery(target, values))}${fragment}`
}

/** `target` with `query` as its whole query string and `fragment` replacing any fragment. */
export function withQueryAndFragment(target: string, query: Record<string, string>, fragment: Record<string, string>): string {
  return `${split(target).base}?${encodeValues(query)}#${encodeValues(fragment)}`
}
