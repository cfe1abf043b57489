import { afterEach, describe, expect, it } from 'vitest'
import { cleanPageUrl, navigateTo, readLanding, withoutCallback } from '../../src/client/page-url.js'
import { AuthImplicitGrantRedirectError, AuthPKCEGrantCodeExchangeError } from '../../src/errors.js'
import { implicitFlow } from '../../src/handoff/index.js'

const APP = 'https://app.example.com/done'

describe('readLanding', () => {
  it('reads a PKCE code and its flow id; a malformed flow id is dropped', () => {
    expect(readLanding(`${APP}?code=abc&sb_flow_id=0123456789abcdef`, undefined, true)).toEqual({
      kind: 'credential',
      operation: { kind: 'exchangeCode', authCode: 'abc', flowId: '0123456789abcdef' },
    })
    expect(readLanding(`${APP}?code=abc&sb_flow_id=../../x`, undefined, true)).toMatchObject({ operation: { flowId: null } })
  })

  it('reads implicit tokens, with expires_at and provider tokens, and recovery from type', () => {
    const landing = readLanding(
      `${APP}#access_token=a&refresh_token=r&expires_in=3600&expires_at=1700000000&token_type=bearer&provider_token=p&type=recovery`,
      implicitFlow,
      true,
    )
    expect(landing).toEqual({
      kind: 'credential',
      operation: {
        kind: 'tokens',
        recovery: true,
        tokens: { access_token: 'a', refresh_token: 'r', expires_at: 1700000000, token_type: 'bearer', provider_token: 'p' },
        check: expect.any(Function),
      },
    })
  })

  it('turns an error redirect (query or fragment) into AuthImplicitGrantRedirectError with the server’s codes', () => {
    for (const url of [`${APP}?error=server_error&error_code=bad_oauth_state&error_description=OAuth+state+has+expired`, `${APP}#error=server_error&error_code=bad_oauth_state&error_description=OAuth+state+has+expired`]) {
      const landing = readLanding(url, undefined, true)
      expect(landing?.kind).toBe('error')
      if (landing?.kind !== 'error') continue
      expect(landing.error).toBeInstanceOf(AuthImplicitGrantRedirectError)
      expect(landing.error).toMatchObject({ message: 'OAuth state has expired', details: { error: 'server_error', code: 'bad_oauth_state' } })
    }
  })

  it('refuses the other flow type’s redirect, and ignores a code in an implicit client', () => {
    const fragment = readLanding(`${APP}#access_token=a&refresh_token=r&expires_in=1&token_type=bearer`, undefined, true)
    expect(fragment?.kind === 'error' && fragment.error).toBeInstanceOf(AuthPKCEGrantCodeExchangeError)
    expect(readLanding(`${APP}?code=abc`, implicitFlow, true)).toBeNull()
  })

  it('is null for an ordinary URL, a malformed one, or when detection says no', () => {
    expect(readLanding(`${APP}?page=2#top`, undefined, true)).toBeNull()
    expect(readLanding('not a url', undefined, true)).toBeNull()
    expect(readLanding(`${APP}?code=abc`, undefined, false)).toBeNull()
    const seen: string[] = []
    expect(
      readLanding(`${APP}?code=abc`, undefined, (url, params) => {
        seen.push(url.pathname, params['code'] ?? '')
        return false
      }),
    ).toBeNull()
    expect(seen).toEqual(['/done', 'abc'])
  })
})

describe('withoutCallback', () => {
  it('removes the callback’s parameters and keeps the app’s', () => {
    expect(withoutCallback(`${APP}?page=2&code=abc&sb_flow_id=0123456789abcdef`)).toBe(`${APP}?page=2`)
    expect(withoutCallback(`${APP}?tab=a#access_token=a&refresh_token=r`)).toBe(`${APP}?tab=a`)
    expect(withoutCallback(`${APP}?error=x&error_code=y&error_description=z#section`)).toBe(`${APP}#section`)
  })
})

describe('the page', () => {
  const original = (globalThis as { window?: unknown }).window
  afterEach(() => {
    ;(globalThis as { window?: unknown }).window = original
  })

  function fakeWindow(href: string) {
    const calls: string[] = []
    const page = {
      location: { href, assign: (url: string) => calls.push(`assign ${url}`) },
      history: {
        state: { app: 1 },
        replaceState: (state: unknown, _unused: string, url?: string) => {
          calls.push(`replace ${JSON.stringify(state)} ${url}`)
          page.location.href = url ?? page.location.href
        },
      },
    }
    ;(globalThis as { window?: unknown }).window = page
    return calls
  }

  it('cleans the address keeping the history state, once; leaving assigns the location', () => {
    const calls = fakeWindow(`${APP}?code=abc`)
    cleanPageUrl()
    cleanPageUrl()
    navigateTo('https://idp.example.com/authorize')
    expect(calls).toEqual([`replace {"app":1} ${APP}`, 'assign https://idp.example.com/authorize'])
  })
})
