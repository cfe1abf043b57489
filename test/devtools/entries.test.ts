/**
 * What the `/devtools` and `/inspect` entries cost and carry, bundled from source for the browser with
 * esbuild (min + gzip, as the bench measures the built entries): the main entry pulls neither, the panel
 * carries none of the client's runtime (it reads the client through its public streams), and `/inspect`
 * carries neither `ws` nor `@statelyai/inspect` (the app brings them) and builds for the browser.
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url).pathname

async function bundle(entry: string): Promise<{ inputs: string[]; gzip: number }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  })
  return { inputs: Object.keys(result.metafile.inputs), gzip: gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length }
}

describe('entry isolation and size', () => {
  it('the main entry pulls neither /devtools nor /inspect', async () => {
    const { inputs } = await bundle('src/index.ts')
    expect(inputs.filter((input) => input.startsWith('src/devtools/') || input.startsWith('src/inspect/'))).toEqual([])
  })

  it('/devtools is the panel and its chart only, under 10 KB min+gzip', async () => {
    const { inputs, gzip } = await bundle('src/devtools/index.ts')
    expect(inputs.filter((input) => !input.startsWith('src/devtools/'))).toEqual([])
    expect(gzip).toBeLessThan(10_000)
  })

  it('/inspect carries no WebSocket library nor @statelyai/inspect, under 3 KB min+gzip', async () => {
    const { inputs, gzip } = await bundle('src/inspect/index.ts')
    expect(inputs.filter((input) => input.includes('node_modules/'))).toEqual([])
    expect(gzip).toBeLessThan(3_000)
  })
})
