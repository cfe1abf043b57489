/**
 * The SSR app on this package, as an app would load it (`supabase-auth-machine/ssr` and `/jwt` by name, i.e.
 * the built `dist/`): per request, `createServerAuthClient` over the request's cookies, `getClaims` (verified
 * locally against the project's JWKS), any cookies it sets written as `Set-Cookie`, then a line of text.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type * as OursJwt from '../src/jwt/index.js'
import type * as OursSsr from '../src/ssr/index.js'
import { authConfig, renderLine, serveApp } from './ssr-app.js'

const SSR_ENTRY = 'supabase-auth-machine/ssr'
const JWT_ENTRY = 'supabase-auth-machine/jwt'

const { origin, anonKey } = authConfig()
const [{ createServerAuthClient, parseCookieHeader, serializeCookie }, { getClaims }] = await Promise.all([
  import(SSR_ENTRY) as Promise<typeof OursSsr>,
  import(JWT_ENTRY) as Promise<typeof OursJwt>,
])
const url = `${origin}/auth/v1`

async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // As a framework's response cookie store: the last value set for a name wins.
  const toSet = new Map<string, OursSsr.CookieToSet>()
  const headers: Record<string, string> = {}
  const auth = createServerAuthClient({
    url,
    apiKey: anonKey,
    cookies: {
      getAll: () => parseCookieHeader(req.headers.cookie),
      setAll: (cookies, cacheHeaders) => {
        for (const cookie of cookies) toSet.set(cookie.name, cookie)
        Object.assign(headers, cacheHeaders)
      },
    },
  })
  let claims: OursJwt.JwtPayload
  try {
    claims = (await getClaims(auth)).claims
  } catch (error) {
    for (const cookie of toSet.values()) res.appendHeader('Set-Cookie', serializeCookie(cookie))
    return void res.writeHead(401, { ...headers, 'Content-Type': 'text/plain' }).end(`not signed in: ${(error as Error).message}\n`)
  }
  for (const cookie of toSet.values()) res.appendHeader('Set-Cookie', serializeCookie(cookie))
  res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' }).end(renderLine(claims))
}

serveApp(handler)
