/**
 * The documented way to watch a client in the Stately inspector, end to end over a real WebSocket on
 * 127.0.0.1: `redactedInspector(inspector.inspect)` with `@statelyai/inspect` 0.7, both its own
 * `createWebSocketInspector` and `createInspector(webSocketAdapter(...))` from our `/inspect`. What the
 * receiver gets is what the inspector UI would show: it must hold the chart's actors, events and snapshots
 * and no password, code or token. Then the guarantees only our adapter gives: a missing listener costs a
 * quiet retry (never an error, never a live process) and `dispose()` ends the traffic.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { createInspector, createWebSocketInspector } from '@statelyai/inspect'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { memoryStorage, type AuthClient } from '../../src/index.js'
import { redactedInspector, REDACTED, webSocketAdapter } from '../../src/inspect/index.js'
import { openReceiver, type Received, type Receiver } from '../devtools/receiver.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'

let target: Target
const cleanups: Array<() => unknown> = []
beforeAll(async () => {
  target = await openTarget()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(() => target.close())

async function receiver(): Promise<Receiver> {
  const opened = await openReceiver()
  cleanups.push(() => opened.close())
  return opened
}

const valueOf = (message: Received) => JSON.stringify(message.snapshot?.value ?? null)

/**
 * Signs a user in with a password, then in again with an emailed code, refreshes, and waits until the
 * receiver saw the last of it. Returns every secret that went through the client.
 */
async function exercise(auth: AuthClient, seen: Receiver): Promise<string[]> {
  const email = uniqueEmail('inspect-ws')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  const first = await auth.signInWithPassword({ email, password: PASSWORD })
  await auth.signOut()
  await auth.signInWithOtp({ email, options: { shouldCreateUser: false } })
  const code = await target.emailOtp(email, 'magiclink')
  const second = await auth.verifyOtp({ email, token: code, type: 'email' })
  const refreshed = await auth.refreshSession()
  const last = refreshed.session?.refresh_token
  await seen.until((message) => message.type === '@xstate.snapshot' && message.event?.type === 'xstate.done.actor.refresh')
  const sessions = [first.session, second.session, refreshed.session]
  expect(last).toBeTruthy()
  return [PASSWORD, code, ...sessions.flatMap((session) => [session?.access_token ?? '', session?.refresh_token ?? ''])]
}

/** Asserts the receiver saw the chart (actor, events, snapshots through the statuses) and no secret. */
function expectChartWithoutSecrets(seen: Receiver, secrets: readonly string[]): void {
  const types = new Set(seen.messages.map((message) => message.type))
  expect([...types].sort()).toEqual(['@xstate.actor', '@xstate.event', '@xstate.snapshot'])
  expect(seen.messages.some((message) => message.type === '@xstate.actor' && message.name === 'lifecycle')).toBe(true)
  const events = seen.messages.filter((message) => message.type === '@xstate.event').map((message) => message.event?.type)
  expect(events).toEqual(expect.arrayContaining(['SIGN_IN', 'SIGN_OUT', 'REFRESH']))
  const values = seen.messages.filter((message) => message.type === '@xstate.snapshot').map(valueOf).join(' ')
  for (const status of ['signedOut', 'signingIn', 'authenticated', 'signingOut', 'refreshing']) expect(values).toContain(status)
  const text = seen.text()
  expect(text.includes(REDACTED), 'the receiver saw redacted fields').toBe(true)
  // Counted, not printed: a failure must not put a token in the log.
  const leaked = secrets.filter((secret) => secret.length >= 6 && text.includes(secret)).length
  expect(leaked, 'secrets that reached the receiver').toBe(0)
}

describe('redactedInspector(inspector.inspect) with @statelyai/inspect over a WebSocket', () => {
  it("createWebSocketInspector's messages reach a receiver on 127.0.0.1, redacted", async () => {
    const seen = await receiver()
    const inspector = createWebSocketInspector({ url: seen.url })
    cleanups.push(() => inspector.stop())
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector(inspector.inspect) })
    expectChartWithoutSecrets(seen, await exercise(auth, seen))
  })

  it("createInspector(webSocketAdapter(...))'s messages reach it too, redacted", async () => {
    const seen = await receiver()
    const inspector = createInspector(webSocketAdapter({ url: seen.url }))
    cleanups.push(() => inspector.stop())
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector(inspector.inspect) })
    expectChartWithoutSecrets(seen, await exercise(auth, seen))
  })
})

/** A port on 127.0.0.1 nobody listens on (taken, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('webSocketAdapter', () => {
  it('with no listener yet, keeps the events and delivers them once one starts', async () => {
    const port = await freePort()
    const inspector = createInspector(webSocketAdapter({ url: `ws://127.0.0.1:${port}`, retryMs: 50 }))
    cleanups.push(() => inspector.stop())
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector(inspector.inspect) })
    await auth.ready
    await new Promise((resolve) => setTimeout(resolve, 150))
    const late = await openReceiver({ port })
    cleanups.push(() => late.close())
    await late.until((message) => message.type === '@xstate.snapshot' && valueOf(message) === '"signedOut"')
    expect(late.messages[0]?.type).toBe('@xstate.actor')
  })

  it('after dispose(), sends nothing more, whatever reaches the stopped chart', async () => {
    const seen = await receiver()
    const inspector = createInspector(webSocketAdapter({ url: seen.url }))
    cleanups.push(() => inspector.stop())
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector(inspector.inspect) })
    await auth.ready
    auth.dispose()
    const stopped = await seen.until((message) => message.type === '@xstate.snapshot' && message.snapshot?.status === 'stopped')
    const count = seen.messages.length
    // What a cross-tab message or a storage failure does to a disposed client: XState still reports it
    // (and warns, in development, that the actor is stopped: expected here, so kept out of the log).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    cleanups.push(() => warn.mockRestore())
    auth.actor.send({ type: 'STORAGE_DEGRADED' })
    auth.actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen.messages.length).toBe(count)
    expect(seen.messages.at(-1)).toBe(stopped)
  })

  it('stop() ends it for good: nothing is sent or retried afterwards', async () => {
    const port = await freePort()
    const adapter = webSocketAdapter({ url: `ws://127.0.0.1:${port}`, retryMs: 20 })
    adapter.send({ type: 'before' })
    adapter.stop()
    adapter.send({ type: 'after' })
    const late = await openReceiver({ port })
    cleanups.push(() => late.close())
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(late.messages).toEqual([])
  })
})

interface Run {
  code: number | null
  output: string
  /** Whether the process was still running `graceMs` after it printed `status …` (and was killed). */
  lingered: boolean
  /** From `status …` to the exit, in ms. */
  exitMs: number
}

/**
 * Runs `source` as an ES module in a fresh Node (with tsx), from the project root. Once the script prints
 * `status …` its work is done; a process still running `graceMs` later is held open by something, and is
 * killed. Timed from that line, not from the start, so a slow start-up (a loaded machine) cannot flake it.
 */
function runScript(source: string, graceMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    let doneAt: number | undefined
    let lingered = false
    const hardLimit = setTimeout(() => child.kill('SIGKILL'), 25_000)
    const collect = (chunk: unknown) => {
      output += String(chunk)
      if (doneAt !== undefined || !output.includes('status ')) return
      doneAt = performance.now()
      setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return
        lingered = true
        child.kill('SIGKILL')
      }, graceMs).unref()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(hardLimit)
      resolve({ code, output, lingered, exitMs: doneAt === undefined ? Number.NaN : performance.now() - doneAt })
    })
  })
}

describe('an inspector with no listener never keeps Node alive', () => {
  /** A client inspected towards a port nobody listens on; it signs nothing, then the script just ends. */
  const script = (port: number, inspector: 'ours' | 'stock', dispose: boolean) => `
    import { createInspector, createWebSocketInspector } from '@statelyai/inspect'
    import { createAuthClient, memoryStorage } from './src/index.ts'
    import { redactedInspector, webSocketAdapter } from './src/inspect/index.ts'
    const url = 'ws://127.0.0.1:${port}'
    const inspector = ${inspector === 'ours' ? 'createInspector(webSocketAdapter({ url, retryMs: 200 }))' : 'createWebSocketInspector({ url })'}
    const auth = createAuthClient({ url: 'http://127.0.0.1:${port}', storage: memoryStorage(), inspect: redactedInspector(inspector.inspect) })
    await auth.ready
    // Long enough for a few failed connection attempts and retries.
    await new Promise((resolve) => setTimeout(resolve, 600))
    ${dispose ? 'auth.dispose()' : ''}
    console.log('status', auth.snapshot.status)
  `

  it.each([
    ['after dispose()', true],
    ['without dispose()', false],
  ])('%s, the process exits by itself once the script is done, without an error', async (_, dispose) => {
    const run = await runScript(script(await freePort(), 'ours', dispose), 2_000)
    expect(run.output).toContain('status signedOut')
    expect(run.output).not.toMatch(/error|warn|unhandled/i)
    expect(run.lingered).toBe(false)
    expect(run.code).toBe(0)
    expect(run.exitMs).toBeLessThan(2_000)
  })

  it('nor does a connected one: with a listener, the script exits once done, and the listener got the chart', async () => {
    const seen = await receiver()
    const run = await runScript(script(Number(new URL(seen.url).port), 'ours', false), 2_000)
    expect(run.output).toContain('status signedOut')
    expect(run.lingered).toBe(false)
    expect(run.code).toBe(0)
    expect(seen.messages.some((message) => message.type === '@xstate.actor' && message.name === 'lifecycle')).toBe(true)
  })

  it("(why the adapter exists) @statelyai/inspect's own WebSocket inspector keeps the same script running", async () => {
    const run = await runScript(script(await freePort(), 'stock', true), 3_000)
    expect(run.output).toContain('status signedOut')
    expect(run.lingered).toBe(true)
  })
})
