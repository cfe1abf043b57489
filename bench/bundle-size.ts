/**
 * Bundle size: each entry bundled with esbuild (minified, ESM), gzip -9. Browser platform except the
 * node-only `/testing` entry. The metafile tells which bundles contain `jose`.
 *
 * Usage: `tsx bench/bundle-size.ts` — prints one JSON line. Run after `npm run build` (entries are `dist/`).
 * @module
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { ROOT } from './child.js'

export interface BundleResult {
  name: string
  entry: string
  platform: 'browser' | 'node'
  minBytes: number
  gzipBytes: number
  hasJose: boolean
  /** Bytes of minified output per package (top contributors), from the metafile. */
  byPackage: Record<string, number>
  note?: string
}

interface Target {
  name: string
  entry: string
  platform: 'browser' | 'node'
  external?: string[]
  note?: string
}

/** What the companion entries share with the main entry at run time: measured once, in the main entry's row. */
const SHARED = ['./index.js', './errors.js']

const TARGETS: Target[] = [
  { name: 'ours: main entry (.)', entry: 'dist/index.js', platform: 'browser' },
  { name: 'ours: main entry, rxjs external (peer)', entry: 'dist/index.js', platform: 'browser', external: ['rxjs'], note: 'rxjs is a peer the app already bundles' },
  { name: 'ours: ./admin', entry: 'dist/admin.js', platform: 'browser', external: SHARED },
  { name: 'ours: ./jwt', entry: 'dist/jwt.js', platform: 'browser', external: SHARED, note: 'getClaims: verifies with jose' },
  { name: 'ours: ./mfa', entry: 'dist/mfa.js', platform: 'browser', external: SHARED, note: 'multi-factor: enrol, challenge, verify' },
  { name: 'ours: ./inspect', entry: 'dist/inspect.js', platform: 'browser', external: SHARED, note: 'redaction for inspectors' },
  { name: 'ours: ./svelte', entry: 'dist/svelte.js', platform: 'browser', external: [...SHARED, 'svelte', 'svelte/*'], note: 'Svelte stores and runes; svelte itself external' },
  { name: 'ours: ./angular', entry: 'dist/angular.js', platform: 'browser', external: [...SHARED, '@angular/*'], note: 'Angular providers, signals, guard, interceptor; Angular external' },
  { name: 'ours: ./devtools', entry: 'dist/devtools.js', platform: 'browser', external: SHARED, note: 'live chart panel for development' },
  { name: 'ours: ./ssr', entry: 'dist/ssr.js', platform: 'browser', external: SHARED, note: 'cookie sessions (@supabase/ssr format), one client per request' },
  { name: 'ours: ./identities', entry: 'dist/identities.js', platform: 'browser', external: SHARED, note: 'SSO, ID-token and anonymous sign-in, identity linking' },
  { name: 'ours: ./handoff', entry: 'dist/handoff.js', platform: 'browser', external: SHARED, note: 'sessions handed over: setSession, exchangeCodeForSession, the implicit flow' },
  { name: 'ours: ./confirmations', entry: 'dist/confirmations.js', platform: 'browser', external: SHARED, note: 'password reset, resend a confirmation, reauthenticate for a password change' },
  { name: 'ours: ./webauthn', entry: 'dist/webauthn.js', platform: 'browser', external: SHARED, note: 'WebAuthn factors and passkeys' },
  { name: 'ours: ./web3', entry: 'dist/web3.js', platform: 'browser', external: SHARED, note: 'Sign-In with Ethereum / Solana wallets' },
  { name: 'ours: ./oauth', entry: 'dist/oauth.js', platform: 'browser', external: SHARED, note: 'OAuth 2.1 server: consent page and grants' },
  { name: 'ours: ./testing', entry: 'dist/testing.js', platform: 'node', note: 'node-only (node:http), bundled for node' },
  { name: 'auth-js: main entry', entry: 'node_modules/@supabase/auth-js/dist/module/index.js', platform: 'browser' },
  { name: 'app: sign in + state$ (ours)', entry: 'bench/apps/sign-in-state.ts', platform: 'browser' },
  { name: 'app: sign in + onAuthStateChange (auth-js)', entry: 'bench/apps/sign-in-state-auth-js.ts', platform: 'browser' },
]

function packageOf(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (match) return match[1]!
  return path.startsWith('bench/') ? 'app' : 'supabase-auth-machine'
}

async function measure(target: Target): Promise<BundleResult> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [target.entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: target.platform,
    target: 'es2022',
    write: false,
    metafile: true,
    external: target.external ?? [],
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const byPackage: Record<string, number> = {}
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(path)
      byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput
    }
  }
  return {
    name: target.name,
    entry: target.entry,
    platform: target.platform,
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    hasJose: Object.keys(result.metafile.inputs).some((path) => packageOf(path) === 'jose'),
    byPackage,
    ...(target.note ? { note: target.note } : {}),
  }
}

const results: BundleResult[] = []
for (const target of TARGETS) results.push(await measure(target))
console.log(JSON.stringify({ results }))
