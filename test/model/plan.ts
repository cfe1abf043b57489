/**
 * Which paths to run and what they must cover. Paths come from the `TestModel` (shortest paths, simple
 * paths), from one small model per callback URL the app can be opened at ("landing" paths, see `Landing`),
 * plus explicit "gap" paths for the transitions no generated path takes — self-loops above all, which
 * neither generator ever emits (the target serializes like the source).
 *
 * Coverage is judged first against the chart's own definition: every transition of every state node
 * (`chartTransitions`), whatever the traversal reached, minus the reviewed `UNREACHABLE_TRANSITIONS`. A
 * change that makes the traversal reach less (a guard that never passes any more) therefore leaves
 * transitions uncovered instead of shrinking the target. Then, more finely, against the steps of the full
 * model at the level of (source status, event type, target status).
 */
import { lifecycleMachine } from '../../machines/lifecycle.js'
import type { AuthStatus } from '../../machines/lifecycle-types.js'
import { chartTransitions, stateNodesNamed, transitionKey, type ChartTransition } from '../support/chart-transitions.js'
import {
  ALL_STATUSES,
  createLifecycleModel,
  LANDINGS,
  type Landing,
  refreshForced,
  selectedTransitions,
  serializeState,
  statusOf,
  type LifecycleModel,
  type ModelEvent,
  type ModelSnapshot,
} from './lifecycle-model.js'

export interface ModelStep {
  state: ModelSnapshot
  event: ModelEvent
}

/** The shape `TestModel.testPath` runs: `steps[0]` is `xstate.init`; each step's `state` is where its event led. */
export interface PlannedPath {
  origin: 'shortest' | 'simple' | 'landing' | 'gap'
  name: string
  steps: ModelStep[]
  state: ModelSnapshot
  weight: number
}

/**
 * Transitions of the chart's definition (keys as `chartTransitions` prints them) that the public client
 * can never take, each with why. Reviewed: every other transition must be taken by the real client, each
 * of these must still exist in the chart, and the real client must never take one of them.
 * The traversal skips events that would take one of them.
 */
export const UNREACHABLE_TRANSITIONS: Readonly<Record<string, string>> = {
  'initializing.restoring: error(restore) → signedOut':
    'the restoreSession actor (src/client/actors.ts) only awaits SessionStore.read(), which never throws: storage failures come back as a value',
  'signingOut: error(signOut) → signedOut':
    'the signOut actor (src/client/actors.ts) catches every failure of the logout call and reports it in its output',
}

interface Unreachable {
  id: string
  reason: string
  matches(snapshot: ModelSnapshot, event: ModelEvent): boolean
}

/**
 * Ways of taking a reachable transition that the public client cannot cause: from this status, with this
 * payload or context. The transition itself is covered another way; the traversal skips these variants,
 * and each must still match a step of the full model.
 */
export const UNREACHABLE_VARIANTS: readonly Unreachable[] = [
  {
    id: 'forced-refresh-adopts',
    reason: 'refreshSession() sends a forced REFRESH, and a forced refresh always spends the stored refresh token (actors.ts), never adopts',
    matches: (s, e) => e.type === 'xstate.done.actor.refresh' && e['outcome'] === 'adopted' && refreshForced(s) === true,
  },
  {
    id: 'anonymous-mfa-verify',
    reason: 'the server refuses /factors for anonymous users (403, as GoTrue), so verifying a factor cannot succeed for them',
    matches: (s, e) => e.type === 'xstate.done.actor.verifyMfa' && s.context.session?.user.is_anonymous === true,
  },
]

/** Why the client cannot cause `event` in `snapshot`: a listed transition it would take, or a variant rule. */
export function unreachableReason(snapshot: ModelSnapshot, event: ModelEvent): string | null {
  for (const transition of selectedTransitions(snapshot, event)) {
    const key = transitionKey(transition)
    if (Object.hasOwn(UNREACHABLE_TRANSITIONS, key)) return key
  }
  return UNREACHABLE_VARIANTS.find((u) => u.matches(snapshot, event))?.id ?? null
}

/** A readable event name with the payload variant, e.g. `done.signIn(mfa)`, `after.refreshCheck(due)`, `start(code)`. */
export function eventLabel(event: ModelEvent): string {
  if (event.type === 'xstate.init') return event['landing'] === undefined ? 'xstate.init' : `start(${String(event['landing'])})`
  const base = event.type
    .replace('xstate.done.actor.', 'done.')
    .replace('xstate.error.actor.', 'error.')
    .replace(/^xstate\.after\.([^.]+)\..*$/, 'after.$1')
  const variant = event['kind'] ?? event['outcome'] ?? event['elapsed']
  return typeof variant === 'string' ? `${base}(${variant})` : base
}

export const triple = (from: AuthStatus, type: string, to: AuthStatus): string => `${from} --${type}--> ${to}`
export const edgeKey = (from: ModelSnapshot, event: ModelEvent, to: ModelSnapshot): string =>
  `${serializeState(from)} ${eventLabel(event)} ${serializeState(to)}`

export interface Edge {
  from: ModelSnapshot
  event: ModelEvent
  to: ModelSnapshot
  key: string
  triple: string
}

type Adjacency = Record<string, { state: ModelSnapshot; transitions: Record<string, { event: ModelEvent; state: ModelSnapshot }> }>

function edgesOf(adjacency: Adjacency): Edge[] {
  return Object.values(adjacency).flatMap(({ state, transitions }) =>
    Object.values(transitions).map(({ event, state: to }) => ({
      from: state,
      event,
      to,
      key: edgeKey(state, event, to),
      triple: triple(statusOf(state), event.type, statusOf(to)),
    })),
  )
}

/** The (source status, event, target status) steps and edges a path takes. */
export function pathFacts(steps: readonly ModelStep[]): { triples: string[]; edges: string[]; statuses: AuthStatus[] } {
  const triples: string[] = []
  const edges: string[] = []
  const statuses: AuthStatus[] = steps.map((s) => statusOf(s.state))
  for (let i = 1; i < steps.length; i++) {
    const from = (steps[i - 1] as ModelStep).state
    const { event, state } = steps[i] as ModelStep
    triples.push(triple(statusOf(from), event.type, statusOf(state)))
    edges.push(edgeKey(from, event, state))
  }
  return { triples, edges, statuses }
}

const isDegrade = (e: ModelEvent): boolean => e.type === 'STORAGE_DEGRADED'

/**
 * Which step may come right before a `STORAGE_DEGRADED` in each status. The client only hears of a storage
 * failure from a storage call, so the path must leave one pending: the restore read (initializing), the
 * write after a sign-in (signingIn), the refresh's read (refreshing), the sign-out's removal (signingOut,
 * and signedOut after it), a revocation's removal (signedOut), or the write after a user update.
 */
function degradeCanFollow(status: AuthStatus, before: ModelStep, previous: ModelSnapshot | undefined): boolean {
  const type = before.event.type
  switch (status) {
    case 'initializing':
      return type === 'xstate.init'
    case 'signingIn':
      return type === 'SIGN_IN'
    case 'refreshing':
      return true
    case 'signingOut':
      return type === 'SIGN_OUT' && previous !== undefined && previous.context.session !== null && statusOf(previous) !== 'signingOut'
    case 'signedOut':
      return type === 'xstate.done.actor.signOut' || type === 'SESSION_REVOKED' || (type === 'xstate.error.actor.refresh' && before.event['outcome'] === 'terminal')
    default:
      return type === 'USER_UPDATED'
  }
}

export interface Plan {
  model: LifecycleModel
  /** Every transition of the chart's definition: the coverage target. */
  chart: ChartTransition[]
  /** Keys of `UNREACHABLE_TRANSITIONS` that name no transition of the chart (must be empty). */
  staleUnreachable: string[]
  /** Statuses that do not name exactly one state of the chart (must be empty). */
  unmatchedStatuses: string[]
  paths: PlannedPath[]
  counts: { shortest: number; simple: number; simpleGenerated: number; simpleReplayed: number; landing: number; gap: number }
  /** Status-level transitions of the full chart (unreachable ones included). */
  allTriples: Set<string>
  /** Those the public client cannot cause, with the rule that excludes them. */
  unreachableTriples: Map<string, string>
  /** `UNREACHABLE_VARIANTS` rules that matched no edge (must be empty, or the list went stale). */
  unusedRules: string[]
  /** Edges of the executable models, every landing's (STORAGE_DEGRADED self-loops excluded: they are required per status). */
  executableEdges: Set<string>
}

function named(origin: PlannedPath['origin'], steps: ModelStep[]): PlannedPath {
  const last = steps[steps.length - 1] as ModelStep
  const start = (steps[0] as ModelStep).event['landing'] === undefined ? [] : [eventLabel((steps[0] as ModelStep).event)]
  const name = `${origin}: ${[...start, ...steps.slice(1).map((s) => eventLabel(s.event))].join(' → ') || 'xstate.init'} ⇒ ${statusOf(last.state)}`
  return { origin, name, steps, state: last.state, weight: steps.length - 1 }
}

/**
 * After a failed landing, the restore without and with a stored session (it must survive). The other
 * kinds of stored session are restored from the same model state as on a plain start, covered there.
 */
const RESTORED_AFTER_LANDING: readonly unknown[] = ['none', 'auth']

/**
 * The paths of an app opened at a callback URL: every way out of initializing — the landing's outcome,
 * then, after a failure, the restore (see `RESTORED_AFTER_LANDING`). The first step's event names the
 * landing, so the executor knows what URL to open the app at.
 */
function landingPaths(landing: Landing, model: LifecycleModel, adjacency: Adjacency): PlannedPath[] {
  const initial = (model.getShortestPaths()[0]?.steps[0] as ModelStep).state
  const paths: PlannedPath[] = []
  const walk = (steps: ModelStep[]): void => {
    const from = (steps[steps.length - 1] as ModelStep).state
    for (const { event, state } of Object.values(adjacency[serializeState(from)]?.transitions ?? {})) {
      if (isDegrade(event) || (event.type === 'xstate.done.actor.restore' && !RESTORED_AFTER_LANDING.includes(event['kind']))) continue
      const next = [...steps, { state, event }]
      if (statusOf(state) === 'initializing') walk(next)
      else paths.push(named('landing', next))
    }
  }
  walk([{ state: initial, event: { type: 'xstate.init', landing } }])
  return paths
}

/** Builds the models, generates the paths and the coverage targets. */
export function buildPlan(): Plan {
  // One model per way the client can start (see `Landing`); the plain start's generates the main paths.
  const models = LANDINGS.map((landing) => {
    const model = createLifecycleModel({ unreachable: unreachableReason, landing })
    const full = createLifecycleModel({ landing })
    return { landing, model, adjacency: model.getAdjacencyMap() as Adjacency, fullEdges: edgesOf(full.getAdjacencyMap() as Adjacency) }
  })
  const main = models[0] as (typeof models)[number]
  const model = main.model

  // Coverage targets from the chart itself (every handled event, no exclusions).
  const fullEdges = models.flatMap((m) => m.fullEdges)
  const allTriples = new Set(fullEdges.map((e) => e.triple))
  const reachableTriples = new Set<string>()
  const unreachableTriples = new Map<string, string>()
  const usedRules = new Set<string>()
  for (const edge of fullEdges) {
    const rule = unreachableReason(edge.from, edge.event)
    if (rule) {
      usedRules.add(rule)
      if (!reachableTriples.has(edge.triple)) unreachableTriples.set(edge.triple, rule)
    } else {
      reachableTriples.add(edge.triple)
      unreachableTriples.delete(edge.triple)
    }
  }
  const unusedRules = UNREACHABLE_VARIANTS.map((u) => u.id).filter((id) => !usedRules.has(id))
  const chart = chartTransitions(lifecycleMachine)
  const chartKeys = new Set(chart.map((t) => t.key))
  const staleUnreachable = Object.keys(UNREACHABLE_TRANSITIONS).filter((key) => !chartKeys.has(key))
  const unmatchedStatuses = ALL_STATUSES.filter((status) => stateNodesNamed(lifecycleMachine, status).length !== 1)

  const adjacency = main.adjacency
  const edges = edgesOf(adjacency)
  const allEdges = models.flatMap((m) => (m === main ? edges : edgesOf(m.adjacency)))
  const executableEdges = new Set(allEdges.filter((e) => !isDegrade(e.event)).map((e) => e.key))
  const covered = new Set<string>()
  const coveredTriples = new Set<string>()
  const take = (path: PlannedPath): PlannedPath => {
    const facts = pathFacts(path.steps)
    facts.edges.forEach((k) => covered.add(k))
    facts.triples.forEach((t) => coveredTriples.add(t))
    return path
  }

  // 1. Every shortest path (deduplicated by TestModel: prefixes of longer paths are dropped).
  const shortest = model.getShortestPaths().map((p) => take(named('shortest', p.steps as ModelStep[])))

  // 2. Simple paths. Over the full state identity they do not terminate in reasonable time (40 states,
  //    ~290 edges: >10^6 paths), so they are generated over the status alone — a path never revisits a
  //    status — without TestModel's O(n²) prefix dedup. With that coarser identity the traversal merges
  //    every state of a status into the first one it met, so each path's events are replayed through the
  //    full model (dropping the few that are not possible there), then kept only if they take an edge
  //    nothing chosen so far takes (greedy, most new edges first).
  const simpleAll = model.getSimplePaths({ serializeState: (s) => statusOf(s), allowDuplicatePaths: true })
  const initial = (shortest[0] as PlannedPath).steps[0] as ModelStep
  const replay = (events: readonly ModelEvent[]): ModelStep[] | undefined => {
    const steps: ModelStep[] = [initial]
    let current = initial.state
    for (const event of events) {
      const label = eventLabel(event)
      const next = Object.values(adjacency[serializeState(current)]?.transitions ?? {}).find((t) => eventLabel(t.event) === label)
      if (!next) return undefined
      steps.push({ state: next.state, event: next.event })
      current = next.state
    }
    return steps
  }
  const replayed = new Map<string, ModelStep[]>()
  for (const p of simpleAll) {
    const steps = replay((p.steps as ModelStep[]).slice(1).map((s) => s.event))
    if (steps) replayed.set(steps.map((s) => eventLabel(s.event)).join(' '), steps)
  }
  const candidates = [...replayed.values()].map((steps) => ({ steps, edges: new Set(pathFacts(steps).edges) }))
  const simple: PlannedPath[] = []
  for (;;) {
    let best: (typeof candidates)[number] | undefined
    let bestGain = 0
    for (const c of candidates) {
      let gain = 0
      for (const k of c.edges) if (!covered.has(k)) gain += 1
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && c.steps.length < best.steps.length)) {
        best = c
        bestGain = gain
      }
    }
    if (!best || bestGain === 0) break
    simple.push(take(named('simple', best.steps)))
  }

  // 3. Landing paths (their own states are reachable only from their own start).
  const landing = models.filter((m) => m !== main).flatMap((m) => landingPaths(m.landing, m.model, m.adjacency).map(take))

  // 4. Gap paths: the shortest way to the source state, then the missing edge.
  const shortestTo = new Map<string, ModelStep[]>()
  for (const p of model.getShortestPaths({ allowDuplicatePaths: true })) shortestTo.set(serializeState(p.state as ModelSnapshot), p.steps as ModelStep[])
  const prefixTo = (state: ModelSnapshot): ModelStep[] => {
    const steps = shortestTo.get(serializeState(state))
    if (!steps) throw new Error(`no path to ${serializeState(state)}`)
    return steps
  }
  const gap: PlannedPath[] = []
  for (const edge of edges) {
    if (isDegrade(edge.event) || covered.has(edge.key)) continue
    gap.push(take(named('gap', [...prefixTo(edge.from), { state: edge.to, event: edge.event }])))
  }
  // STORAGE_DEGRADED: once per status, after a step that leaves a storage call pending.
  for (const status of ALL_STATUSES) {
    const wanted = triple(status, 'STORAGE_DEGRADED', status)
    if (coveredTriples.has(wanted)) continue
    let best: ModelStep[] | undefined
    for (const degrade of edges.filter((e) => isDegrade(e.event) && statusOf(e.from) === status)) {
      const options: ModelStep[][] =
        status === 'initializing'
          ? [prefixTo(degrade.from)]
          : edges
              .filter((into) => serializeState(into.to) === serializeState(degrade.from) && !isDegrade(into.event))
              .map((into) => [...prefixTo(into.from), { state: into.to, event: into.event }])
      for (const steps of options) {
        const before = steps[steps.length - 1] as ModelStep
        if (!degradeCanFollow(status, before, steps[steps.length - 2]?.state)) continue
        const candidate = [...steps, { state: degrade.to, event: degrade.event }]
        if (!best || candidate.length < best.length) best = candidate
      }
    }
    if (best) gap.push(take(named('gap', best)))
  }

  return {
    model,
    chart,
    staleUnreachable,
    unmatchedStatuses,
    paths: [...shortest, ...simple, ...landing, ...gap],
    counts: {
      shortest: shortest.length,
      simple: simple.length,
      simpleGenerated: simpleAll.length,
      simpleReplayed: replayed.size,
      landing: landing.length,
      gap: gap.length,
    },
    allTriples,
    unreachableTriples,
    unusedRules,
    executableEdges,
  }
}

