import { FifoLock } from './fifo-lock.js'
import { parseBroadcast, toBroadcast } from './wire.js'
import type { SessionMessage } from './types.js'

/** A coordinator as the bus sees it. */
export interface Member {
  readonly id: string
  deliver(message: SessionMessage): void
}

interface Bus {
  readonly members: Set<Member>
  channel: BroadcastChannel | undefined
}

/**
 * Process-wide state, keyed by the storage OBJECT first: clients that share a storage object share a lock
 * and a bus, clients with separate storages (two memory storages in one server) never contend. WeakMaps
 * let a dropped storage take its entries with it.
 */
const locks = new WeakMap<object, Map<string, FifoLock>>()
const buses = new WeakMap<object, Map<string, Bus>>()

/** The (storage, key) entry of `table`, created on first use. */
function entry<T>(table: WeakMap<object, Map<string, T>>, storage: object, key: string, create: () => T): T {
  let byKey = table.get(storage)
  if (byKey === undefined) table.set(storage, (byKey = new Map()))
  let value = byKey.get(key)
  if (value === undefined) byKey.set(key, (value = create()))
  return value
}

/** Tags our BroadcastChannel posts, so a context ignores its own posts (the in-process bus delivered them). */
const contextId = randomId()

/**
 * The in-process lock for (storage, key). Locks are never dropped while the storage lives: a lock held by a
 * closed client must keep excluding the clients created after it.
 */
export function processLock(storage: object, key: string): FifoLock {
  return entry(locks, storage, key, () => new FifoLock())
}

/** Adds `member` to the bus of (storage, key), opening the cross-tab channel for the first member in a browser. */
export function join(storage: object, key: string, member: Member): void {
  const bus = entry(buses, storage, key, (): Bus => ({ members: new Set(), channel: undefined }))
  bus.members.add(member)
  if (bus.channel === undefined) bus.channel = openChannel(key, bus)
}

/** Removes `member`; the last one out closes the channel, so a closed client leaves no handle behind. */
export function leave(storage: object, key: string, member: Member): void {
  const byKey = buses.get(storage)
  const bus = byKey?.get(key)
  if (byKey === undefined || bus === undefined) return
  bus.members.delete(member)
  if (bus.members.size > 0) return
  bus.channel?.close()
  byKey.delete(key)
}

/** Queues delivery to every other member, then posts to other tabs. Never calls a listener synchronously. */
export function broadcast(storage: object, key: string, sender: Member, message: SessionMessage): void {
  const bus = buses.get(storage)?.get(key)
  if (bus === undefined) return
  for (const member of bus.members) {
    if (member === sender) continue
    const copy = cloneMessage(message)
    queueMicrotask(() => member.deliver(copy))
  }
  try {
    bus.channel?.postMessage(toBroadcast(message, contextId))
  } catch {
    // An uncloneable value in a hand-built session: other tabs miss this one message, this context is fine.
  }
}

function openChannel(key: string, bus: Bus): BroadcastChannel | undefined {
  if (typeof (globalThis as { window?: unknown }).window === 'undefined') return undefined
  if (typeof globalThis.BroadcastChannel !== 'function') return undefined
  let channel: BroadcastChannel
  try {
    channel = new BroadcastChannel(key)
  } catch {
    return undefined
  }
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const incoming = parseBroadcast(event.data)
    if (incoming === undefined || incoming.context === contextId) return
    for (const member of bus.members) member.deliver(cloneMessage(incoming.message))
  }
  // Node's BroadcastChannel (jsdom-style test setups) would otherwise keep the process alive.
  ;(channel as { unref?: () => void }).unref?.()
  return channel
}

/** Each receiver gets its own copy: a listener that mutates the session cannot touch anyone else's. */
function cloneMessage(message: SessionMessage): SessionMessage {
  try {
    return structuredClone(message)
  } catch {
    try {
      return JSON.parse(JSON.stringify(message)) as SessionMessage
    } catch {
      return message
    }
  }
}

/** A random instance id; `randomUUID` is missing on insecure origins (plain http), hence the fallback. */
export function randomId(): string {
  const crypto = globalThis.crypto as Crypto | undefined
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
}
