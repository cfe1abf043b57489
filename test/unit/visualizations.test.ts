import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, assign, createMachine, fromPromise, not, setup } from 'xstate'
import { describe, expect, it } from 'vitest'
import { machines } from '../../machines/index.js'
import { guardLabel } from '../../scripts/chart/labels.js'
import { withReadmeCharts } from '../../scripts/chart/outputs.js'
import { renderSvg } from '../../scripts/chart/render-svg.js'
import { planChartSync } from '../../scripts/chart/sync.js'
import { toDot } from '../../scripts/chart/to-dot.js'
import { toMermaid } from '../../scripts/chart/to-mermaid.js'

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** A small machine with one of each construct the chart has to draw. */
const doorMachine = setup({
  types: { context: {} as { opens: number }, events: {} as { type: 'OPEN' } | { type: 'CLOSE' } | { type: 'KICK' } | { type: 'door:reset' } },
  actors: { unlock: fromPromise(async () => 'ok'), inspect: fromPromise(async () => 'ok') },
  guards: {
    isAllowed: () => true,
    isWeekend: () => false,
    hasBudget: (_, params: { min: number }) => params.min > 0,
  },
  delays: { autoClose: 1000 },
}).createMachine({
  id: 'door',
  initial: 'closed',
  context: { opens: 0 },
  on: { KICK: '.broken', 'door:reset': { actions: assign({ opens: 0 }) } },
  states: {
    closed: {
      on: {
        OPEN: [
          { guard: and(['isAllowed', not('isWeekend')]), target: 'opening' },
          { guard: { type: 'hasBudget', params: { min: 1 } }, target: 'opening.idle' },
        ],
      },
    },
    opening: {
      initial: 'unlocking',
      on: { OPEN: { target: '.unlocking', reenter: true } },
      states: {
        unlocking: {
          invoke: { id: 'unlock', src: 'unlock', onDone: 'idle', onError: '#door.broken' },
        },
        idle: { after: { autoClose: '#door.closed', 500: { target: 'idle', reenter: true } } },
      },
    },
    broken: {
      invoke: { id: 'inspect', src: 'inspect', onDone: 'scrapped' },
      always: { guard: not('isAllowed'), target: 'scrapped' },
      initial: 'idle',
      states: { idle: {} },
    },
    scrapped: { type: 'final' },
  },
})

describe('committed charts', () => {
  it('match what the machines generate', async () => {
    const { writes, removals } = await planChartSync(rootDir, machines)
    const stale = [...writes.map((file) => file.path), ...removals]
    expect(stale, `Charts are out of date (${stale.join(', ')}); run \`npm run visualize\` and commit the result.`).toEqual([])
  })
})

describe('toMermaid', () => {
  const mmd = toMermaid(doorMachine)
  const lines = mmd.split('\n').map((line) => line.trim())

  it('starts a left-to-right state diagram with the initial state', () => {
    expect(lines[0]).toBe('stateDiagram-v2')
    expect(lines).toContain('direction LR')
    expect(lines.indexOf('[*] --> closed')).toBeGreaterThan(0)
    expect(toMermaid(doorMachine, { direction: 'TB' })).toContain('direction TB')
  })

  it('draws a compound state as a block with its own initial state and inner edges', () => {
    const block = mmd.slice(mmd.indexOf('state opening {'), mmd.indexOf('}', mmd.indexOf('state opening {')))
    expect(block).toContain('[*] --> unlocking')
    expect(block).toContain('unlocking --> opening_idle : done(unlock)')
    expect(block).toContain('opening_idle --> opening_idle : after(500ms)')
  })

  it('gives states sharing a key distinct ids, labelled with the key', () => {
    expect(lines).toContain('state "idle" as opening_idle')
    expect(lines).toContain('state "idle" as broken_idle')
  })

  it('marks final states and labels guards, delays and actor results readably', () => {
    expect(lines).toContain('scrapped --> [*]')
    expect(lines).toContain('closed --> opening : OPEN [isAllowed and not isWeekend]')
    expect(lines).toContain('closed --> opening_idle : OPEN [hasBudget]')
    expect(lines).toContain('opening_idle --> closed : after(autoClose)')
    expect(lines).toContain('unlocking --> broken : error(unlock)')
    expect(lines).toContain('broken --> scrapped : done(inspect)<br>always [not isAllowed]')
    expect(lines).toContain('opening --> unlocking : OPEN')
  })

  it('draws root transitions from one "any state" pseudo-state and escapes colons', () => {
    expect(lines).toContain('state "any state" as anyState')
    expect(lines).toContain('anyState --> broken : KICK')
    expect(lines).toContain('anyState --> anyState : door\u2236reset (internal)')
    expect(mmd).not.toMatch(/ : [^\n]*:/)
  })

  it('is deterministic', () => {
    expect(toMermaid(doorMachine)).toBe(mmd)
  })
})

describe('guardLabel', () => {
  it('renders combinators, parameterized and inline guards', () => {
    expect(guardLabel('isAllowed')).toBe('isAllowed')
    expect(guardLabel(not(and(['a', 'b'])))).toBe('not (a and b)')
    expect(guardLabel({ type: 'hasBudget', params: { min: 1 } })).toBe('hasBudget')
    expect(guardLabel(function isLucky() { return true })).toBe('isLucky')
  })
})

describe('toDot and renderSvg', () => {
  it('render nested states to the same SVG every time', async () => {
    const dot = toDot(doorMachine)
    expect(dot).toContain('subgraph "cluster_opening"')
    expect(dot).toContain('"closed" -> "(start) opening" [label="OPEN [isAllowed and not isWeekend]", lhead="cluster_opening"]')
    const first = await renderSvg(dot)
    expect(first).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*any state[\s\S]*<\/svg>\s*$/)
    expect(await renderSvg(toDot(doorMachine))).toBe(first)
  })

  it('draws a machine without root transitions or compound states', async () => {
    const flat = createMachine({ id: 'flat', initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } })
    expect(toMermaid(flat)).not.toContain('any state')
    expect(await renderSvg(toDot(flat))).toContain('GO')
  })

  it('rejects invalid DOT with the Graphviz message', async () => {
    await expect(renderSvg('digraph {')).rejects.toThrow(/Graphviz could not render/)
  })
})

describe('withReadmeCharts', () => {
  const chart = { name: 'door', mermaid: 'stateDiagram-v2\n  [*] --> a\n' }

  it('replaces only the text between the markers, idempotently', () => {
    const readme = 'intro\n<!-- chart:door:start -->\nold\n<!-- chart:door:end -->\noutro\n'
    const updated = withReadmeCharts(readme, [chart])
    expect(updated).toBe('intro\n<!-- chart:door:start -->\n```mermaid\nstateDiagram-v2\n  [*] --> a\n```\n<!-- chart:door:end -->\noutro\n')
    expect(withReadmeCharts(updated, [chart])).toBe(updated)
  })

  it('leaves a README without markers alone', () => {
    expect(withReadmeCharts('no charts here', [chart])).toBe('no charts here')
  })
})
