/**
 * The entry costs nothing to apps that do not import it: the main entry's module graph reaches no Svelte
 * code, and `/svelte` carries only its own modules (the client's code is the app's copy from the main entry,
 * imported as types only here). Checked on esbuild's metafile, as a bundler would see it.
 */
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

/** The source files bundled into `entry`, and the packages it leaves as imports. */
async function graphOf(entry: string): Promise<{ inputs: string[]; imports: string[] }> {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'neutral', packages: 'external', metafile: true, logLevel: 'silent' })
  return {
    inputs: Object.keys(metafile.inputs),
    imports: Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path)),
  }
}

describe('supabase-auth-machine/svelte as an entry of its own', () => {
  it('the main entry imports nothing of svelte and nothing of src/svelte', async () => {
    const { inputs, imports } = await graphOf('src/index.ts')
    expect(inputs.filter((path) => path.includes('svelte'))).toEqual([])
    expect(imports.filter((path) => path.includes('svelte'))).toEqual([])
  })

  it('the svelte entry bundles only its own modules and imports only svelte', async () => {
    const { inputs, imports } = await graphOf('src/svelte/index.ts')
    expect(inputs.every((path) => path.startsWith('src/svelte/'))).toBe(true)
    expect(new Set(imports)).toEqual(new Set(['svelte', 'svelte/reactivity']))
  })
})
