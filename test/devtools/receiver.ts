/**
 * A WebSocket receiver on 127.0.0.1 (an ephemeral port) that keeps every text message it gets, parsed:
 * what the Stately inspector server would relay to its UI. Built on `ws` (installed by
 * `@statelyai/inspect`), required at run time because `ws` ships no types of its own.
 */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

interface WsSocket {
  on(event: 'message', listener: (data: { toString(): string }) => void): void
  terminate(): void
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket) => void): void
  on(event: 'listening', listener: () => void): void
  address(): AddressInfo
  close(done?: () => void): void
  clients: Set<WsSocket>
}
interface WsModule {
  WebSocketServer: new (options: { host: string; port: number }) => WsServer
  WebSocket: new (url: string) => unknown
}

export const ws = createRequire(import.meta.url)('ws') as WsModule

/** One inspection message as `@statelyai/inspect` sends it (`StatelyInspectionEvent`), parsed. */
export interface Received {
  type: string
  name?: string
  sessionId?: string
  event?: { type?: string } & Record<string, unknown>
  snapshot?: { value?: unknown; status?: string; context?: unknown }
  [key: string]: unknown
}

export interface Receiver {
  url: string
  messages: Received[]
  /** Every message's raw text, joined: what a test searches for secrets. */
  text(): string
  /** Resolves once `predicate` holds for some message (polls; bounded by the test timeout). */
  until(predicate: (message: Received) => boolean): Promise<Received>
  close(): Promise<void>
}

/** Listens on 127.0.0.1, on `port` (default: any free one). Call `close()` when done. */
export async function openReceiver(options: { port?: number } = {}): Promise<Receiver> {
  const server = new ws.WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 })
  await new Promise<void>((resolve) => server.on('listening', resolve))
  const raw: string[] = []
  const messages: Received[] = []
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const text = data.toString()
      raw.push(text)
      messages.push(JSON.parse(text) as Received)
    })
  })
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    messages,
    text: () => raw.join('\n'),
    async until(predicate) {
      for (;;) {
        const found = messages.find(predicate)
        if (found) return found
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate()
        server.close(() => resolve())
      }),
  }
}
