/**
 * The inspector sees the chart at work (events, snapshots) but, unless told otherwise, never a password,
 * code or token: the client takes an observer only through `redactedInspector`, or raw when redaction is
 * switched off explicitly.
 */
import type { InspectionEvent } from 'xstate'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { AuthInvalidCredentialsError, createAuthClient, memoryStorage } from '../../src/index.js'
import { redact, REDACTED, redactedInspector } from '../../src/inspect/index.js'
import { openTarget, PASSWORD, uniqueEmail, type Target } from '../support/target.js'
import { exchangeCodeForSession, setSession } from '../../src/handoff/index.js'

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
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector((event) => seen.push(event)) })
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

  it('refuses a raw observer unless redaction is switched off, before it could see anything', () => {
    const seen: InspectionEvent[] = []
    expect(() => createAuthClient({ url: target.url, apiKey: target.anonKey, storage: memoryStorage(), inspect: (event) => seen.push(event) })).toThrow(
      AuthInvalidCredentialsError,
    )
    expect(seen).toEqual([])
  })

  it('redacts the code, verifier and tokens of a redirect operation', async () => {
    const seen: InspectionEvent[] = []
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector((event) => seen.push(event)) })
    await auth.signInWithOAuth({ provider: 'github', options: { skipBrowserRedirect: true } })
    await exchangeCodeForSession(auth, 'd6f6c1c2-5b63-4c1c-9d0e-6a1f3c2b7e11').catch(() => undefined)
    await setSession(auth, { access_token: 'header.payload.signature-abc', refresh_token: 'refresh-secret-xyz' }).catch(() => undefined)
    const text = serialize(seen)
    expect(text).toContain('exchangeCode')
    expect(text).not.toContain('d6f6c1c2-5b63-4c1c-9d0e-6a1f3c2b7e11')
    expect(text).not.toContain('refresh-secret-xyz')
    expect(text).not.toContain('signature-abc')
  })

  it('dispose() detaches the observer: the stopped snapshot is the last thing it sees', async () => {
    const seen: InspectionEvent[] = []
    const auth = target.client({ storage: memoryStorage(), inspect: redactedInspector((event) => seen.push(event)) })
    await auth.ready
    auth.dispose()
    const last = seen.at(-1)
    expect(last?.type === '@xstate.snapshot' && (last.snapshot as { status: string }).status).toBe('stopped')
    const count = seen.length
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      // A cross-tab sign-out reaching a disposed client: XState reports events even to a stopped actor.
      auth.actor.send({ type: 'SIGNED_OUT_ELSEWHERE' })
    } finally {
      warn.mockRestore()
    }
    expect(seen.length).toBe(count)
  })

  it('an observer that throws is detached with one warning; the sign-in it watched succeeds', async () => {
    const warnings: unknown[][] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args))
    try {
      let calls = 0
      const auth = target.client({
        storage: memoryStorage(),
        inspect: redactedInspector(() => {
          calls += 1
          throw new Error('inspector bug')
        }),
      })
      const email = uniqueEmail('inspect')
      await target.admin.createUser({ email, password: PASSWORD, email_confirm: true })
      await auth.signInWithPassword({ email, password: PASSWORD })
      expect(auth.snapshot.status).toBe('authenticated')
      expect(calls).toBe(1)
      expect(warnings).toHaveLength(1)
      expect(String(warnings[0])).toContain('inspector bug')
    } finally {
      warn.mockRestore()
    }
  })

  it('redact() replaces secret fields deeply, drops functions and survives cycles', () => {
    const cyclic: Record<string, unknown> = { password: 'p', nested: { refresh_token: 'r', keep: 1 }, fn: () => 1 }
    cyclic['self'] = cyclic
    expect(redact(cyclic)).toEqual({ password: REDACTED, nested: { refresh_token: REDACTED, keep: 1 }, self: '[circular]' })
  })
})
