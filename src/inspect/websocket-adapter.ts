/**
 * A WebSocket transport for `@statelyai/inspect`'s `createInspector(adapter)` that a development aid can
 * afford: it never keeps Node alive (retry timers and the socket are unref'd), never throws into the app,
 * keeps a bounded backlog while nobody listens, and stops for good on `stop()`. The stock
 * `createWebSocketInspector` retries every 5 s on a timer that holds the process open, even after `stop()`.
 * @module
 */
import { safeJson } from './safe-json.js'
import { startTimer, stopTimer, type TimerHandle } from '../runtime/timers.js'

/** What this adapter needs of a WebSocket: the browser's, Node 22's global one and `ws`'s all have it. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void
}

/** A WebSocket class, e.g. `globalThis.WebSocket` or `WebSocket` from the `ws` package. */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike

/**
 * Where and how {@link webSocketAdapter} sends.
 *
 * @example
 * webSocketAdapter({ url: 'ws://127.0.0.1:8080', WebSocket, retryMs: 1000 }) // `WebSocket` from 'ws' on Node 20
 */
export interface WebSocketAdapterOptions {
  /** Where the receiver listens, e.g. `ws://127.0.0.1:8080` (`@statelyai/inspect/server` listens on 8080). */
  url: string
  /**
   * The WebSocket class. Default: `globalThis.WebSocket` (browsers, Node 22+), else the `ws` package,
   * loaded on first use (Node 20 has no global WebSocket; `@statelyai/inspect` installs `ws`).
   */
  WebSocket?: WebSocketConstructorLike
  /** Milliseconds between connection attempts while nobody listens. Default 5000. */
  retryMs?: number
  /** Events kept while not connected, sent on connect; the oldest go first. Default 200. */
  maxDeferredEvents?: number
}

/** The shape `createInspector(adapter)` of `@statelyai/inspect` takes. */
export interface InspectionAdapter {
  /** Connects now rather than on the first event. */
  start(): void
  /** Closes the connection, drops the backlog and ignores every later event: it cannot be restarted. */
  stop(): void
  /** Sends one (already serializable) inspection message, or keeps it until connected. */
  send(event: object): void
}

const OPEN = 1
/** Not a literal in `import()`: bundlers would pull `ws` (Node-only) into browser builds that never use it. */
const WS_MODULE = 'ws'

/** `socket.unref()` where the platform has it (Node's `net.Socket`): an open connection alone must not keep the process running. */
function unrefSocket(handle: unknown): void {
  ;(handle as { unref?: () => void } | null)?.unref?.()
}

async function defaultWebSocket(): Promise<WebSocketConstructorLike> {
  const global = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket
  if (global !== undefined) return global
  const module = (await import(/* @vite-ignore */ WS_MODULE)) as { WebSocket?: WebSocketConstructorLike; default?: WebSocketConstructorLike }
  const found = module.WebSocket ?? module.default
  if (found === undefined) throw new Error('the ws package has no WebSocket export')
  return found
}

/**
 * An adapter for `createInspector` of `@statelyai/inspect` that sends to a WebSocket receiver (the Stately
 * inspector server, or your own) and is safe to leave in a development build: no listener means a quiet
 * retry every `retryMs`, never an error and never a process kept alive.
 *
 * @example
 * ```ts
 * import { createInspector } from '@statelyai/inspect'
 * import { redactedInspector, webSocketAdapter } from 'supabase-auth-machine/inspect'
 *
 * const inspector = createInspector(webSocketAdapter({ url: 'ws://127.0.0.1:8080' }))
 * const auth = createAuthClient({ url, apiKey, inspect: redactedInspector(inspector.inspect) })
 * // later: auth.dispose(); inspector.stop()
 * ```
 */
export function webSocketAdapter(options: WebSocketAdapterOptions): InspectionAdapter {
  const retryMs = options.retryMs ?? 5000
  const maxDeferred = options.maxDeferredEvents ?? 200
  const backlog: string[] = []
  let socket: WebSocketLike | undefined
  let retry: TimerHandle | undefined
  let state: 'idle' | 'connecting' | 'stopped' = 'idle'

  const give = (reason: unknown) => {
    // One line, then silence: the app must not notice its inspector, the developer should.
    console.warn(`supabase-auth-machine/inspect: no inspection to ${options.url}:`, reason instanceof Error ? reason.message : String(reason))
    stop()
  }

  const flush = () => {
    while (socket?.readyState === OPEN && backlog.length > 0) socket.send(backlog.shift()!)
  }

  const open = (WebSocket: WebSocketConstructorLike) => {
    if (state === 'stopped') return
    let current: WebSocketLike
    try {
      current = new WebSocket(options.url)
    } catch (error) {
      // A malformed URL throws here, maybe on a retry timer, where nothing would catch it.
      return give(error)
    }
    socket = current
    current.addEventListener('open', () => {
      // `ws` exposes its net.Socket; an open connection alone must not keep Node running either.
      unrefSocket((current as unknown as { _socket?: unknown })._socket)
      try {
        flush()
      } catch (error) {
        give(error)
      }
    })
    // An error is followed by a close; an error listener must exist all the same (`ws` throws without one).
    current.addEventListener('error', () => {})
    current.addEventListener('close', () => {
      if (state === 'stopped' || socket !== current) return
      socket = undefined
      // The project's timer helper: unref'd on Node, Bun and Deno, so a retry alone keeps no process running.
      retry = startTimer(() => open(WebSocket), retryMs)
    })
  }

  const connect = () => {
    if (state !== 'idle') return
    state = 'connecting'
    const chosen = options.WebSocket ? Promise.resolve(options.WebSocket) : defaultWebSocket()
    chosen.then(open).catch(give)
  }

  const stop = () => {
    state = 'stopped'
    backlog.length = 0
    stopTimer(retry)
    const closing = socket
    socket = undefined
    try {
      closing?.close()
    } catch {
      // Closing a socket that never opened may throw in some implementations; it is gone either way.
    }
  }

  return {
    start: connect,
    stop,
    send(event) {
      if (state === 'stopped') return
      const text = safeJson(event)
      if (text === undefined) return
      backlog.push(text)
      if (backlog.length > maxDeferred) backlog.shift()
      try {
        connect()
        flush()
      } catch (error) {
        give(error)
      }
    },
  }
}
