/**
 * What a server (or what stands in front of it) can answer one request with: a status, a body and headers
 * drawn independently, so the odd pairings a gateway, a proxy or a half-upgraded server produce (an error
 * body on a 200, a session on a 500, HTML on a 401) come up as often as the ordinary ones; or no answer at
 * all (the connection cut before or inside the body, or never answered). Bodies are descriptions, rendered
 * per request by `support/answer-server.ts`: "the endpoint's good body", "that body with a field broken",
 * "an error that quotes the request's secrets back".
 */
import fc from 'fast-check'
import { SESSION_GONE_CODES, TERMINAL_REFRESH_CODES } from '../../support/session-ending-codes.js'

export type JsonValue = fc.JsonValue

/**
 * One change to a good body: the node at `path` when given (a field known to matter), else the `at`-th node
 * (in document order, modulo their number), replaced or dropped.
 */
export interface BodyEdit {
  at: number
  path?: ReadonlyArray<string | number>
  value: { drop: true } | { set: JsonValue }
}

export type ErrorShape =
  /** GoTrue before 2024-01-01: `{ code: <status>, error_code, msg }`. */
  | 'v1'
  /** GoTrue's 2024-01-01 shape: `{ code, message }` (with the version echoed, or not: see the headers). */
  | 'v2'
  /** OAuth-style grants: `{ error, error_description }`. */
  | 'oauth'
  /** Only a message, as older proxies and GoTrue's own 404 say it. */
  | 'message-only'
  /** A weak-password refusal: v1 with `weak_password.reasons`. */
  | 'weak-password'

export type BodySpec =
  | { kind: 'valid' }
  /** The good body with one big extra field: a response too large to be a mistake, but still right. */
  | { kind: 'valid-huge'; padding: number }
  | { kind: 'mutated'; edits: BodyEdit[] }
  | { kind: 'json'; value: JsonValue }
  /** The good body's text cut after `keep` of its characters (a fraction in [0, 1)). */
  | { kind: 'truncated'; keep: number }
  | { kind: 'text'; text: string }
  | { kind: 'huge-text'; size: number }
  | { kind: 'empty' }
  /** An error body; `echo` quotes every secret the request carried inside its message, as a reflecting server would. */
  | { kind: 'error'; shape: ErrorShape; code: string; message: string; echo: boolean }

export interface HeaderSpec {
  /** null: no Content-Type at all. */
  contentType: string | null
  retryAfter: string | null
  /** `X-Supabase-Api-Version` echoed on the answer, or not. */
  apiVersion: string | null
  /** Pagination headers of list answers (`Link`, `X-Total-Count`), well-formed or not. */
  link: string | null
  totalCount: string | null
}

export type Delivery = 'respond' | 'cut-before-headers' | 'cut-mid-body' | 'hang'

export interface Answer {
  delivery: Delivery
  status: number
  body: BodySpec
  headers: HeaderSpec
}

// The property's oracle and generators draw on the shared list of session-ending codes.
export { SESSION_GONE_CODES, TERMINAL_REFRESH_CODES }

const OTHER_KNOWN_CODES = [
  'invalid_credentials', 'over_request_rate_limit', 'weak_password', 'email_exists', 'mfa_verification_failed',
  'bad_code_verifier', 'mfa_factor_name_conflict', 'unexpected_failure', 'conflict', 'flow_state_not_found',
  'otp_expired', 'insufficient_aal', 'reauthentication_needed', 'passkey_disabled', 'feature_disabled',
  'request_timeout', 'hook_timeout', 'no_authorization', 'not_admin',
]

/** Property names that trip code which looks a value up in a plain object. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

export const errorCode: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...TERMINAL_REFRESH_CODES), weight: 4 },
  { arbitrary: fc.constantFrom(...OTHER_KNOWN_CODES), weight: 3 },
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, '', ' ', 'SESSION_NOT_FOUND'), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z_]{0,30}$/), weight: 2 },
)

const statuses: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(200, 201), weight: 6 },
  { arbitrary: fc.constantFrom(204, 202, 299), weight: 1 },
  { arbitrary: fc.constantFrom(400, 401, 403, 404, 409, 410, 422, 429, 499), weight: 5 },
  { arbitrary: fc.constantFrom(500, 502, 503, 504, 520, 530), weight: 3 },
  // 5xx outside the gateway ranges: a captive portal's 511, an origin's 505, the edges of the class.
  { arbitrary: fc.constantFrom(505, 507, 511, 599), weight: 1 },
  { arbitrary: fc.constantFrom(300, 304, 399), weight: 1 },
)

/** Any JSON, shallow enough to stay fast, with the edge numbers and strings JSON allows. */
export const anyJson: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom<JsonValue>(null, true, false, 0, -1, 1e308, -1e308, 1.5, '', ' ', 'null', '[]', {}, []), weight: 2 },
  { arbitrary: fc.constantFrom<JsonValue>(...PROTOTYPE_KEYS.map((key) => ({ [key]: 'x' }))), weight: 1 },
)

/**
 * Fields of GoTrue's bodies whose types the client relies on (an edit names one; a body without it gets the
 * edit at a random node instead): tokens and their lifetime, the user's lists, WebAuthn options, list keys.
 */
const NAMED_FIELDS: ReadonlyArray<ReadonlyArray<string | number>> = [
  ['access_token'], ['refresh_token'], ['expires_in'], ['expires_at'], ['token_type'], ['weak_password'], ['user'],
  ['user', 'id'], ['user', 'factors'], ['user', 'factors', 0], ['user', 'identities'], ['user', 'app_metadata'],
  ['id'], ['factors'], ['factors', 0], ['identities'], ['type'], ['totp'], ['url'], ['message_id'],
  ['webauthn'], ['webauthn', 'credential_options', 'publicKey'], ['webauthn', 'credential_options', 'publicKey', 'user'],
  ['webauthn', 'credential_options', 'publicKey', 'allowCredentials'], ['webauthn', 'credential_options', 'publicKey', 'excludeCredentials'],
  ['challenge_id'], ['options'], ['options', 'user'], ['options', 'challenge'], ['options', 'allowCredentials'],
  ['options', 'allowCredentials', 0], ['options', 'excludeCredentials'], ['keys'], ['keys', 0], ['users'], ['users', 0],
  ['clients'], ['items'], ['client'], ['scopes'], ['redirect_url'],
]

const editValue = fc.oneof(
  { arbitrary: fc.constant({ drop: true as const }), weight: 1 },
  { arbitrary: anyJson.map((set) => ({ set })), weight: 3 },
)

const bodyEdit: fc.Arbitrary<BodyEdit> = fc.oneof(
  fc.record({ at: fc.nat(), value: editValue }),
  fc.record({ at: fc.nat(), path: fc.constantFrom(...NAMED_FIELDS), value: editValue }),
)

const nonJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '<html><body><h1>502 Bad Gateway</h1></body></html>',
    '<!DOCTYPE html><title>Just a moment...</title>',
    'upstream connect error or disconnect/reset before headers',
    'Internal Server Error',
    'null',
    '{',
    '}{',
    '\uFEFF{}',
    'NaN',
    "{'single': 'quotes'}",
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
)

const message: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Invalid login credentials', 'Session not found', 'Too many requests', ''),
  fc.string({ maxLength: 80 }),
)

export const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  { arbitrary: fc.constant<BodySpec>({ kind: 'valid' }), weight: 6 },
  { arbitrary: fc.integer({ min: 64 * 1024, max: 1024 * 1024 }).map<BodySpec>((padding) => ({ kind: 'valid-huge', padding })), weight: 1 },
  { arbitrary: fc.array(bodyEdit, { minLength: 1, maxLength: 3 }).map<BodySpec>((edits) => ({ kind: 'mutated', edits })), weight: 6 },
  { arbitrary: anyJson.map<BodySpec>((value) => ({ kind: 'json', value })), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map<BodySpec>((keep) => ({ kind: 'truncated', keep })), weight: 2 },
  { arbitrary: nonJsonText.map<BodySpec>((text) => ({ kind: 'text', text })), weight: 2 },
  { arbitrary: fc.integer({ min: 64 * 1024, max: 1024 * 1024 }).map<BodySpec>((size) => ({ kind: 'huge-text', size })), weight: 1 },
  { arbitrary: fc.constant<BodySpec>({ kind: 'empty' }), weight: 1 },
  {
    arbitrary: fc
      .record({
        shape: fc.constantFrom<ErrorShape>('v1', 'v2', 'oauth', 'message-only', 'weak-password'),
        code: errorCode,
        message,
        echo: fc.boolean(),
      })
      .map<BodySpec>((error) => ({ kind: 'error', ...error })),
    weight: 8,
  },
)

/** `Retry-After` in every form seen in the wild: seconds, HTTP dates (past, future, malformed), and junk. */
export const retryAfter: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.constantFrom('0', '-5', '1.5', ' 30 ', '99999999999999999999', '', 'soon', '1e3', '0x10'),
  fc.integer({ min: -3600, max: 7200 }).map((offset) => new Date(Date.now() + offset * 1000).toUTCString()),
  fc.constantFrom('Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Mon, 32 Foo 2026 25:61:61 GMT'),
)

/** `Link` headers as GoTrue paginates, and as a proxy or a hand-written server might mangle them. */
export const linkHeader: fc.Arbitrary<string> = fc.oneof(
  fc.record({ next: fc.nat({ max: 1000 }), last: fc.nat({ max: 1000 }) }).map(
    ({ next, last }) => `</admin/users?page=${next}&per_page=50>; rel="next", </admin/users?page=${last}&per_page=50>; rel="last"`,
  ),
  fc.constantFrom('<http://[::1>; rel="next"', '<http://a b/?page=2>; rel="next"', '<>; rel="last"', '<?page=x>; rel=next', 'rel="next"', ',,,', '<//>; rel="last"'),
  fc.string({ maxLength: 60 }),
)

export const headerSpec: fc.Arbitrary<HeaderSpec> = fc.record({
  contentType: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 4 },
    { arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/html', 'text/plain', 'application/octet-stream', 'application/problem+json'), weight: 2 },
    { arbitrary: fc.constant(null), weight: 2 },
  ),
  retryAfter: fc.option(retryAfter, { freq: 3 }),
  apiVersion: fc.option(fc.constantFrom('2024-01-01', '2023-12-31', '2030-01-01', 'garbage'), { freq: 2 }),
  link: fc.option(linkHeader, { freq: 3 }),
  totalCount: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom('', '-1', 'many', '1e9', '9007199254740993')), { freq: 3 }),
})

export const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { arbitrary: fc.constant<Delivery>('respond'), weight: 40 },
  { arbitrary: fc.constantFrom<Delivery>('cut-before-headers', 'cut-mid-body'), weight: 3 },
  { arbitrary: fc.constant<Delivery>('hang'), weight: 1 },
)

/** Any answer, for any endpoint. */
export const answer: fc.Arbitrary<Answer> = fc.record({ delivery, status: statuses, body: bodySpec, headers: headerSpec })

/** The answer every endpoint should be able to use: its good body on a 200. */
export const GOOD_ANSWER: Answer = {
  delivery: 'respond',
  status: 200,
  body: { kind: 'valid' },
  headers: { contentType: 'application/json', retryAfter: null, apiVersion: null, link: null, totalCount: null },
}

/** True when the answer is one the client must accept: the good body (or it padded) on a 2xx that carries a body. */
export function isGood(a: Answer): boolean {
  return a.delivery === 'respond' && (a.status === 200 || a.status === 201) && (a.body.kind === 'valid' || a.body.kind === 'valid-huge')
}
