/**
 * The lifecycle panel: the chart `npm run visualize` draws, with the client's current status lit up as
 * it changes, and the last auth events below it. Everything it shows is in the bundle (no fetch, no
 * hosted inspector), so it works offline; it shows event names and times, never a session or a token.
 * @module
 */
import type { StateValue } from 'xstate'
import type { AuthClient } from '../client/auth-client.js'
import type { AuthStatus } from '../client/state.js'
import { shapesOf, stepShapesOf } from './chart-nodes.js'
import { LIFECYCLE_SVG } from './lifecycle-chart.js'
import { PANEL_CSS } from './panel-style.js'

/**
 * How the panel looks.
 *
 * @example
 * mountLifecyclePanel(auth, element, { events: 25 })
 */
export interface LifecyclePanelOptions {
  /** How many of the latest auth events the list keeps. Default 10; 0 hides the list. */
  events?: number
}

const DEFAULT_EVENTS = 10

function clock(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** The panel's markup; only constants go through `innerHTML`, everything the client says is text. */
function render(root: ShadowRoot): { status: HTMLOutputElement; svg: SVGSVGElement | null; list: HTMLOListElement } {
  root.innerHTML = `<style>${PANEL_CSS}</style>
<section class="panel" aria-label="Auth lifecycle">
  <header><strong>Auth lifecycle</strong><output aria-live="polite"></output></header>
  <div class="chart" role="img" aria-label="Lifecycle statechart">${LIFECYCLE_SVG}</div>
  <ol aria-label="Last auth events"></ol>
</section>`
  return {
    status: root.querySelector('output')!,
    svg: root.querySelector('svg'),
    list: root.querySelector('ol')!,
  }
}

/**
 * Shows `auth`'s lifecycle chart inside `element`, the current status highlighted (its shape gets
 * `data-current`, the panel `data-status`; the step within it, e.g. `credentials`, gets `data-step`), with the last `options.events` auth events listed, newest first.
 * A development aid: mount it behind your dev flag so production bundles leave the entry out. Returns the
 * function that unmounts it; without a DOM (server rendering) it mounts nothing.
 *
 * @example
 * ```ts
 * import { mountLifecyclePanel } from 'supabase-auth-machine/devtools'
 * if (import.meta.env.DEV) mountLifecyclePanel(auth, document.getElementById('auth-devtools')!)
 * ```
 */
export function mountLifecyclePanel(auth: AuthClient, element: HTMLElement, options: LifecyclePanelOptions = {}): () => void {
  if (typeof document === 'undefined') return () => {}
  const keep = Math.max(0, options.events ?? DEFAULT_EVENTS)
  // A host of our own: the app's element may already have a shadow root, or be one that cannot have one.
  const host = document.createElement('div')
  host.dataset['samDevtools'] = ''
  const { status, svg, list } = render(host.attachShadow({ mode: 'open' }))
  list.hidden = keep === 0
  element.append(host)

  let lit: Element[] = []
  const show = (current: AuthStatus) => {
    if (host.dataset['status'] === current) return
    for (const shape of lit) shape.removeAttribute('data-current')
    lit = svg ? shapesOf(svg, current) : []
    for (const shape of lit) shape.setAttribute('data-current', '')
    host.dataset['status'] = current
    status.value = current
  }

  let stepping: Element[] = []
  const step = (value: StateValue) => {
    for (const shape of stepping) shape.removeAttribute('data-step')
    stepping = svg ? stepShapesOf(svg, value) : []
    for (const shape of stepping) shape.setAttribute('data-step', '')
  }

  const states = auth.state$.subscribe((state) => show(state.status))
  // The step within the status (`restoring`, `credentials`) is the chart's own detail: read off the actor.
  step(auth.actor.getSnapshot().value)
  const steps = auth.actor.subscribe({ next: (snapshot) => step(snapshot.value), error: () => {} })
  const events = auth.events$.subscribe(({ event }) => {
    if (keep === 0) return
    const item = document.createElement('li')
    const time = document.createElement('time')
    const name = document.createElement('span')
    time.textContent = clock(new Date())
    name.textContent = event
    item.append(time, name)
    list.prepend(item)
    while (list.children.length > keep) list.lastElementChild?.remove()
  })

  return () => {
    states.unsubscribe()
    steps.unsubscribe()
    events.unsubscribe()
    host.remove()
  }
}
