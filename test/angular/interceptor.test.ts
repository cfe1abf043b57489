/**
 * `authInterceptor` over a real client and the local server: the token only on configured URLs, and one
 * refresh however many requests find the session due (counted at the server).
 */
import { type EnvironmentInjector, runInInjectionContext } from '@angular/core'
import { from, lastValueFrom, type Observable } from 'rxjs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { systemClock, type AuthClient, type AuthClientOptions } from '../../src/index.js'
import { startAuthServer, type AuthServer } from '../../src/testing/index.js'
import { urlMatcher } from '../../src/angular/url-match.js'
import { clientOptions, environment, hasJit, JIT_SKIP_NOTE, loadJit, newUser } from './support.js'

type Angular = typeof import('../../src/angular/index.js')
type Http = typeof import('@angular/common/http')
type HttpRequest = import('@angular/common/http').HttpRequest<unknown>
type HttpEvent = import('@angular/common/http').HttpEvent<unknown>

let server: AuthServer
let ng: Angular
let http: Http

beforeAll(async () => {
  server = await startAuthServer({ mailerAutoconfirm: true, jwtExpiry: 3600 })
  if (!hasJit) return
  await loadJit()
  ng = await import('../../src/angular/index.js')
  http = await import('@angular/common/http')
})
afterAll(() => server.close())
beforeEach(() => server.requests.clear())

describe('urlMatcher (which requests get the token)', () => {
  const matches = urlMatcher(['https://api.example.com/v1', 'https://files.example.com/', /^https:\/\/[a-z]+\.example\.org\//, (url) => url.port === '8443'])
  it.each([
    ['https://api.example.com/v1', true],
    ['https://api.example.com/v1/items?page=2', true],
    ['https://api.example.com/v10', false],
    ['https://api.example.com/v2/items', false],
    ['https://api.example.com.evil.test/v1/items', false],
    ['http://api.example.com/v1/items', false],
    ['https://files.example.com/a/b', true],
    ['https://docs.example.org/x', true],
    ['https://example.com:8443/anything', true],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(matches(url)).toBe(expected)
  })
})

describe.skipIf(!hasJit)(`authInterceptor${JIT_SKIP_NOTE}`, () => {
  /** The next handler: sends the request to the local server with `fetch` and records what it sent. */
  function sender(seen: HttpRequest[]): (request: HttpRequest) => Observable<HttpEvent> {
    return (request) => {
      seen.push(request)
      const headers = Object.fromEntries(request.headers.keys().map((name) => [name, request.headers.get(name) ?? '']))
      return from(
        fetch(request.urlWithParams, { method: request.method, headers }).then(
          async (response) => new http.HttpResponse({ status: response.status, body: await response.json(), url: request.urlWithParams }),
        ),
      )
    }
  }

  function world(extra: Partial<AuthClientOptions> = {}): { env: EnvironmentInjector; auth: AuthClient } {
    const env = environment([ng.provideAuth(clientOptions(server, extra))])
    return { env, auth: env.get(ng.AUTH_CLIENT) }
  }

  function send(env: EnvironmentInjector, interceptor: ReturnType<Angular['authInterceptor']>, url: string, seen: HttpRequest[], init?: { authorization?: string }): Promise<HttpEvent> {
    let request = new http.HttpRequest('GET', url)
    if (init?.authorization) request = request.clone({ setHeaders: { Authorization: init.authorization } })
    return lastValueFrom(runInInjectionContext(env, () => interceptor(request, sender(seen))))
  }

  it('adds the access token to configured URLs only, and leaves an explicit Authorization header alone', async () => {
    const { env, auth } = world()
    await auth.signUp(newUser('bearer'))
    const token = auth.snapshot.session?.access_token
    const interceptor = ng.authInterceptor({ urls: [`${server.url}/user`] })
    const seen: HttpRequest[] = []

    const user = await send(env, interceptor, `${server.url}/user`, seen)
    expect(user).toMatchObject({ status: 200, body: { email: auth.snapshot.user?.email } })
    await send(env, interceptor, `${server.url}/settings`, seen)
    await send(env, interceptor, `${server.url}/user`, seen, { authorization: 'Bearer chosen-by-the-app' })

    // Compared as labels: a failing assertion must not print a token.
    const label = (value: string | null) => (value === `Bearer ${token}` ? 'session token' : (value ?? 'none'))
    expect(seen.map((request) => label(request.headers.get('Authorization')))).toEqual(['session token', 'none', 'Bearer chosen-by-the-app'])
    env.destroy()
  })

  it('signed out, the request goes without a token', async () => {
    const { env, auth } = world()
    await auth.ready
    const seen: HttpRequest[] = []
    const answer = await send(env, ng.authInterceptor({ urls: [server.url] }), `${server.url}/user`, seen)
    expect(seen[0]?.headers.has('Authorization')).toBe(false)
    expect(answer).toMatchObject({ status: 401 })
    env.destroy()
  })

  it('N concurrent requests with the session due: one refresh at the server, every request with the new token', async () => {
    let skewMs = 0
    const { env, auth } = world({ clock: { ...systemClock, now: () => Date.now() + skewMs } })
    await auth.signUp(newUser('storm'))
    const before = auth.snapshot.session?.refresh_token
    server.requests.clear()
    skewMs = (3600 - 30) * 1000 // inside the refresh margin: every request finds the session due
    const interceptor = ng.authInterceptor({ urls: [server.url] })
    const seen: HttpRequest[] = []
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(env, interceptor, `${server.url}/user`, seen)))

    expect(server.requests.count({ path: '/token', grantType: 'refresh_token' })).toBe(1)
    expect(server.requests.count({ path: '/user' })).toBe(8)
    expect(answers.every((answer) => answer instanceof http.HttpResponse && answer.status === 200)).toBe(true)
    expect(auth.snapshot.session?.refresh_token === before).toBe(false) // rotated
    const current = `Bearer ${auth.snapshot.session?.access_token}`
    expect(seen.map((request) => request.headers.get('Authorization') === current)).toEqual(Array(8).fill(true))
    env.destroy()
  })

  it('a refresh that cannot be done fails the request with the client\'s error instead of sending it unauthenticated', async () => {
    let skewMs = 0
    const { env, auth } = world({ clock: { ...systemClock, now: () => Date.now() + skewMs } })
    await auth.signUp(newUser('expired'))
    server.faults.add({ path: '/token', grantType: 'refresh_token', times: 5, action: { status: 503 } })
    skewMs = 3700 * 1000 // expired, and the refresh answers 503
    const seen: HttpRequest[] = []
    await expect(send(env, ng.authInterceptor({ urls: [server.url] }), `${server.url}/user`, seen)).rejects.toMatchObject({ name: expect.stringMatching(/Auth/) })
    expect(seen).toEqual([])
    server.faults.clear()
    env.destroy()
  })
})
