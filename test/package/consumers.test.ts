/**
 * The package as apps install it: built with declarations, packed by `npm pack`, unpacked into the
 * `node_modules` of temporary consumer projects (outside this repository, so nothing of ours leaks in).
 *
 * - Types: a consumer importing every entry compiles with `skipLibCheck: false` and `lib: ["ES2023", "DOM"]`
 *   under TypeScript 5.4, 5.9, 6.0 and 7, with `moduleResolution` bundler, node16 and nodenext, with and
 *   without `@types/node`; and with `lib: ["ESNext", "DOM"]`, `await using` takes a client.
 * - Runtime: the built entries run against the lowest rxjs of the peer range (7.0.0): `state$` gives the
 *   current value synchronously, its Observable is the app's (one rxjs), and `actor` is the app's xstate's.
 *
 * The TypeScript versions, `@types/node` and the rxjs releases come from `test/package/consumers`
 * (its own lock; `npm ci` there when missing or stale). The package's dependencies (xstate, jose,
 * qrcode-generator) are linked from the project's `node_modules`, where its lock put them.
 */
import { execFile as execFileCallback, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const execFile = promisify(execFileCallback)
const root = fileURLToPath(new URL('../..', import.meta.url))
const consumers = resolve(root, 'test/package/consumers')
const installed = (name: string) => resolve(consumers, 'node_modules', name)

/** Package folder in `test/package/consumers/node_modules` → the TypeScript it holds. */
const TYPESCRIPTS = { ts54: '5.4', ts59: '5.9', ts60: '6.0', ts7: '7' } as const
type TypeScript = keyof typeof TYPESCRIPTS
const RESOLUTIONS = { bundler: 'ESNext', node16: 'Node16', nodenext: 'NodeNext' } as const
type Resolution = keyof typeof RESOLUTIONS
/** Lowest rxjs of the peer range, for the run; lowest 7.x whose `exports` give TypeScript its types, for the compiles. */
const RXJS_RUNTIME = 'rxjs-7.0.0'
const RXJS_TYPES = 'rxjs-7.6.0'

interface Compile {
  typescript: TypeScript
  resolution: Resolution
  nodeTypes: boolean
  /** `lib: ["ESNext", "DOM"]` plus a file that disposes a client with `await using`. */
  disposable: boolean
}

const COMPILES: Compile[] = []
for (const typescript of Object.keys(TYPESCRIPTS) as TypeScript[]) {
  for (const resolution of Object.keys(RESOLUTIONS) as Resolution[]) {
    for (const nodeTypes of [false, true]) COMPILES.push({ typescript, resolution, nodeTypes, disposable: false })
  }
  COMPILES.push({ typescript, resolution: 'bundler', nodeTypes: false, disposable: true })
}
const nameOf = (c: Compile) =>
  `TypeScript ${TYPESCRIPTS[c.typescript]}, ${c.resolution}, ${c.disposable ? 'lib ESNext + await using' : c.nodeTypes ? 'with @types/node' : 'without @types/node'}`

/** Imports every entry and touches the main types; `skipLibCheck: false` checks every declaration file it reaches. */
const CONSUMER = `import * as main from 'supabase-auth-machine'
import { createAuthClient, memoryStorage, type AuthClient, type AuthState, type InspectObserver, type LifecycleMachine } from 'supabase-auth-machine'
import * as admin from 'supabase-auth-machine/admin'
import * as jwt from 'supabase-auth-machine/jwt'
import * as identities from 'supabase-auth-machine/identities'
import { resend, reauthenticate, resetPasswordForEmail } from 'supabase-auth-machine/confirmations'
import { exchangeCodeForSession, implicitFlow, setSession } from 'supabase-auth-machine/handoff'
import { mfa as mfaOf, type MfaApi } from 'supabase-auth-machine/mfa'
import { redactedInspector } from 'supabase-auth-machine/inspect'
import { passkey, type PasskeyApi } from 'supabase-auth-machine/webauthn'
import { signInWithWeb3 } from 'supabase-auth-machine/web3'
import { oauth, type OAuthServerApi } from 'supabase-auth-machine/oauth'
import * as testing from 'supabase-auth-machine/testing'
import type { Observable } from 'rxjs'
import type { Actor } from 'xstate'

export async function run(): Promise<string[]> {
  const server: testing.AuthServer = await testing.startAuthServer()
  const inspect: InspectObserver = redactedInspector(() => {})
  const auth: AuthClient = createAuthClient({ url: server.url, apiKey: server.anonKey, storage: memoryStorage(), inspect })
  const state$: Observable<AuthState> = auth.state$
  const statuses: string[] = []
  const subscription = state$.subscribe((state) => statuses.push(state.status))
  const actor: Actor<LifecycleMachine> = auth.actor
  const mfa: MfaApi = mfaOf(auth)
  const passkeys: PasskeyApi = passkey(auth)
  const consent: OAuthServerApi = oauth(auth)
  const service: admin.AdminClient = admin.createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey })
  const { claims }: jwt.ClaimsResult = await jwt.getClaims(auth)
  const { identities: linked } = await identities.getUserIdentities(auth).catch(() => ({ identities: [] }))
  const { messageId } = await resend(auth, { type: 'signup', email: 'nobody@example.com' }).catch(() => ({ messageId: null }))
  const implicit: AuthClient = createAuthClient({ url: server.url, apiKey: server.anonKey, storage: memoryStorage(), flowType: implicitFlow })
  implicit.dispose()
  const companions = typeof setSession === 'function' && typeof exchangeCodeForSession === 'function' && typeof resetPasswordForEmail === 'function'
  if (!(claims.sub && actor && mfa && passkeys && consent && companions && typeof signInWithWeb3 === 'function' && typeof reauthenticate === 'function' && messageId !== undefined && service && main.AuthError && Array.isArray(linked))) throw new Error('unreachable')
  subscription.unsubscribe()
  auth.dispose()
  await server.close()
  return statuses
}
`

/** Compiled only with an ESNext lib: the client is an \`AsyncDisposable\` wherever the lib knows the symbol. */
const DISPOSABLE = `import { createAuthClient, memoryStorage, type AuthClient } from 'supabase-auth-machine'

export async function run(): Promise<void> {
  await using auth = createAuthClient({ url: 'http://127.0.0.1:9/auth/v1', apiKey: 'anon', storage: memoryStorage() })
  const disposable: AsyncDisposable = auth
  const client: AuthClient = auth
  await client[Symbol.asyncDispose]()
  void disposable
}
`

/** Signs in with the built package and reports what the app's own rxjs and xstate see. */
const RUNTIME = `import { readFileSync } from 'node:fs'
import { firstValueFrom, Observable } from 'rxjs'
import { filter } from 'rxjs/operators'
import { Actor } from 'xstate'
import { createAuthClient } from 'supabase-auth-machine'
import { createAdminClient } from 'supabase-auth-machine/admin'
import { getClaims } from 'supabase-auth-machine/jwt'
import { startAuthServer } from 'supabase-auth-machine/testing'

const server = await startAuthServer()
try {
  const email = 'rxjs-floor@example.com'
  const password = 'correct horse battery staple'
  await createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey }).createUser({ email, password, email_confirm: true })
  const auth = createAuthClient({ url: server.url, apiKey: server.anonKey, persistSession: false })
  const statuses = []
  const subscription = auth.state$.subscribe((state) => statuses.push(state.status))
  const onSubscribe = statuses.length
  const signedIn = firstValueFrom(auth.state$.pipe(filter((state) => state.status === 'authenticated')))
  await auth.signInWithPassword({ email, password })
  const state = await signedIn
  const { claims } = await getClaims(auth)
  subscription.unsubscribe()
  const asyncDispose = typeof auth[Symbol.asyncDispose]
  await auth[Symbol.asyncDispose]()
  const afterDispose = await auth.signInWithPassword({ email, password }).then(() => 'resolved', (error) => error.code)
  console.log(JSON.stringify({
    rxjs: JSON.parse(readFileSync(new URL('./node_modules/rxjs/package.json', import.meta.url), 'utf8')).version,
    onSubscribe,
    last: statuses.at(-1),
    appObservable: auth.state$ instanceof Observable,
    appActor: auth.actor instanceof Actor,
    claimsMatch: claims.sub === state.session?.user.id,
    asyncDispose,
    afterDispose,
  }))
} finally {
  await server.close()
}
`

/** `npm ci` in `dir` unless its `node_modules` was installed from the current lock. */
function installIfStale(dir: string): void {
  const hidden = resolve(dir, 'node_modules/.package-lock.json')
  if (existsSync(hidden) && statSync(hidden).mtimeMs >= statSync(resolve(dir, 'package-lock.json')).mtimeMs) return
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' })
}

/** Builds the package (with declarations) into a staging folder beside its package.json, README and LICENSE, and packs it. */
async function pack(work: string): Promise<string> {
  const stage = join(work, 'stage')
  const { buildPackage } = await import('../../scripts/build.js')
  await buildPackage({ outDir: join(stage, 'dist'), declarations: true })
  for (const file of ['package.json', 'README.md', 'LICENSE']) cpSync(resolve(root, file), join(stage, file))
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const [{ filename }] = JSON.parse(out) as [{ filename: string }]
  rmSync(stage, { recursive: true, force: true })
  return join(work, filename)
}

/**
 * A consumer project: the unpacked package copied into its `node_modules` (so its own imports resolve from
 * there, as after `npm install`), its dependencies and rxjs linked in, `@types/node` only when asked.
 */
function consumerProject(dir: string, unpacked: string, options: { rxjs: string; nodeTypes: boolean }): void {
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, '@types'), { recursive: true })
  cpSync(unpacked, join(modules, 'supabase-auth-machine'), { recursive: true })
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of Object.keys(manifest.dependencies)) symlinkSync(resolve(root, 'node_modules', name), join(modules, name), 'dir')
  symlinkSync(installed(options.rxjs), join(modules, 'rxjs'), 'dir')
  if (options.nodeTypes) symlinkSync(installed('@types/node'), join(modules, '@types/node'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER)
  writeFileSync(join(dir, 'disposable.ts'), DISPOSABLE)
}

function tsconfig(c: Compile): object {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: RESOLUTIONS[c.resolution],
      moduleResolution: c.resolution,
      lib: [c.disposable ? 'ESNext' : 'ES2023', 'DOM'],
      // Explicit, as TypeScript 6 includes no @types package by default; absent from node_modules otherwise.
      ...(c.nodeTypes ? { types: ['node'] } : {}),
      strict: true,
      skipLibCheck: false,
      // TypeScript's own lib files are not ours to check, and checking lib.dom.d.ts triples the time.
      skipDefaultLibCheck: true,
      noEmit: true,
    },
    files: c.disposable ? ['consumer.ts', 'disposable.ts'] : ['consumer.ts'],
  }
}

/** `compile.mjs`: tsconfigs checked by one TypeScript 5.x/6.x, in one process. */
async function compileMany(typescript: string, configs: string[]): Promise<{ exitCode: number; output: string }[]> {
  const { stdout } = await execFile(process.execPath, [resolve(consumers, 'compile.mjs'), typescript, ...configs], {
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  })
  return (JSON.parse(stdout) as { exitCode: number; output: string }[]).map(({ exitCode, output }) => ({ exitCode, output }))
}

/** TypeScript 7's `tsc`, once per tsconfig. */
async function nativeTsc(configs: string[]): Promise<{ exitCode: number; output: string }[]> {
  const results = []
  for (const config of configs) {
    try {
      await execFile(process.execPath, [installed('ts7/bin/tsc'), '-p', config, '--pretty', 'false'], { cwd: dirname(config), timeout: 120_000 })
      results.push({ exitCode: 0, output: '' })
    } catch (error) {
      const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string }
      results.push({ exitCode: typeof code === 'number' ? code : -1, output: `${stdout ?? ''}${stderr ?? ''}`.trim() })
    }
  }
  return results
}

/** Runs `jobs` two at a time (the CI machine has two cores). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = []
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++
      results[index] = await jobs[index]!()
    }
  }
  await Promise.all([worker(), worker()])
  return results
}

let work: string
const compiled = new Map<string, { exitCode: number; output: string }>()
let runtime: Record<string, unknown>

beforeAll(async () => {
  const started = performance.now()
  installIfStale(consumers)
  work = mkdtempSync(join(tmpdir(), 'sam-consumers-'))
  const tarball = await pack(work)
  const packed = performance.now()
  const unpacked = join(work, 'unpacked')
  mkdirSync(unpacked)
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked])
  const pkg = join(unpacked, 'package')

  const projects = {
    plain: join(work, 'plain'),
    node: join(work, 'node'),
    runtime: join(work, 'runtime'),
  }
  consumerProject(projects.plain, pkg, { rxjs: RXJS_TYPES, nodeTypes: false })
  consumerProject(projects.node, pkg, { rxjs: RXJS_TYPES, nodeTypes: true })
  consumerProject(projects.runtime, pkg, { rxjs: RXJS_RUNTIME, nodeTypes: false })
  writeFileSync(join(projects.runtime, 'run.mjs'), RUNTIME)

  // One process per TypeScript (compile.mjs shares parsed files between its tsconfigs); TypeScript 7 has no
  // JavaScript compiler API, and its native tsc takes about a second per tsconfig.
  const jobs = (Object.keys(TYPESCRIPTS) as TypeScript[]).map((typescript) => async () => {
    const group = COMPILES.filter((c) => c.typescript === typescript)
    const configs = group.map((c) => {
      const config = join(c.nodeTypes ? projects.node : projects.plain, `tsconfig.${c.typescript}.${c.resolution}${c.disposable ? '.disposable' : ''}.json`)
      writeFileSync(config, JSON.stringify(tsconfig(c), null, 2))
      return config
    })
    const results = await (typescript === 'ts7' ? nativeTsc(configs) : compileMany(installed(typescript), configs)).catch((error: unknown) =>
      configs.map(() => ({ exitCode: -1, output: String(error) })),
    )
    group.forEach((c, index) => compiled.set(nameOf(c), results[index]!))
  })
  const run = async () => {
    try {
      const { stdout } = await execFile(process.execPath, ['run.mjs'], { cwd: projects.runtime, timeout: 60_000 })
      runtime = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
    } catch (error) {
      runtime = { error: String((error as { stderr?: string }).stderr || error) }
    }
  }
  await inPairs([...jobs, run])
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  console.log(`consumers: install and pack ${seconds(packed - started)}, ${COMPILES.length} compiles and the rxjs run ${seconds(performance.now() - packed)}`)
}, 600_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed package in a consumer project', () => {
  it.each(COMPILES.map((c) => [nameOf(c)]))('compiles with skipLibCheck false: %s', (name) => {
    expect(compiled.get(name)).toEqual({ exitCode: 0, output: '' })
  })

  it('runs with rxjs 7.0.0, the lowest of its peer range: state$ is current on subscribe and is the app\'s Observable', () => {
    expect(runtime).toEqual({
      rxjs: '7.0.0',
      onSubscribe: 1,
      last: 'authenticated',
      appObservable: true,
      appActor: true,
      claimsMatch: true,
      asyncDispose: 'function',
      afterDispose: 'disposed',
    })
  })

  it('declares caret ranges for its dependencies, an rxjs peer range whose floor is the release run above, and optional peers for the adapters', () => {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      peerDependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional?: boolean }>
    }
    for (const range of Object.values(manifest.dependencies)) expect(range).toMatch(/^\^\d+\.\d+\.\d+$/)
    expect(manifest.peerDependencies['rxjs']).toBe('^7.0.0')
    // Every other peer serves one companion entry (/svelte, /angular, /inspect) and is optional.
    for (const [name, range] of Object.entries(manifest.peerDependencies)) {
      expect(range).toMatch(/^\^\d+\.\d+\.\d+$/)
      if (name !== 'rxjs') expect(manifest.peerDependenciesMeta[name], name).toEqual({ optional: true })
    }
  })
})
