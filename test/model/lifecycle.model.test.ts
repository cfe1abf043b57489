/**
 * Model-based tests generated from the production lifecycle chart (`machines/lifecycle.ts`) with
 * `xstate/graph`, executed against the real client talking HTTP to the local auth server.
 *
 * - The model is a `TestModel` over `lifecycleMachine` itself (see `lifecycle-model.ts`); the paths are its
 *   shortest paths, its simple paths (bounded and deduplicated by edge coverage, see `plan.ts`), landing
 *   paths (the app opened at a callback URL: one small model per kind of URL, every way out of
 *   initializing) and gap paths for what none of them takes (self-loops above all).
 * - Each step is caused by something real (see `executors.ts`) and checked twice: the chart of the real
 *   client must have processed exactly that event and landed in the model's status, and, when nothing
 *   else happened since, `auth.snapshot.status` must be that status.
 * - Coverage is counted from what the real client's chart did: the definition transitions its microsteps
 *   took (`always` ones included), for the events the model's steps checked. The last test fails if any
 *   transition of the chart's definition (every state node, every branch; see `chartTransitions`) was not
 *   taken, apart from the reviewed `UNREACHABLE_TRANSITIONS`, or if one of those was taken after all; and,
 *   more finely, if a status or a (status, event, status) step of the full model was not covered, apart
 *   from the `UNREACHABLE_VARIANTS` the public client cannot cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthStatus } from '../../machines/lifecycle-types.js'
import { createAdminClient } from '../../src/admin/index.js'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { executorFor, keepsDeferred, type StepContext } from './executors.js'
import { ALL_STATUSES, statusOf } from './lifecycle-model.js'
import { buildPlan, pathFacts, UNREACHABLE_TRANSITIONS, type ModelStep, type PlannedPath } from './plan.js'
import { Rig, type RigEnv } from '../support/rig.js'
import { PASSKEY_ORIGIN } from '../support/users.js'

const plan = buildPlan()
const steps = plan.paths.reduce((sum, p) => sum + p.weight, 0)

const executed = {
  paths: 0,
  steps: 0,
  triples: new Set<string>(),
  edges: new Set<string>(),
  statuses: new Set<AuthStatus>(),
  /** Keys of the definition transitions the real client took in checked steps. */
  transitions: new Set<string>(),
  liveChecks: 0,
  recordedChecks: 0,
}

let server: AuthServer
let env: RigEnv

beforeAll(async () => {
  // Sign-ups wait for email confirmation, so a sign-up is a sign-in call that returns no session.
  // Passkeys on, for the paths that sign in with one (made for the page origin the model's authenticator uses).
  server = await startAuthServer({ mailerAutoconfirm: false, passkeyEnabled: true, webauthnRpId: 'localhost', webauthnRpOrigins: [PASSKEY_ORIGIN] })
  env = { server, url: server.url, anonKey: server.anonKey, admin: createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey }) }
})

afterAll(async () => {
  await server?.close()
})

type TestEvents = Record<string, (step: ModelStep) => Promise<void>>

async function runPath(path: PlannedPath): Promise<void> {
  const rig = new Rig(env)
  let checks = 0
  const taken = new Set<string>()
  const run = async (step: ModelStep): Promise<void> => {
    const index = path.steps.indexOf(step)
    const context: StepContext = {
      rig,
      steps: path.steps,
      index,
      event: step.event,
      from: index > 0 ? statusOf((path.steps[index - 1] as ModelStep).state) : 'initializing',
      to: statusOf(step.state),
      record: async () => {
        rig.last = await rig.recorder.next(step.event)
        rig.last.transitions.forEach((key) => taken.add(key))
      },
    }
    // The previous step already caused this one (two calls in the same tick), or the client took it in
    // the same tick as the previous one (a sign-out without a session ends at once): only check it.
    if (rig.followUp === step.event.type) {
      rig.followUp = undefined
      return context.record()
    }
    if (index > 0 && !rig.recorder.atEnd) return context.record()
    if (!keepsDeferred(step.event)) rig.releaseDeferred()
    await executorFor(step.event)(context)
  }
  const events: TestEvents = Object.fromEntries(path.steps.map((s) => [s.event.type, run]))
  const states = Object.fromEntries(
    ALL_STATUSES.map((status) => [
      status,
      () => {
        checks += 1
        expect(rig.last?.status, `status after ${rig.last?.type}`).toBe(status)
        if (rig.recorder.atEnd) {
          expect(rig.auth.snapshot.status).toBe(status)
          executed.liveChecks += 1
        } else {
          executed.recordedChecks += 1
        }
      },
    ]),
  )
  try {
    await plan.model.testPath(path, { events, states })
  } finally {
    rig.dispose()
  }
  // Exactly one status check ran per step: the matcher really matches, and only one status at a time.
  expect(checks).toBe(path.steps.length)
  const facts = pathFacts(path.steps)
  facts.triples.forEach((t) => executed.triples.add(t))
  facts.edges.forEach((e) => executed.edges.add(e))
  facts.statuses.forEach((s) => executed.statuses.add(s))
  taken.forEach((key) => executed.transitions.add(key))
  executed.paths += 1
  executed.steps += path.weight
}

describe('lifecycle chart, model-based, against the real client and the local server', () => {
  it('the model offers every event the chart handles, and nothing it does not', () => {
    const handled = new Set(plan.chart.map((t) => t.eventType).filter((type) => type !== ''))
    const offered = new Set([...plan.allTriples].map((t) => t.split(' --')[1]?.split('--> ')[0] as string))
    expect([...offered].sort()).toEqual([...handled].sort())
    expect(plan.unusedRules, 'every UNREACHABLE_VARIANTS rule still matches a step of the full model').toEqual([])
    expect(plan.staleUnreachable, 'every UNREACHABLE_TRANSITIONS entry still names a transition of the chart').toEqual([])
    expect(plan.unmatchedStatuses, 'every status names exactly one state of the chart').toEqual([])
  })

  plan.paths.forEach((path, i) => {
    it(`#${i + 1} ${path.name}`, () => runPath(path))
  })

  it('covered every status and every transition the public client can cause', () => {
    const chartKeys = new Set(plan.chart.map((t) => t.key))
    const listed = Object.keys(UNREACHABLE_TRANSITIONS)
    const requiredTransitions = plan.chart.filter((t) => !Object.hasOwn(UNREACHABLE_TRANSITIONS, t.key)).map((t) => t.key)
    const uncovered = requiredTransitions.filter((key) => !executed.transitions.has(key))
    const takenThoughListed = listed.filter((key) => executed.transitions.has(key))
    const notInChart = [...executed.transitions].filter((key) => !chartKeys.has(key))
    const required = [...plan.allTriples].filter((t) => !plan.unreachableTriples.has(t))
    const missingTriples = required.filter((t) => !executed.triples.has(t))
    const missingEdges = [...plan.executableEdges].filter((e) => !executed.edges.has(e))
    const lines = [
      `model: ${executed.paths} paths, ${executed.steps} steps (shortest ${plan.counts.shortest}, simple ${plan.counts.simple}, landing ${plan.counts.landing}, gap ${plan.counts.gap}; ` +
        `planned ${plan.paths.length} paths, ${steps} steps; simple paths: ${plan.counts.simpleGenerated} generated over statuses, ` +
        `${plan.counts.simpleReplayed} distinct after replay, ${plan.counts.simple} kept by edge coverage)`,
      `chart transitions covered ${requiredTransitions.length - uncovered.length}/${requiredTransitions.length} ` +
        `(${plan.chart.length} in the definition; ${listed.length} the public client cannot take: ${listed.map((k) => `${k} [${UNREACHABLE_TRANSITIONS[k]}]`).join('; ')})`,
      `status-level steps covered ${required.length - missingTriples.length}/${required.length} ` +
        `(+${plan.unreachableTriples.size} the public client cannot cause: ${[...plan.unreachableTriples].map(([t, why]) => `${t} [${why}]`).join('; ')}), ` +
        `statuses ${executed.statuses.size}/${ALL_STATUSES.length}, model edges ${plan.executableEdges.size - missingEdges.length}/${plan.executableEdges.size}`,
      `state checks: ${executed.liveChecks} on auth.snapshot.status, ${executed.recordedChecks} on the recorded snapshot (the client had moved on in the same tick)`,
    ]
    console.log(lines.join('\n'))
    expect(uncovered, 'transitions of the chart the real client never took (cover them, or list them with why)').toEqual([])
    expect(takenThoughListed, 'listed as unreachable, yet the real client took them').toEqual([])
    expect(notInChart, 'taken by the real client but not in lifecycleMachine').toEqual([])
    expect(missingTriples).toEqual([])
    expect([...ALL_STATUSES].filter((s) => !executed.statuses.has(s))).toEqual([])
    expect(missingEdges).toEqual([])
  })
})
