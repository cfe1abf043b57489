/**
 * The HTTP server both SSR apps run in (`ssr-app-ours.ts`, `ssr-app-theirs.ts`): a plain `node:http`
 * server on loopback calling the app's handler for every request, counting requests in flight, and
 * answering the driver's measurements over IPC (CPU and heap over a window, heap after a GC while requests
 * are in flight). Run with `--expose-gc`.
 *
 * The handler gets the auth server's project URL and anon key from the command line:
 * `node --expose-gc --import tsx bench/ssr-app-<kind>.ts <origin> <anonKey>`.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { serveProc } from './ssr-proc.js'
import type { AppCounters, AppReady, AppWindow, HeapIdle, HeapProbe } from './ssr-shared.js'

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** The auth server this app talks to, from argv. */
export function authConfig(): { origin: string; anonKey: string } {
  const [origin, anonKey] = process.argv.slice(2)
  if (origin === undefined || anonKey === undefined) throw new Error('usage: ssr-app-<kind>.ts <origin> <anonKey>')
  return { origin, anonKey }
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run the app with --expose-gc')
  gc()
  gc()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Serves `handler` on 127.0.0.1 (a free port, announced to the driver) until the driver disconnects. */
export function serveApp(handler: Handler): void {
  const counters: AppCounters = { requests: 0, errors: 0, firstError: null }
  let inFlight = 0
  const fail = (res: ServerResponse, error: unknown) => {
    counters.errors += 1
    counters.firstError ??= error instanceof Error ? (error.stack ?? error.message) : String(error)
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
    res.end('internal error\n')
  }
  const server = createServer((req, res) => {
    inFlight += 1
    res.once('close', () => {
      inFlight -= 1
      counters.requests += 1
    })
    handler(req, res).catch((error: unknown) => fail(res, error))
  })
  server.keepAliveTimeout = 60_000

  let window: { cpu: NodeJS.CpuUsage; requests: number; heap: number[]; inFlight: number[]; timer: NodeJS.Timeout } | undefined
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    const ready: AppReady = { port: address.port }
    serveProc(
      { ...ready },
      async (message) => {
        switch (message.type) {
          case 'counters':
            return { ...counters }
          case 'heap-idle': {
            fullGc()
            return { heapUsed: process.memoryUsage().heapUsed } satisfies HeapIdle
          }
          case 'window-start': {
            if (window) clearInterval(window.timer)
            const heap: number[] = []
            const flying: number[] = []
            const timer = setInterval(() => {
              heap.push(process.memoryUsage().heapUsed)
              flying.push(inFlight)
            }, 50)
            window = { cpu: process.cpuUsage(), requests: counters.requests, heap, inFlight: flying, timer }
            return {}
          }
          case 'window-end': {
            if (!window) throw new Error('window-end without window-start')
            clearInterval(window.timer)
            const cpu = process.cpuUsage(window.cpu)
            const out: AppWindow = {
              requests: counters.requests - window.requests,
              cpuUs: cpu.user + cpu.system,
              heapSamples: window.heap,
              inFlightSamples: window.inFlight,
            }
            window = undefined
            return out
          }
          case 'heap-probe': {
            const count = Number(message['count'] ?? 5)
            const everyMs = Number(message['everyMs'] ?? 100)
            const samples: HeapProbe['samples'] = []
            for (let i = 0; i < count; i++) {
              await sleep(everyMs)
              // Read before the GC: it runs synchronously, so no request starts or ends during it.
              const flying = inFlight
              fullGc()
              samples.push({ heapUsed: process.memoryUsage().heapUsed, inFlight: flying })
            }
            return { samples } satisfies HeapProbe
          }
          default:
            throw new Error(`unknown message ${message.type}`)
        }
      },
      () => server.close(),
    )
  })
}

/** The line of text each app renders for a verified user. */
export function renderLine(claims: { sub?: unknown; email?: unknown; role?: unknown }): string {
  return `Hello ${String(claims.email)} (${String(claims.sub)}, ${String(claims.role)})\n`
}
