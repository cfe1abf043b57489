/**
 * The devtools panel's chart, checked without a browser: the embedded SVG is the one `npm run visualize`
 * draws (so it never goes stale), every status the client can be in has a shape to highlight, and
 * mounting without a DOM (server rendering) is a no-op rather than an error.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { AuthStatus } from '../../machines/lifecycle-types.js'
import { DEVTOOLS_CHART_PATH, devtoolsChartModule, LIFECYCLE_SVG_PATH } from '../../scripts/visualize.js'
import { mountLifecyclePanel } from '../../src/devtools/index.js'
import { LIFECYCLE_SVG } from '../../src/devtools/lifecycle-chart.js'
import { createAuthClient, memoryStorage } from '../../src/index.js'

const ROOT = new URL('../../', import.meta.url)
/** Keyed by status, so a status added to `AuthStatus` fails to compile here until it is listed. */
const STATUSES = Object.keys({
  initializing: 1,
  signedOut: 1,
  signingIn: 1,
  anonymous: 1,
  mfaChallenge: 1,
  authenticated: 1,
  refreshing: 1,
  signingOut: 1,
} satisfies Record<AuthStatus, 1>) as AuthStatus[]

describe('the chart the panel embeds', () => {
  it('is the committed lifecycle SVG, as `npm run visualize` writes it', () => {
    const svg = readFileSync(new URL(LIFECYCLE_SVG_PATH, ROOT), 'utf8')
    expect(readFileSync(new URL(DEVTOOLS_CHART_PATH, ROOT), 'utf8')).toBe(devtoolsChartModule(svg))
    expect(LIFECYCLE_SVG.startsWith('<svg')).toBe(true)
    expect(LIFECYCLE_SVG).not.toMatch(/<\?xml|<!DOCTYPE|<!--/)
  })

  it('has a node or a box for every status', () => {
    const titles = new Set([...LIFECYCLE_SVG.matchAll(/<g id="[^"]+" class="(?:node|cluster)">\s*<title>([^<]+)<\/title>/g)].map((match) => match[1]))
    const missing = STATUSES.filter((status) => !titles.has(status) && !titles.has(`cluster_${status}`))
    expect(missing).toEqual([])
  })
})

describe('mountLifecyclePanel without a DOM', () => {
  it('mounts nothing and returns an unmount that does nothing', () => {
    const auth = createAuthClient({ url: 'http://127.0.0.1:9', apiKey: 'anon', storage: memoryStorage() })
    const element = {} as HTMLElement
    const unmount = mountLifecyclePanel(auth, element)
    expect(unmount()).toBeUndefined()
    auth.dispose()
  })
})
