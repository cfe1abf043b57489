/**
 * A client for one property run: signed in from seeded storage (no request needed), with a small request
 * timeout so that no answer can hold a run for long, its own storage and key (so no run hears another's
 * cross-client messages), and a record of the events it announced.
 */
import { createAuthClient, type AuthClient, type AuthClientOptions } from '../../../src/index.js'
import { memoryStorage, type SupportedStorage } from '../../../src/storage/index.js'
import type { CredentialsLike } from '../../../src/webauthn/index.js'
import type { AuthChangeEvent, Session } from '../../../src/types.js'
import { seededSession, secret } from './wire.js'

/** Timeout of each request of a run: long enough for a 1 MB body on a slow machine, short enough for a hang. */
export const REQUEST_TIMEOUT_MS = 1_500
/** A hang answer is given a shorter one: it always runs out, and should not cost each run more than this. */
export const HANG_TIMEOUT_MS = 120

export interface Rig {
  auth: AuthClient
  /** The session the client started with. */
  session: Session
  storageKey: string
  /** What storage holds under each key, now. */
  stored(): Record<string, string>
  events: AuthChangeEvent[]
  apiKey: string
  dispose(): void
}

let runs = 0

/** A storage that can be read back whole, for checks on what was removed or kept. */
function inspectableStorage(initial: Record<string, string>): SupportedStorage & { dump(): Record<string, string> } {
  const inner = memoryStorage(initial)
  const keys = new Set(Object.keys(initial))
  return {
    getItem: (key) => inner.getItem(key),
    setItem: (key, value) => {
      keys.add(key)
      return inner.setItem(key, value)
    },
    removeItem: (key) => {
      keys.delete(key)
      return inner.removeItem(key)
    },
    dump() {
      const out: Record<string, string> = {}
      for (const key of keys) {
        const value = inner.getItem(key)
        if (typeof value === 'string') out[key] = value
      }
      return out
    },
  }
}

export interface RigOptions extends Partial<AuthClientOptions> {
  /** Seconds the seeded session has left; below the refresh margin, restoring refreshes it. Null: start signed out. */
  ttl?: number | null
  /** Extra storage entries, by suffix of the storage key (`-code-verifier`). */
  beside?: Record<string, string>
}

export function startRig(url: string, options: RigOptions = {}): Rig {
  runs += 1
  const storageKey = `sb-property-${process.pid}-${runs}-auth-token`
  const session = seededSession(options.ttl ?? 3600)
  const initial: Record<string, string> = options.ttl === null ? {} : { [storageKey]: JSON.stringify(session) }
  for (const [suffix, value] of Object.entries(options.beside ?? {})) initial[storageKey + suffix] = value
  const storage = inspectableStorage(initial)
  const apiKey = secret('apikey')
  const { ttl: _ttl, beside: _beside, ...clientOptions } = options
  const auth = createAuthClient({ url, apiKey, storage, storageKey, timeout: REQUEST_TIMEOUT_MS, ...clientOptions })
  const events: AuthChangeEvent[] = []
  const subscription = auth.events$.subscribe(({ event }) => events.push(event))
  return {
    auth,
    session,
    storageKey,
    stored: () => storage.dump(),
    events,
    apiKey,
    dispose() {
      subscription.unsubscribe()
      auth.dispose()
    },
  }
}

function buffer(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text)
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/**
 * An authenticator that says yes to every ceremony with a well-formed (unsigned) credential: the server in
 * these tests checks nothing, and what is under test is the client's handling of the server's side.
 */
export const agreeableAuthenticator: CredentialsLike = {
  async create() {
    return {
      type: 'public-key',
      id: 'Y3JlZGVudGlhbA',
      rawId: buffer('credential'),
      authenticatorAttachment: 'cross-platform',
      getClientExtensionResults: () => ({}),
      response: { clientDataJSON: buffer('{}'), attestationObject: buffer('attestation'), getTransports: () => ['usb'] },
    } as unknown as Credential
  },
  async get() {
    return {
      type: 'public-key',
      id: 'Y3JlZGVudGlhbA',
      rawId: buffer('credential'),
      authenticatorAttachment: 'cross-platform',
      getClientExtensionResults: () => ({}),
      response: { clientDataJSON: buffer('{}'), authenticatorData: buffer('data'), signature: buffer('signature'), userHandle: null },
    } as unknown as Credential
  },
}
