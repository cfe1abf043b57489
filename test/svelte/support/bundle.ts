/**
 * Runs Svelte code under Node in the tests: esbuild bundles a fixture with Svelte's compiler as a plugin
 * (`.svelte` components and `.svelte.js` rune modules), Svelte's runtime and the adapter from `src/svelte`
 * into one ES module, which the test then imports. `browser` picks Svelte's client runtime (effects,
 * `createSubscriber`, `fromStore` with teardown: what runs in a real page), `server` its SSR runtime, as
 * a SvelteKit server would load it. The vitest config itself resolves `svelte` to the server runtime.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { compile, compileModule } from 'svelte/compiler'

export type SvelteTarget = 'browser' | 'server'

function sveltePlugin(target: SvelteTarget): Plugin {
  const generate = target === 'browser' ? 'client' : 'server'
  return {
    name: 'svelte',
    setup(context) {
      context.onLoad({ filter: /\.svelte$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        const { js } = compile(source, { filename: args.path, generate, runes: true })
        return { contents: js.code, loader: 'js' }
      })
      context.onLoad({ filter: /\.svelte\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        const { js } = compileModule(source, { filename: args.path, generate })
        return { contents: js.code, loader: 'js' }
      })
    },
  }
}

/** Bundles `entry` for `target` and imports it; the temporary file is removed once loaded. */
export async function loadSvelte<T>(entry: string, target: SvelteTarget): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sam-svelte-'))
  const outfile = join(dir, `${target}.mjs`)
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      conditions: target === 'browser' ? ['browser'] : [],
      plugins: [sveltePlugin(target)],
      logLevel: 'silent',
    })
    return (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as T
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
