/**
 * Stored values (issue 13 §2): whatever storage holds under the session key and the PKCE verifier keys
 * when a client starts, `ready` settles within its bound to a status; a bad value is removed or ignored
 * (never used for a request, never a storage key built from it); nothing is thrown at the app and nothing
 * is rejected unhandled. The server answers every request well, so only storage can be at fault.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthClient, type AuthClient } from '../../src/index.js'
import type { SupportedStorage } from '../../src/storage/index.js'
import type { JsonValue } from './arbitraries/answers.js'
import { flowId, storedFlowIndex, storedSlot, storedValue, storedVerifier, type StoredSlot, type StoredValue } from './arbitraries/stored-values.js'
import { startAnswerServer, type AnswerServer } from './support/answer-server.js'
import { REQUEST_TIMEOUT_MS } from './support/client-rig.js'
import { atRest, chartHealth, settle, SIGNED_IN, watchUnhandledRejections } from './support/invariants.js'
import { applyEdits } from './support/json-edits.js'
import { propertyRuns, propertyTimeout } from './support/runs.js'
import { seededSession, secret, userBody } from './support/wire.js'

/** Each storage call is bounded by this; a read that never answers costs one bound, then storage is memory. */
const STORAGE_TIMEOUT_MS = 100
/** `ready` within: one storage bound, a code exchange (or a refresh) at the request timeout, and slack. */
const READY_BOUND_MS = STORAGE_TIMEOUT_MS + 2 * REQUEST_TIMEOUT_MS + 500
/** What auth-js and `@supabase/ssr` accept as a flow id; anything else must never become part of a key. */
const FLOW_ID = /^[A-Za-z0-9_-]{8,64}$/

const ABSENT = Symbol('absent')

/** A stored session in auth-js's layout, with the user's lists (factors, identities) for edits to break. */
function sessionJson(ttl: number): JsonValue {
  const { user: _user, ...session } = seededSession(ttl)
  return { ...session, user: userBody() } as JsonValue
}

/** What the adapter hands back for `value`. */
function rendered(value: StoredValue): unknown {
  switch (value.kind) {
    case 'absent':
      return ABSENT
    case 'raw':
      return value.text
    case 'json':
      return JSON.stringify(value.value)
    case 'session': {
      const edited = applyEdits(sessionJson(value.ttl), value.edits)
      return edited === undefined ? ABSENT : JSON.stringify(edited)
    }
    case 'non-string':
      return value.value
  }
}

interface StubStorage extends SupportedStorage {
  /** Every key the client read, wrote or removed. */
  readonly touched: Set<string>
  has(key: string): boolean
  get(key: string): unknown
}

/** An adapter holding `slots` (by key), answering each read as its slot says; writes and removals succeed. */
function stubStorage(slots: Record<string, StoredSlot>): StubStorage {
  const entries = new Map<string, unknown>()
  for (const [key, slot] of Object.entries(slots)) {
    const value = rendered(slot.value)
    if (value !== ABSENT) entries.set(key, value)
  }
  const touched = new Set<string>()
  // A custom adapter may hand back anything; the declared type is what it promises, not what it does.
  const read = (key: string) => (entries.has(key) ? entries.get(key) : null) as string | null
  return {
    touched,
    has: (key) => entries.has(key),
    get: (key) => entries.get(key),
    getItem(key) {
      touched.add(key)
      switch (slots[key]?.read ?? 'sync') {
        case 'sync':
          return read(key)
        case 'async':
          return Promise.resolve().then(() => read(key))
        case 'throws':
          throw new Error('SecurityError: storage is disabled')
        case 'rejects':
          return Promise.reject(new Error('storage is unavailable'))
        case 'hangs':
          return new Promise<string | null>(() => {})
      }
    },
    setItem(key, value) {
      touched.add(key)
      entries.set(key, value)
    },
    removeItem(key) {
      touched.add(key)
      entries.delete(key)
    },
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value)
}

/**
 * The documented rule for a usable stored session (`src/storage/session-shape.ts`), restated: JSON of an
 * object with string tokens, a finite `expires_at`, a user object with a string id, and, when present, a
 * string `token_type` and a finite `expires_in`.
 */
function isUsableSession(raw: unknown): boolean {
  if (typeof raw !== 'string') return false
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return false
  }
  if (!isRecord(value) || typeof value['access_token'] !== 'string' || typeof value['refresh_token'] !== 'string') return false
  if (!isFiniteNumber(value['expires_at']) || !isRecord(value['user']) || typeof value['user']['id'] !== 'string') return false
  const { token_type, expires_in } = value
  if (token_type !== undefined && token_type !== null && typeof token_type !== 'string') return false
  return expires_in === undefined || expires_in === null || isFiniteNumber(expires_in)
}

/** The verifier a stored PKCE value holds, if it is one: a JSON string whose part before `/` is not empty. */
function verifierOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value !== 'string') return undefined
    const verifier = value.split('/')[0]
    return verifier ? verifier : undefined
  } catch {
    return undefined
  }
}

let server: AnswerServer
const unhandled = watchUnhandledRejections()
let runs = 0

beforeAll(async () => {
  server = await startAnswerServer()
  server.reset(null, null)
})
afterAll(async () => {
  unhandled.stop()
  await server?.close()
})

interface Start {
  auth: AuthClient
  key: string
  storage: StubStorage
}

/** Starts a client on `storage` (built from slots keyed by suffix of the storage key) and waits for `ready`. */
async function start(slots: Record<string, StoredSlot>, pageUrl?: string): Promise<Start & { ready: Awaited<ReturnType<typeof settle>> }> {
  runs += 1
  const key = `sb-stored-${process.pid}-${runs}-auth-token`
  const storage = stubStorage(Object.fromEntries(Object.entries(slots).map(([suffix, slot]) => [key + suffix, slot])))
  server.reset(null, null)
  let auth: AuthClient | undefined
  const ready = await settle(() => {
    auth = createAuthClient({
      url: server.url,
      apiKey: secret('apikey'),
      storage,
      storageKey: key,
      storageTimeoutMs: STORAGE_TIMEOUT_MS,
      timeout: REQUEST_TIMEOUT_MS,
      ...(pageUrl === undefined ? {} : { pageUrl }),
    })
    return auth.ready
  }, READY_BOUND_MS)
  if (auth === undefined) throw new Error(`createAuthClient threw: ${ready.kind === 'thrown' ? String(ready.error) : ready.kind}`)
  return { auth, key, storage, ready }
}

/** What every start must satisfy, whatever storage held. */
async function checkStart({ auth, ready }: Start & { ready: Awaited<ReturnType<typeof settle>> }, what: string): Promise<void> {
  expect(ready.kind, `${what}: ready`).toBe('resolved')
  expect(await atRest(auth, READY_BOUND_MS), `${what}: the chart never came to rest`).toBe(true)
  expect(chartHealth(auth), what).toBeNull()
  expect(['signedOut', ...SIGNED_IN], what).toContain(auth.snapshot.status)
  await new Promise((resolve) => setImmediate(resolve))
  expect(unhandled.seen.map(String), what).toEqual([])
}

/** Every storage key the client touched is its own: the session key, or a PKCE key built from a well-formed flow id. */
function strayKeys(storage: StubStorage, key: string): string[] {
  const fixed = new Set([key, `${key}-code-verifier`, `${key}-flows-code-verifier`, `${key}-user`])
  return [...storage.touched].filter((touched) => {
    if (fixed.has(touched)) return false
    const id = /^(.*)-flow-(.*)-code-verifier$/.exec(touched)
    return !(id?.[1] === key && FLOW_ID.test(id[2] ?? ''))
  })
}

describe('stored values', () => {
  it('any value at the session key: ready settles to a status; a bad value is removed, a good one used', async () => {
    await fc.assert(
      fc.asyncProperty(storedSlot(storedValue), async (slot) => {
        const started = await start({ '': slot })
        const { auth, key, storage } = started
        const raw = rendered(slot.value)
        const what = `${JSON.stringify(slot).slice(0, 300)} → ${auth.snapshot.status}`
        try {
          await checkStart(started, what)
          const state = auth.snapshot
          if (slot.read === 'sync' || slot.read === 'async') {
            if (raw === ABSENT || raw === undefined || raw === null) {
              expect(state.status, what).toBe('signedOut')
            } else if (isUsableSession(raw)) {
              // Used: as it is while fresh; refreshed (the server answers well) when due.
              expect(SIGNED_IN, what).toContain(state.status)
            } else {
              expect(state.status, what).toBe('signedOut')
              expect(storage.has(key) && storage.get(key) === raw, `${what}: the bad value is still stored`).toBe(false)
            }
          } else {
            // The adapter failed: the client runs on memory, signed out, and says so.
            expect(state.status, what).toBe('signedOut')
            expect(state.storage, what).toBe('degraded')
          }
        } finally {
          auth.dispose()
          unhandled.seen.length = 0
        }
      }),
      propertyRuns('stored values: session key'),
    )
  }, propertyTimeout(READY_BOUND_MS / 4))

  it('any values at the PKCE keys, with a ?code= to trade: only well-formed verifiers are sent, only well-formed flow ids become keys', async () => {
    const input = fc
      .array(flowId, { maxLength: 3 })
      .chain((ids) =>
        fc.record({
          ids: fc.constant(ids),
          latest: storedVerifier,
          index: storedFlowIndex(ids),
          flows: fc.tuple(...ids.map(() => storedVerifier)),
          landingFlow: fc.oneof(fc.constant(undefined), fc.constantFrom(...ids, 'not a flow id'), flowId),
          signedIn: fc.boolean(),
        }),
      )
    await fc.assert(
      fc.asyncProperty(input, async ({ ids, latest, index, flows, landingFlow, signedIn }) => {
        const slots: Record<string, StoredSlot> = {
          '-code-verifier': { value: latest, read: 'sync' },
          '-flows-code-verifier': { value: index, read: 'sync' },
        }
        ids.forEach((id, i) => {
          slots[`-flow-${id}-code-verifier`] = { value: flows[i] ?? { kind: 'absent' }, read: 'async' }
        })
        if (signedIn) slots[''] = { value: { kind: 'session', ttl: 3600, edits: [] }, read: 'sync' }
        const candidates = new Set(Object.entries(slots).filter(([suffix]) => suffix !== '').map(([, slot]) => verifierOf(rendered(slot.value))))
        candidates.delete(undefined)

        const code = secret('code')
        const query = new URLSearchParams({ code, ...(landingFlow === undefined ? {} : { sb_flow_id: landingFlow }) })
        const started = await start(slots, `https://app.example.com/callback?${query}`)
        const { auth, key, storage } = started
        const what = `${JSON.stringify({ ids, latest, index, flows, landingFlow }).slice(0, 400)} → ${auth.snapshot.status}`
        try {
          await checkStart(started, what)
          expect(strayKeys(storage, key), `${what}: keys built from bad flow ids`).toEqual([])
          const sent = server.requests.filter((request) => request.query.get('grant_type') === 'pkce').map((request) => (request.body as { code_verifier?: unknown }).code_verifier)
          for (const verifier of sent) expect(candidates.has(verifier as string), `${what}: sent a verifier storage did not hold: ${String(verifier)}`).toBe(true)
          if (candidates.size === 0) expect(sent, what).toEqual([])
          // A code with no verifier here fails without a request, and the stored session (if any) stays.
          if (sent.length === 0) expect(auth.snapshot.status, what).toBe(signedIn ? 'authenticated' : 'signedOut')
        } finally {
          auth.dispose()
          unhandled.seen.length = 0
        }
      }),
      propertyRuns('stored values: PKCE keys'),
    )
  }, propertyTimeout(READY_BOUND_MS / 4))

  it('anything anywhere, read however the adapter likes: ready settles to a status and nothing escapes', async () => {
    const input = fc.record({
      session: storedSlot(storedValue),
      latest: storedSlot(storedVerifier),
      index: storedSlot(storedFlowIndex(['0123456789abcdef0123456789abcdef'])),
      flow: storedSlot(storedVerifier),
      landing: fc.constantFrom(undefined, '?code=abc', '?code=abc&sb_flow_id=0123456789abcdef0123456789abcdef', '#access_token=x&refresh_token=y&expires_in=3600&token_type=bearer', '?error=server_error&error_description=x'),
    })
    await fc.assert(
      fc.asyncProperty(input, async ({ session, latest, index, flow, landing }) => {
        const slots: Record<string, StoredSlot> = {
          '': session,
          '-code-verifier': latest,
          '-flows-code-verifier': index,
          '-flow-0123456789abcdef0123456789abcdef-code-verifier': flow,
        }
        const started = await start(slots, landing === undefined ? undefined : `https://app.example.com/${landing}`)
        const what = `${JSON.stringify({ session, latest, index, flow, landing }).slice(0, 400)} → ${started.auth.snapshot.status}`
        try {
          await checkStart(started, what)
          expect(strayKeys(started.storage, started.key), what).toEqual([])
        } finally {
          started.auth.dispose()
          unhandled.seen.length = 0
        }
      }),
      propertyRuns('stored values: every key'),
    )
  }, propertyTimeout(READY_BOUND_MS / 4))
})
