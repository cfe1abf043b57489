/**
 * Behaviour rules 4–7: listeners can't stall the client, everything is bounded and disposable, storage is
 * untrusted input, and the stored format is auth-js v2's.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStorage, type AuthChangeEvent, type SupportedStorage } from '../../src/index.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(() => target.close())

const KEY = 'sb-hygiene-auth-token'

async function newUser(): Promise<string> {
  const email = uniqueEmail('hygiene')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  return email
}

describe('storage is untrusted input', () => {
  it.each([
    ['not JSON', '{"access_token": "abc", '],
    ['wrong shape', JSON.stringify({ access_token: 1, refresh_token: null })],
    ['an array', '[]'],
    ['expires_at as text', JSON.stringify({ access_token: 'a', refresh_token: 'b', expires_at: 'soon', user: { id: 'x' } })],
  ])('a stored value that is %s starts signedOut without throwing, and is removed', async (_, value) => {
    const storage = memoryStorage({ [KEY]: value })
    const auth = target.client({ storage, storageKey: KEY })
    await auth.ready
    expect(auth.snapshot.status).toBe('signedOut')
    expect(await storage.getItem(KEY)).toBeNull()
    const email = await newUser()
    await auth.signInWithPassword({ email, password: PASSWORD })
    expect(auth.snapshot.status).toBe('authenticated')
  })

  it('a storage that throws degrades to memory, says so in state, and keeps working', async () => {
    let broken = false
    const inner = memoryStorage()
    const storage: SupportedStorage = {
      getItem: (key) => (broken ? Promise.reject(new Error('SecurityError')) : inner.getItem(key)),
      setItem: (key, value) => {
        if (broken) throw new Error('QuotaExceededError')
        return inner.setItem(key, value)
      },
      removeItem: (key) => inner.removeItem(key),
    }
    const auth = target.client({ storage, storageKey: KEY })
    await auth.ready
    broken = true
    const email = await newUser()
    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    expect(auth.snapshot.status).toBe('authenticated')
    expect(auth.snapshot.storage).toBe('degraded')
    expect((await auth.getSession()).session?.access_token).toBe(session.access_token)
  })

  it('a storage that never answers cannot hang start-up', async () => {
    const storage: SupportedStorage = { getItem: () => new Promise(() => {}), setItem: () => {}, removeItem: () => {} }
    const auth = target.client({ storage, storageKey: KEY, storageTimeoutMs: 50 })
    await auth.ready
    expect(auth.snapshot.status).toBe('signedOut')
    expect(auth.snapshot.storage).toBe('degraded')
  })
})

describe('the storage format is auth-js v2', () => {
  it('reads a session written by auth-js, and writes one auth-js can read', async () => {
    const email = await newUser()
    const writer = target.client({ storage: memoryStorage(), autoRefreshToken: false })
    const { session } = await writer.signInWithPassword({ email, password: PASSWORD })
    // auth-js stores JSON.stringify(session) under the key; this literal is its shape.
    const authJsValue = JSON.stringify({
      access_token: session.access_token,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: session.expires_at,
      refresh_token: session.refresh_token,
      user: session.user,
    })
    const storage = memoryStorage({ [KEY]: authJsValue })
    const reader = target.client({ storage, storageKey: KEY, autoRefreshToken: false })
    await reader.ready
    expect(reader.snapshot.status).toBe('authenticated')
    expect(reader.snapshot.user?.email).toBe(email)

    await reader.refreshSession()
    const written = JSON.parse((await storage.getItem(KEY)) as string) as Record<string, unknown>
    expect(Object.keys(written).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type', 'user'])
    expect(typeof written['expires_at']).toBe('number')
    expect(written['refresh_token']).toBe(reader.snapshot.session?.refresh_token)
  })
})

describe('listeners cannot stall the client', () => {
  it('a throwing listener and one that calls back into the client stall nothing', async () => {
    const auth = target.client({ storage: memoryStorage() })
    const seen: AuthChangeEvent[] = []
    const reentrant: Array<Promise<unknown>> = []
    auth.onAuthStateChange(() => {
      throw new Error('listener bug')
    })
    auth.onAuthStateChange((event) => {
      seen.push(event)
      if (event === 'SIGNED_IN') {
        // Called from inside the event: must neither deadlock nor see a half-committed state.
        reentrant.push(auth.getSession().then(({ session }) => session?.user.email))
        reentrant.push(auth.getUser().then(({ user }) => user.email))
      }
    })
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const email = await newUser()
      await auth.signInWithPassword({ email, password: PASSWORD })
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(await Promise.all(reentrant)).toEqual([email, email])
      await auth.signOut()
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(seen).toEqual(['INITIAL_SESSION', 'SIGNED_IN', 'SIGNED_OUT'])
      expect(errors.length).toBeGreaterThan(0)
      expect(JSON.stringify(errors)).not.toContain(PASSWORD)
    } finally {
      console.error = original
    }
  })
})

function runScript(source: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += String(chunk)))
    child.stderr.on('data', (chunk) => (output += String(chunk)))
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(killer)
      resolve({ code, output })
    })
  })
}

describe('nothing keeps Node alive', () => {
  const script = (dispose: boolean) => `
    import { createAuthClient } from './src/index.ts'
    import { startAuthServer } from './src/testing/index.ts'
    const server = await startAuthServer()
    const auth = createAuthClient({ url: server.url, apiKey: server.anonKey })
    await auth.signUp({ email: 'exit@example.com', password: 'secret-pass' })
    auth.state$.subscribe(() => {})
    await server.close()
    ${dispose ? 'auth.dispose()' : ''}
    console.log('status', auth.snapshot.status)
  `
  it('after dispose() the process exits by itself', async () => {
    const { code, output } = await runScript(script(true))
    expect(output).toContain('status authenticated')
    expect(code).toBe(0)
  })

  it('even without dispose(), a signed-in client with its refresh timer armed lets the process exit', async () => {
    const { code, output } = await runScript(script(false))
    expect(output).toContain('status authenticated')
    expect(code).toBe(0)
  })

  it('dispose() rejects pending calls with code disposed and later calls too', async () => {
    const auth = target.client({ storage: memoryStorage() })
    const email = await newUser()
    const removeFault = target.local?.faults.add({ path: '/token', grantType: 'password', times: 1, action: { delay: 300 } })
    const pending = auth.signInWithPassword({ email, password: PASSWORD })
    await new Promise((resolve) => setTimeout(resolve, 20))
    auth.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'disposed' })
    await expect(auth.getSession()).rejects.toMatchObject({ code: 'disposed' })
    removeFault?.()
  })
})
