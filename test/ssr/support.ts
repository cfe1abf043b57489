/** Shared set-up of the SSR tests: a local ES256 auth server, users, and clients per request. */
import type { AuthServer } from '../../src/testing/index.js'
import type { Clock } from '../../src/index.js'
import { createServerAuthClient, type ServerAuthClientOptions } from '../../src/ssr/index.js'
import type { AuthClient } from '../../src/index.js'
import { BrowserJar, type Request } from './jar.js'

export const PASSWORD = 'correct horse battery staple'
let counter = 0

export function uniqueEmail(tag: string): string {
  counter += 1
  return `${tag}-${counter}-${Date.now().toString(36)}@example.com`
}

/** A client clock `offsetMs` ahead of real time (its timers are never used by a server client). */
export function aheadBy(offsetMs: number): Clock {
  return { now: () => Date.now() + offsetMs, setTimeout: () => { throw new Error('a server client started a timer') }, clearTimeout: () => undefined }
}

export function serverClient(server: AuthServer, request: Request, extra: Partial<ServerAuthClientOptions> = {}): AuthClient {
  return createServerAuthClient({ url: server.url, apiKey: server.anonKey, cookies: request.cookies, ...extra })
}

/** A browser whose jar holds a fresh user's session, signed up through a server client. */
export async function signedUpBrowser(server: AuthServer, data: Record<string, unknown> = {}): Promise<{ jar: BrowserJar; email: string; userId: string }> {
  const jar = new BrowserJar()
  const request = jar.request()
  const auth = serverClient(server, request)
  const email = uniqueEmail('ssr')
  const { user, session } = await auth.signUp({ email, password: PASSWORD, options: { data } })
  if (!user || !session) throw new Error('sign-up gave no session')
  request.commit()
  auth.dispose()
  return { jar, email, userId: user.id }
}

/** Tokens of the session a jar holds, decoded from its cookies the way a reader would (never printed). */
export function refreshTokenIn(jar: BrowserJar, key = 'sb-127-auth-token'): string | null {
  const cookies = jar.cookies
  const whole = cookies.get(key) ?? [...Array(10).keys()].map((i) => cookies.get(`${key}.${i}`) ?? '').join('')
  if (whole === '') return null
  const json = whole.startsWith('base64-') ? Buffer.from(whole.slice(7), 'base64url').toString('utf8') : whole
  return (JSON.parse(json) as { refresh_token: string }).refresh_token
}
