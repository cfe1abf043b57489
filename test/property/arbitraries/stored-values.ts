/**
 * What storage can hold under the client's keys when it starts: anything a user's devtools, another
 * library version, a half-finished write or a hostile extension could leave there. Raw strings, any JSON,
 * sessions that are nearly right (one field broken), sessions that are right, and for the PKCE keys the
 * same for verifiers and flow-id lists; plus, for adapters that are not `localStorage`, values that are
 * not strings at all, and reads that throw, reject or never answer.
 */
import fc from 'fast-check'
import { anyJson, type BodyEdit, type JsonValue } from './answers.js'

export type StoredValue =
  | { kind: 'absent' }
  | { kind: 'raw'; text: string }
  | { kind: 'json'; value: JsonValue }
  /** A well-formed session (auth-js's layout), living for `ttl` seconds (negative: expired). */
  | { kind: 'session'; ttl: number; edits: BodyEdit[] }
  /** Not a string: what a custom adapter (AsyncStorage wrappers, cookie parsers) may hand back. */
  | { kind: 'non-string'; value: number | boolean | object | undefined }

/** How the adapter answers a read of one key. */
export type ReadBehaviour = 'sync' | 'async' | 'throws' | 'rejects' | 'hangs'

export interface StoredSlot {
  value: StoredValue
  read: ReadBehaviour
}

/** The fields of a stored session whose types the client relies on: where a near miss is most likely to hurt. */
export const SESSION_FIELDS: ReadonlyArray<ReadonlyArray<string | number>> = [
  ['access_token'], ['refresh_token'], ['expires_at'], ['expires_in'], ['token_type'], ['provider_token'],
  ['user'], ['user', 'id'], ['user', 'factors'], ['user', 'factors', 0], ['user', 'identities'], ['user', 'app_metadata'],
  ['user', 'user_metadata'], ['user', 'is_anonymous'], ['user', 'email'], ['user', 'aud'],
]

const editValue = fc.oneof(
  { arbitrary: fc.constant({ drop: true as const }), weight: 1 },
  { arbitrary: anyJson.map((set) => ({ set })), weight: 3 },
)

const edits: fc.Arbitrary<BodyEdit[]> = fc.array(
  fc.oneof(
    fc.record({ at: fc.nat(), value: editValue }),
    fc.record({ at: fc.constant(0), path: fc.constantFrom(...SESSION_FIELDS), value: editValue }),
  ),
  { maxLength: 2 },
)

const rawText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '{', '""', '"', '[object Object]', 'base64-eyJ4Ijox', '\u0000', '{"access_token":'),
  // Big enough to be a problem for a careless parser, small enough for a test run.
  fc.integer({ min: 10_000, max: 200_000 }).map((size) => '['.repeat(size)),
)

export const storedValue: fc.Arbitrary<StoredValue> = fc.oneof(
  { arbitrary: fc.constant<StoredValue>({ kind: 'absent' }), weight: 1 },
  { arbitrary: rawText.map<StoredValue>((text) => ({ kind: 'raw', text })), weight: 3 },
  { arbitrary: anyJson.map<StoredValue>((value) => ({ kind: 'json', value })), weight: 3 },
  {
    arbitrary: fc
      .record({ ttl: fc.oneof(fc.constantFrom(3600, 30, -60), fc.integer({ min: -100_000, max: 100_000 })), edits })
      .map<StoredValue>(({ ttl, edits }) => ({ kind: 'session', ttl, edits })),
    weight: 5,
  },
  { arbitrary: fc.constantFrom<StoredValue>({ kind: 'non-string', value: 42 }, { kind: 'non-string', value: { access_token: 'x' } }, { kind: 'non-string', value: true }, { kind: 'non-string', value: undefined }), weight: 1 },
)

/** A verifier as the PKCE keys hold it (a JSON string, `/recovery`-marked or not), or something else entirely. */
export const storedVerifier: fc.Arbitrary<StoredValue> = fc.oneof(
  { arbitrary: fc.constant<StoredValue>({ kind: 'absent' }), weight: 2 },
  {
    arbitrary: fc
      .record({ verifier: fc.stringMatching(/^[A-Za-z0-9._~-]{0,64}$/), marker: fc.constantFrom('', '/recovery', '/PASSWORD_RECOVERY', '/', '//x') })
      .map<StoredValue>(({ verifier, marker }) => ({ kind: 'json', value: `${verifier}${marker}` })),
    weight: 4,
  },
  { arbitrary: rawText.map<StoredValue>((text) => ({ kind: 'raw', text })), weight: 2 },
  { arbitrary: anyJson.map<StoredValue>((value) => ({ kind: 'json', value })), weight: 2 },
  { arbitrary: fc.constantFrom<StoredValue>({ kind: 'non-string', value: 7 }, { kind: 'non-string', value: ['a'] }), weight: 1 },
)

/** A flow id as auth-js makes them, or one that must never be used as part of a storage key. */
export const flowId: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.constantFrom('../../etc', 'a', '', 'x'.repeat(65), '__proto__', 'flow id', '12345678'),
  fc.string({ maxLength: 20 }),
)

/** The list of flows in flight as the index key holds it: ids (good or not), or not a list at all. */
export const storedFlowIndex = (ids: readonly string[]): fc.Arbitrary<StoredValue> =>
  fc.oneof(
    { arbitrary: fc.constant<StoredValue>({ kind: 'json', value: [...ids] }), weight: 4 },
    { arbitrary: fc.constant<StoredValue>({ kind: 'absent' }), weight: 1 },
    { arbitrary: anyJson.map<StoredValue>((value) => ({ kind: 'json', value })), weight: 1 },
    { arbitrary: rawText.map<StoredValue>((text) => ({ kind: 'raw', text })), weight: 1 },
  )

export const readBehaviour: fc.Arbitrary<ReadBehaviour> = fc.oneof(
  { arbitrary: fc.constantFrom<ReadBehaviour>('sync', 'async'), weight: 12 },
  { arbitrary: fc.constantFrom<ReadBehaviour>('throws', 'rejects', 'hangs'), weight: 1 },
)

export const storedSlot = (value: fc.Arbitrary<StoredValue>): fc.Arbitrary<StoredSlot> => fc.record({ value, read: readBehaviour })
