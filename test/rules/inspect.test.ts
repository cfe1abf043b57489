/**
 * The inspector sees the chart at work (events, snapshots) but, unless told otherwise, never a password,
 * code or token.
 */
import type { InspectionEvent } from 'xstate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStorage } from '../../src/index.js'
import { redact, REDACTED } from '../../src/client/redact.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'

let target: Target
beforeAll(async () => {
  target = await openTarget()
})
afterAll(() => target.close())

function serialize(events: InspectionEvent[]): string {
  return JSON.stringify(events, (_, value: unknown) => (typeof value === 'function' ? undefined : value))
}

describe('inspection', () => {
  it('forwards events and snapshots with passwords and tokens redacted', async () => {
    const seen: InspectionEvent[] = []
    const auth = target.client({ storage: memoryStorage(), inspect: (event) => seen.push(event) })
    const email = uniqueEmail('inspect')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const { session } = await auth.signInWithPassword({ email, password: PASSWORD })
    await auth.refreshSession()
    const text = serialize(seen)
    expect(seen.some((e) => e.type === '@xstate.event')).toBe(true)
    expect(seen.some((e) => e.type === '@xstate.snapshot')).toBe(true)
    expect(text).toContain('SIGN_IN')
    expect(text).toContain(email)
    expect(text).toContain(REDACTED)
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(session.access_token)
    expect(text).not.toContain(session.refresh_token)
  })

  it('forwards everything when redaction is switched off', async () => {
    const seen: InspectionEvent[] = []
    const auth = target.client({ storage: memoryStorage(), inspect: (event) => seen.push(event), redactInspection: false })
    const email = uniqueEmail('inspect')
    await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    await auth.signInWithPassword({ email, password: PASSWORD })
    expect(serialize(seen)).toContain(PASSWORD)
  })

  it('redact() replaces secret fields deeply, drops functions and survives cycles', () => {
    const cyclic: Record<string, unknown> = { password: 'p', nested: { refresh_token: 'r', keep: 1 }, fn: () => 1 }
    cyclic['self'] = cyclic
    expect(redact(cyclic)).toEqual({ password: REDACTED, nested: { refresh_token: REDACTED, keep: 1 }, self: '[circular]' })
  })
})
