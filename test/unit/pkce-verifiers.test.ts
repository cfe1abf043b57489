import { describe, expect, it } from 'vitest'
import { createSessionStore, finishPkceFlow, memoryStorage, pendingPkceFlows, startPkceFlow } from '../../src/storage/index.js'
import { base64UrlToBytes } from '../../src/encoding/base64url.js'

const KEY = 'sb-x-auth-token'

function setup() {
  const storage = memoryStorage()
  return { storage, store: createSessionStore(storage, KEY) }
}

describe('PKCE verifiers beside the session', () => {
  it('a started flow stores its verifier three ways, and the challenge is its S256', async () => {
    const { storage, store } = setup()
    const started = await startPkceFlow(store, { recovery: false })
    const verifier = started.pending.verifier
    expect(started.method).toBe('s256')
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
    expect(base64UrlToBytes(started.challenge)).toEqual(digest)
    expect(storage.getItem(`${KEY}-code-verifier`)).toBe(JSON.stringify(verifier))
    expect(storage.getItem(`${KEY}-flow-${started.flowId}-code-verifier`)).toBe(JSON.stringify(verifier))
    expect(storage.getItem(`${KEY}-flows-code-verifier`)).toBe(JSON.stringify([started.flowId]))
  })

  it('keeps at most five flows, evicting the oldest', async () => {
    const { storage, store } = setup()
    const flows = []
    for (let i = 0; i < 6; i += 1) flows.push(await startPkceFlow(store, { recovery: false }))
    expect(JSON.parse(storage.getItem(`${KEY}-flows-code-verifier`) as string)).toEqual(flows.slice(1).map((f) => f.flowId))
    expect(storage.getItem(`${KEY}-flow-${flows[0]!.flowId}-code-verifier`)).toBeNull()
    const pending = await pendingPkceFlows(store, null)
    expect(pending.map((p) => p.verifier)).toEqual(flows.slice(1).reverse().map((f) => f.pending.verifier))
  })

  it('with a flow id only that flow is a candidate; finishing forgets it and the latest key if it held it', async () => {
    const { storage, store } = setup()
    const first = await startPkceFlow(store, { recovery: true })
    const second = await startPkceFlow(store, { recovery: false })
    expect(await pendingPkceFlows(store, first.flowId)).toEqual([{ verifier: first.pending.verifier, recovery: true, flowId: first.flowId }])
    await finishPkceFlow(store, second.pending)
    expect(storage.getItem(`${KEY}-code-verifier`)).toBeNull()
    expect(JSON.parse(storage.getItem(`${KEY}-flows-code-verifier`) as string)).toEqual([first.flowId])
    expect(await pendingPkceFlows(store, null)).toEqual([{ verifier: first.pending.verifier, recovery: true, flowId: first.flowId }])
  })

  it('reads an older auth-js verifier (the latest key only, `/PASSWORD_RECOVERY` marker) and ignores junk', async () => {
    const { storage, store } = setup()
    storage.setItem(`${KEY}-code-verifier`, JSON.stringify('abc123/PASSWORD_RECOVERY'))
    storage.setItem(`${KEY}-flows-code-verifier`, '{not json')
    expect(await pendingPkceFlows(store, null)).toEqual([{ verifier: 'abc123', recovery: true, flowId: null }])
    storage.setItem(`${KEY}-code-verifier`, '42')
    expect(await pendingPkceFlows(store, null)).toEqual([])
    expect(await pendingPkceFlows(store, 'ffffffffffffffff')).toEqual([])
  })
})
