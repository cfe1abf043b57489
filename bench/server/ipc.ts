/**
 * The IPC protocol between a bench server (child) and the process driving clients (parent): the child
 * announces `{ url, anonKey }`, then answers `stats` (request counts per route) and `reset`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Requests per route, keyed by {@link routeName}. */
export type Counts = Record<string, number>

/**
 * The key a request is counted under; `/token` grants are told apart.
 *
 * @example
 * routeName('POST', '/token', 'refresh_token')   // 'POST /token?grant_type=refresh_token'
 */
export function routeName(method: string | undefined, path: string, grantType: string | null | undefined): string {
  return `${method} ${path}${grantType ? `?grant_type=${grantType}` : ''}`
}

interface Ready {
  type: 'ready'
  url: string
  anonKey: string
}
type Reply = { type: 'stats'; counts: Counts } | { type: 'reset' }

/** Child side. `sync` folds pending log entries into `counts` before they are read. */
export function serveStats(counts: Counts, info: { url: string; anonKey: string }, close: () => void, sync: () => void = () => {}): void {
  if (typeof process.send !== 'function') throw new Error('run this server as a child process with an IPC channel')
  process.on('message', (message: { type: string }) => {
    sync()
    if (message.type === 'stats') process.send!({ type: 'stats', counts: { ...counts } })
    if (message.type === 'reset') {
      for (const key of Object.keys(counts)) delete counts[key]
      process.send!({ type: 'reset' })
    }
  })
  process.on('disconnect', () => {
    close()
    process.exit(0)
  })
  process.send({ type: 'ready', url: info.url, anonKey: info.anonKey } satisfies Ready)
}

export interface BenchServer {
  url: string
  anonKey: string
  stats(): Promise<Counts>
  reset(): Promise<void>
  close(): Promise<void>
}

/** Parent side: spawns `server/<name>.ts` and waits for it to listen. */
export function startBenchServer(name: 'precomputed' | 'local'): Promise<BenchServer> {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const next = <T extends Reply | Ready>(type: T['type']): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: T) => {
        if (message.type !== type) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(message)
      }
      const onExit = (code: number | null) => reject(new Error(`bench server ${name} exited with ${code}`))
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  return next<Ready>('ready').then(({ url, anonKey }) => ({
    url,
    anonKey,
    stats: async () => {
      const reply = next<Extract<Reply, { type: 'stats' }>>('stats')
      child.send({ type: 'stats' })
      return (await reply).counts
    },
    reset: async () => {
      const reply = next<Extract<Reply, { type: 'reset' }>>('reset')
      child.send({ type: 'reset' })
      await reply
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.disconnect()
      }),
  }))
}
