/**
 * The SSR throughput bench's processes (auth server, the two apps, the load generator) talk to the driver
 * over Node's IPC channel: the child announces itself with a `ready` message, then answers requests, each
 * reply carrying the request's `id`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

interface Envelope {
  id?: number
  type: string
}

/** Driver side of one child process. */
export interface Proc<Ready> {
  ready: Ready
  /** Sends `message` and resolves with the child's reply to it. */
  call<Reply>(type: string, payload?: Record<string, unknown>): Promise<Reply>
  /** Disconnects the IPC channel (the child exits on it) and waits for the exit. */
  close(): Promise<void>
  child: ChildProcess
}

/** Spawns `node [nodeFlags] --import tsx bench/<script> [args]` with an IPC channel and waits for `ready`. */
export function spawnProc<Ready>(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<Proc<Ready>> {
  const path = fileURLToPath(new URL(script, import.meta.url))
  // The child's stdout goes to our stderr: our stdout's last line is the bench's JSON result.
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path, ...args], { stdio: ['ignore', 2, 'inherit', 'ipc'] })
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let nextId = 1
  const onExit = (code: number | null) => {
    for (const w of waiting.values()) w.reject(new Error(`${script} exited with ${code}`))
    waiting.clear()
  }
  child.once('exit', onExit)
  return new Promise((resolve, reject) => {
    const onStartExit = (code: number | null) => reject(new Error(`${script} exited with ${code} before it was ready`))
    child.once('exit', onStartExit)
    child.on('message', (message: Envelope & Record<string, unknown>) => {
      if (message.type === 'ready') {
        child.off('exit', onStartExit)
        resolve({
          ready: message as unknown as Ready,
          child,
          call: <Reply>(type: string, payload: Record<string, unknown> = {}) =>
            new Promise<Reply>((res, rej) => {
              const id = nextId++
              waiting.set(id, { resolve: res as (value: unknown) => void, reject: rej })
              child.send({ ...payload, type, id })
            }),
          close: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null || child.signalCode !== null) return res()
              child.once('exit', () => res())
              child.disconnect()
            }),
        })
        return
      }
      if (message.type === 'error' && message.id === undefined) return reject(new Error(String(message['message'])))
      const w = message.id === undefined ? undefined : waiting.get(message.id)
      if (w === undefined) return
      waiting.delete(message.id!)
      if (message.type === 'error') w.reject(new Error(`${script}: ${String(message['message'])}`))
      else w.resolve(message)
    })
  })
}

/**
 * Child side: announces `ready`, then answers each request with `handle`'s result (its `type` echoed);
 * exits when the driver disconnects.
 */
export function serveProc(ready: Record<string, unknown>, handle: (message: Envelope & Record<string, unknown>) => unknown, onClose: () => void = () => {}): void {
  if (typeof process.send !== 'function') throw new Error('run this script from bench/ssr-throughput.ts (it needs an IPC channel)')
  process.on('message', async (message: Envelope & Record<string, unknown>) => {
    try {
      const result = (await handle(message)) as Record<string, unknown> | undefined
      process.send!({ ...result, type: message.type, id: message.id })
    } catch (error) {
      process.send!({ type: 'error', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    }
  })
  process.on('disconnect', () => {
    onClose()
    process.exit(0)
  })
  process.send({ ...ready, type: 'ready' })
}
