/**
 * JSON for inspection messages that cannot throw: a raw (unredacted) observer's events hold actor
 * references, cycles and functions, and an inspector must drop what it cannot send, not fail the app.
 * @module
 */

/**
 * `value` as JSON with functions left out, bigints as text and cycles cut to `'[circular]'` (an object
 * reachable twice without a cycle is written twice); `undefined` when nothing can be written.
 *
 * @example
 * const looped: Record<string, unknown> = { a: 1 }
 * looped['self'] = looped
 * safeJson(looped) // '{"a":1,"self":"[circular]"}'
 */
export function safeJson(value: unknown): string | undefined {
  const ancestors: unknown[] = []
  try {
    return JSON.stringify(value, function replace(this: unknown, _key: string, field: unknown) {
      if (typeof field === 'function') return undefined
      if (typeof field === 'bigint') return field.toString()
      if (typeof field !== 'object' || field === null) return field
      // `this` is the object holding `field`: unwind to it, so only real ancestors count as a cycle.
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop()
      if (ancestors.includes(field)) return '[circular]'
      ancestors.push(field)
      return field
    })
  } catch {
    return undefined
  }
}
