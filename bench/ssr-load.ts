/**
 * The SSR bench's load generator, a process of its own: a bounded loop, `concurrency` workers each sending
 * `GET /` over a kept-alive loopback connection (`http.Agent({ keepAlive: true, maxSockets })`) and sending
 * the next request as soon as the response has ended. Every `dueEvery`-th request carries the cookie of a
 * session whose access token has expired. A warm-up, then a timed window: a response counts when it ends
 * inside the window.
 * @module
 */
import { Agent, request } from 'node:http'
import { serveProc } from './ssr-proc.js'
import type { LoadResult, LoadRun } from './ssr-shared.js'

/** One agent per app, kept across runs: its sockets stay open, as a proxy's would. */
const agents = new Map<number, Agent>()

interface Outcome {
  status: number
  setCookie: string[]
  body: string
}

function get(agent: Agent, port: number, cookie: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path: '/', method: 'GET', headers: { cookie } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

async function run(r: LoadRun): Promise<LoadResult> {
  let agent = agents.get(r.port)
  if (agent === undefined) agents.set(r.port, (agent = new Agent({ keepAlive: true, maxSockets: r.concurrency })))
  const cpu = process.cpuUsage()
  const start = performance.now()
  const windowStart = start + r.warmupMs
  const end = windowStart + r.durationMs
  let sent = 0
  let dueSent = 0
  let dueWithSetCookie = 0
  let completed = 0
  let errors = 0
  let firstError: string | null = null
  const latencies: number[] = []
  const worker = async () => {
    while (performance.now() < end) {
      sent += 1
      const due = r.dueEvery > 0 && sent % r.dueEvery === 0
      if (due) dueSent += 1
      const from = performance.now()
      try {
        const outcome = await get(agent, r.port, due ? r.dueCookie : r.cookie)
        const to = performance.now()
        if (outcome.status !== 200 || !outcome.body.startsWith('Hello ')) {
          errors += 1
          firstError ??= `${outcome.status}: ${outcome.body.slice(0, 200)}`
        } else if (due && outcome.setCookie.length > 0) dueWithSetCookie += 1
        if (to >= windowStart && to < end) {
          completed += 1
          latencies.push(to - from)
        }
      } catch (error) {
        errors += 1
        firstError ??= error instanceof Error ? error.message : String(error)
      }
    }
  }
  await Promise.all(Array.from({ length: r.concurrency }, worker))
  const used = process.cpuUsage(cpu)
  latencies.sort((a, b) => a - b)
  return {
    completed,
    windowMs: r.durationMs,
    rps: r.durationMs > 0 ? completed / (r.durationMs / 1000) : 0,
    sent,
    dueSent,
    dueWithSetCookie,
    errors,
    firstError,
    cpuUsPerRequest: (used.user + used.system) / Math.max(1, sent),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  }
}

serveProc(
  {},
  (message) => {
    if (message.type === 'run') return run(message as unknown as LoadRun)
    if (message.type === 'once') {
      const { port, cookie } = message as unknown as { port: number; cookie: string }
      return get(new Agent({ keepAlive: false }), port, cookie)
    }
    throw new Error(`unknown message ${message.type}`)
  },
  () => {
    for (const agent of agents.values()) agent.destroy()
  },
)
