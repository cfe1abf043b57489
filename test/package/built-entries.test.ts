/**
 * The package as users load it: the build (`scripts/build.ts`) run into a scratch folder, its entries
 * imported by Node, not by vitest's TypeScript transform.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as source from '../../src/index.js'
import { openTarget, PASSWORD, type Target, uniqueEmail } from '../support/target.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
// Inside the project, so the bundles' bare imports (xstate, rxjs, jose) resolve from node_modules.
const OUT = 'node_modules/.cache/package-test'

type Main = typeof import('../../src/index.js')
type Admin = typeof import('../../src/admin/index.js')
type Testing = typeof import('../../src/testing/index.js')

/** Imports a built file in a clean `node` process and reports what it exports. */
function exportsOf(file: string): string[] {
  const script = `import(${JSON.stringify(pathToFileURL(resolve(root, OUT, file)).href)}).then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[]
}

let main: Main
let admin: Admin
let testing: Testing
let target: Target

beforeAll(async () => {
  const { buildPackage } = await import('../../scripts/build.js')
  await buildPackage({ outDir: OUT, declarations: false })
  const load = (file: string) => import(pathToFileURL(resolve(root, OUT, file)).href)
  ;[main, admin, testing] = (await Promise.all([load('index.js'), load('admin.js'), load('testing.js')])) as [Main, Admin, Testing]
  target = await openTarget()
}, 60_000)

afterAll(async () => {
  await target?.close()
  rmSync(resolve(root, OUT), { recursive: true, force: true })
})

/** A confirmed user made through the admin API, so sign-in works whatever the server's confirmation setting. */
async function signedUpUser(): Promise<{ email: string; password: string }> {
  const email = uniqueEmail('built')
  await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
  return { email, password: PASSWORD }
}

describe('built package', () => {
  it('the main entry exports, in plain Node, exactly what the source entry exports', () => {
    expect(exportsOf('index.js')).toEqual(Object.keys(source).sort())
  })

  it('the /jwt entry exports getClaims and loads jose; the main entry does not', async () => {
    const jwtSource = await import('../../src/jwt/index.js')
    expect(exportsOf('jwt.js')).toEqual(Object.keys(jwtSource).sort())
    const importsOf = (file: string) =>
      [...readFileSync(resolve(root, OUT, file), 'utf8').matchAll(/^import[^;]*?from\s*"([^"]+)"/gms)].map((m) => m[1])
    expect(importsOf('jwt.js')).toContain('jose')
    expect(importsOf('index.js')).not.toContain('jose')
  })

  it('the /identities entry exports what its source exports and runs its calls through the built client', async () => {
    const identitiesSource = await import('../../src/identities/index.js')
    expect(exportsOf('identities.js')).toEqual(Object.keys(identitiesSource).sort())
    const built = (await import(pathToFileURL(resolve(root, OUT, 'identities.js')).href)) as typeof identitiesSource
    const client = main.createAuthClient({ url: target.url, apiKey: target.anonKey, persistSession: false })
    await client.signInWithPassword(await signedUpUser())
    const { identities } = await built.getUserIdentities(client)
    expect(identities.map((identity) => identity.provider)).toEqual(['email'])
    const refused = await built.getUserIdentities({} as never).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(main.AuthInvalidCredentialsError)
    client.dispose()
  })

  it('an error thrown by /admin is an instance of the main entry\'s classes (one errors module at run time)', async () => {
    const client = admin.createAdminClient({ url: target.url, serviceRoleKey: 'not-a-service-role-key' })
    const error = await client.listUsers().then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(main.AuthError)
    expect(error).toBeInstanceOf(main.AuthApiError)
    // GoTrue's answer to a bearer that is not a JWT.
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt' })
  })

  it('the built client signs in and reports it on state$', async () => {
    const client = main.createAuthClient({ url: target.url, apiKey: target.anonKey, persistSession: false })
    const statuses: string[] = []
    const subscription = client.state$.subscribe((state) => statuses.push(state.status))
    await client.signInWithPassword(await signedUpUser())
    expect(client.snapshot.status).toBe('authenticated')
    expect(statuses).toContain('signingIn')
    expect(statuses.at(-1)).toBe('authenticated')
    // The built /jwt entry reaches the built client's transport (a key shared through Symbol.for).
    const jwt = (await import(pathToFileURL(resolve(root, OUT, 'jwt.js')).href)) as typeof import('../../src/jwt/index.js')
    const { claims } = await jwt.getClaims(client)
    expect(claims.sub).toBe(client.snapshot.session?.user.id)
    subscription.unsubscribe()
    client.dispose()
  })

  it('the built /testing entry starts a local auth server that answers', async () => {
    const built = await testing.startAuthServer()
    try {
      const response = await fetch(`${built.url}/health`, { headers: { apikey: built.anonKey } })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ name: 'GoTrue' })
    } finally {
      await built.close()
    }
  })

  it('the main entry imports neither jose nor any node: module (it runs in browsers)', () => {
    const code = readFileSync(resolve(root, OUT, 'index.js'), 'utf8')
    const imported = [...code.matchAll(/^import[^;]*?from\s*"([^"]+)"/gms)].map((m) => m[1])
    expect(imported.length).toBeGreaterThan(0)
    expect(imported.filter((name) => name === 'jose' || name?.startsWith('node:'))).toEqual([])
    expect(new Set(imported)).toEqual(new Set(['./errors.js', 'xstate', 'rxjs']))
  })
})
