/**
 * Refresh storm: K clients sharing one storage hold a session inside the refresh margin; each gets 100
 * concurrent `getSession()` calls. Counts `/token?grant_type=refresh_token` requests at the server (the
 * project's local auth server, real rotation, in a child process) and checks every call got a session.
 *
 * Usage: `tsx bench/storm.ts` — prints one JSON line.
 * @module
 */
import { type Kind, loadAuthJs, loadOurs, makeAuthJs, makeOurs, mapStorage } from './clients.js'
import { PASSWORD, STORAGE_KEY } from './server/bodies.js'
import { startBenchServer } from './server/ipc.js'

const KS = [1, 5, 20] as const
const CALLS_PER_CLIENT = 100
/** Inside both clients' 90 s refresh margin, far from expiry: a refresh is due, the token still works. */
const SECONDS_LEFT = 30

export interface StormResult {
  kind: Exclude<Kind, 'floor'>
  k: number
  calls: number
  refreshRequests: number
  answered: number
  errors: string[]
}

const server = await startBenchServer('local')
const [ours, authJs] = await Promise.all([loadOurs(), loadAuthJs()])
let users = 0

/** A fresh user's session (through the server's own sign-up), stored as both clients store it, due for refresh. */
async function dueSession(): Promise<string> {
  users += 1
  const email = `storm-${users}@example.com`
  const headers = { apikey: server.anonKey, Authorization: `Bearer ${server.anonKey}`, 'Content-Type': 'application/json' }
  const response = await fetch(`${server.url}/signup`, { method: 'POST', headers, body: JSON.stringify({ email, password: PASSWORD }) })
  const body = (await response.json()) as Record<string, unknown>
  if (typeof body['access_token'] !== 'string') throw new Error(`storm setup: sign-up returned ${response.status}`)
  return JSON.stringify({ ...body, expires_at: Math.floor(Date.now() / 1000) + SECONDS_LEFT })
}

/** One client of either kind, as the storm drives it. */
interface StormClient {
  ready(): Promise<unknown>
  /** One `getSession()`: `null` when it answered a session, else what went wrong. */
  getSession(): Promise<string | null>
  dispose(): void
}

type StormConfig = Parameters<typeof makeOurs>[1]

function stormClient(kind: StormResult['kind'], config: StormConfig): StormClient {
  if (kind === 'ours') {
    const client = makeOurs(ours, config)
    return {
      ready: () => client.ready,
      getSession: async () => ((await client.getSession()).session ? null : 'no session'),
      dispose: () => client.dispose(),
    }
  }
  const client = makeAuthJs(authJs, config)
  return {
    ready: () => client.initialize(),
    getSession: async () => {
      const { data, error } = await client.getSession()
      if (data.session && !error) return null
      return error ? `${error.name}: ${error.message}` : 'no session'
    },
    dispose: () => void client.stopAutoRefresh(),
  }
}

async function storm(kind: StormResult['kind'], k: number): Promise<StormResult> {
  const storage = mapStorage({ [STORAGE_KEY]: await dueSession() })
  const config = { url: server.url, anonKey: server.anonKey, storage, storageKey: STORAGE_KEY }
  const errors = new Set<string>()
  let answered = 0
  const clients = Array.from({ length: k }, () => stormClient(kind, config))
  await Promise.all(clients.map((c) => c.ready()))
  await server.reset()
  const calls = clients.flatMap((c) =>
    Array.from({ length: CALLS_PER_CLIENT }, () =>
      c.getSession().then(
        (problem) => void (problem === null ? (answered += 1) : errors.add(problem)),
        (error: unknown) => void errors.add(error instanceof Error ? `${error.name}: ${error.message}` : 'non-error'),
      ),
    ),
  )
  await Promise.all(calls)
  const counts = await server.stats()
  for (const c of clients) c.dispose()
  return {
    kind,
    k,
    calls: k * CALLS_PER_CLIENT,
    refreshRequests: counts['POST /token?grant_type=refresh_token'] ?? 0,
    answered,
    errors: [...errors],
  }
}

const results: StormResult[] = []
for (const k of KS) {
  results.push(await storm('ours', k))
  results.push(await storm('authjs', k))
}
await server.close()
console.log(JSON.stringify({ callsPerClient: CALLS_PER_CLIENT, secondsLeft: SECONDS_LEFT, results }))
