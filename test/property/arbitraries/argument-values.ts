/**
 * What an app without types (or with `as any`) can pass to a public method: any JavaScript value, and,
 * more often, a near miss: the right argument with one field missing, of the wrong type, or hostile
 * (`__proto__`, a BigInt, a Symbol, a Map, a function, a huge string). Near misses get past the first
 * check and reach the deeper ones, which is where a stray `TypeError` hides.
 */
import fc from 'fast-check'

/** Values JSON cannot hold or that trip naive code: the edges of JavaScript itself. */
const oddValues: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  undefined, null, '', ' ', 0, -0, NaN, Infinity, -1, 1.5, 2 ** 53, true, false, [], {}, [[]], [null],
  Symbol('odd'), 10n, new Date(Number.NaN), Object.create(null), new Map([['a', 1]]), new Set(['a']),
  new Uint8Array(2), () => 'fn', Promise.resolve('later'), new Error('not an argument'),
  '__proto__', 'constructor', 'toString', 'null', 'undefined', '[object Object]', 'a'.repeat(10_000), '\u0000', '\uD800',
  { toString: () => 'x' }, { valueOf: () => 1 }, { length: 1e9 }, { then: 'not a function' },
)

/** Any value, hostile ones included. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: oddValues, weight: 2 },
  {
    arbitrary: fc.anything({
      maxDepth: 2,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withUnicodeString: true,
    }),
    weight: 3,
  },
)

type Path = ReadonlyArray<string>

/** Marks a field to remove rather than replace. */
const DROP = Symbol('drop')

/** The paths of every property of a plain object, nested ones included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return []
  return Object.entries(value).flatMap(([key, inner]) => [[...prefix, key], ...pathsOf(inner, [...prefix, key])])
}

/** `value` with the property at `path` set to `replacement` (or removed: `DROP`); copies along the path. */
function withAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [key, ...rest] = path
  if (key === undefined) return replacement
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  const copy: Record<string, unknown> = { ...object }
  const inner = withAt(object[key], rest, replacement)
  // Defined, not assigned: a `__proto__` key is then an own field (as JSON.parse makes it), not a prototype.
  if (inner === DROP) delete copy[key]
  else Object.defineProperty(copy, key, { value: inner, enumerable: true, writable: true, configurable: true })
  return copy
}

/**
 * `valid` itself, or `valid` with one or two of its fields (or a new one: `extra`, `__proto__`) replaced by
 * a hostile value or dropped.
 *
 * @example
 * nearMiss({ email: 'a@example.com', password: 'secret-1', options: { captchaToken: 't' } })
 */
export function nearMiss(valid: unknown): fc.Arbitrary<unknown> {
  const paths: Path[] = [...pathsOf(valid), ['extra'], ['__proto__'], ['options', 'extra']]
  const edit = fc.record({ path: fc.constantFrom(...paths), value: fc.oneof({ arbitrary: hostile, weight: 4 }, { arbitrary: fc.constant<unknown>(DROP), weight: 1 }) })
  return fc.oneof(
    { arbitrary: fc.constant(valid), weight: 1 },
    { arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }).map((edits) => edits.reduce<unknown>((value, { path, value: next }) => withAt(value, path, next), valid)), weight: 5 },
  )
}

/** One parameter: a near miss of a good value most of the time, anything at all otherwise. */
export function parameter(valid: unknown): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: nearMiss(valid), weight: 3 }, { arbitrary: hostile, weight: 1 })
}

/** The `{ timeout, signal }` every method takes last: absent, right, or wrong in either field. */
export const callOptions: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>({ timeout: 5_000 }, { signal: new AbortController().signal }), weight: 2 },
  { arbitrary: fc.constant<unknown>('abort').map(() => ({ signal: AbortSignal.abort() })), weight: 1 },
  { arbitrary: nearMiss({ timeout: 5_000, signal: new AbortController().signal }), weight: 2 },
  { arbitrary: hostile, weight: 1 },
)
