/**
 * Angular in Node for the adapter's tests: environment injectors made directly (no TestBed, no platform),
 * over the root's `@angular/core`. `@angular/common` and `@angular/router` are published partially
 * compiled and refuse to load without `@angular/compiler` (JIT) or the build's linker; the guard and
 * interceptor tests load the compiler from the root when it is installed there, else from the example
 * app's install, and skip with the reason when neither is present.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createEnvironmentInjector, type EnvironmentInjector, type EnvironmentProviders, Injector, NgZone, type Provider } from '@angular/core'
import { createAuthClient, memoryStorage, type AuthClient, type AuthClientOptions } from '../../src/index.js'
import type { AuthServer } from '../../src/testing/index.js'

const EXAMPLE_COMPILER = fileURLToPath(new URL('../../examples/angular/node_modules/@angular/compiler/fesm2022/compiler.mjs', import.meta.url))

function rootCompiler(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@angular/compiler')
  } catch {
    return null
  }
}

/** Where the JIT compiler comes from, or null. */
const compilerPath = rootCompiler() ?? (existsSync(EXAMPLE_COMPILER) ? EXAMPLE_COMPILER : null)

/** Shown in a skipped suite's name. */
export const JIT_SKIP_NOTE =
  compilerPath === null
    ? ' (skipped: @angular/common and @angular/router need @angular/compiler to load in Node; run `cd examples/angular && npm ci`, or add @angular/compiler to the root devDependencies)'
    : ''
export const hasJit = compilerPath !== null

/** Loads the JIT compiler once; call before importing anything that imports `@angular/common` or `@angular/router`. */
export async function loadJit(): Promise<void> {
  if (compilerPath === null) throw new Error('no @angular/compiler')
  await import(pathToFileURL(compilerPath).href)
}

/** A root-like environment injector holding `providers`; `destroy()` it to end the test's world. */
export function environment(providers: Array<Provider | EnvironmentProviders>): EnvironmentInjector {
  // The adapter needs no platform: a bare injector parent stands in for the platform's.
  const platform = createEnvironmentInjector([], Injector.NULL as unknown as EnvironmentInjector, 'platform')
  return createEnvironmentInjector(providers, platform, 'test environment')
}

let keys = 0
/** Options for a client of `server` with its own in-memory storage and storage key (clients of one test file never meet). */
export function clientOptions(server: AuthServer, extra: Partial<AuthClientOptions> = {}): AuthClientOptions {
  keys += 1
  return { url: server.url, apiKey: server.anonKey, storage: memoryStorage(), storageKey: `angular-test-${keys}`, ...extra }
}

let users = 0
/** A fresh address and the password every test uses. */
export function newUser(tag: string): { email: string; password: string } {
  users += 1
  return { email: `${tag}-${Date.now().toString(36)}-${process.pid}-${users}@example.com`, password: 'correct-horse-battery' }
}

/** A client of `server` already signed in as a new (auto-confirmed) user, outside any injector. */
export async function signedInClient(server: AuthServer, extra: Partial<AuthClientOptions> = {}): Promise<AuthClient> {
  const auth = createAuthClient(clientOptions(server, extra))
  await auth.signUp(newUser('angular'))
  return auth
}

/**
 * A stand-in for zone.js's `NgZone` (an `NgZone` by prototype, so the adapter treats it as real) that
 * records which side of the zone synchronous work runs on. Work with no `run` around it counts as inside,
 * as continuations of work started in Angular's zone are under zone.js.
 */
export function recordingZone(): { zone: NgZone; where(): 'inside' | 'outside'; entries: () => number } {
  let where: 'inside' | 'outside' = 'inside'
  let entries = 0
  const enter = <T>(side: 'inside' | 'outside', fn: () => T): T => {
    const previous = where
    where = side
    try {
      return fn()
    } finally {
      where = previous
    }
  }
  const zone = Object.create(NgZone.prototype) as NgZone
  Object.assign(zone, {
    run: <T>(fn: () => T): T => {
      entries += 1
      return enter('inside', fn)
    },
    runOutsideAngular: <T>(fn: () => T): T => enter('outside', fn),
  })
  return { zone, where: () => where, entries: () => entries }
}
