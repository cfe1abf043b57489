/**
 * The SSR app on `@supabase/ssr` (with `@supabase/supabase-js` and its `@supabase/auth-js`), as its docs
 * show for a Node server: per request, `createServerClient` over the request's cookies, `getClaims()`,
 * any cookies it sets written as `Set-Cookie`, then a line of text.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type CookieOptions, createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr'
import { authConfig, renderLine, serveApp } from './ssr-app.js'

const { origin, anonKey } = authConfig()

async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // As a framework's response cookie store: the last value set for a name wins.
  const toSet = new Map<string, { name: string; value: string; options: CookieOptions }>()
  const headers: Record<string, string> = {}
  const supabase = createServerClient(origin, anonKey, {
    cookies: {
      getAll: () => parseCookieHeader(req.headers.cookie ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
      setAll: (cookies, cacheHeaders) => {
        for (const cookie of cookies) toSet.set(cookie.name, cookie)
        Object.assign(headers, cacheHeaders)
      },
    },
  })
  const { data, error } = await supabase.auth.getClaims()
  for (const { name, value, options } of toSet.values()) res.appendHeader('Set-Cookie', serializeCookieHeader(name, value, options))
  if (error !== null || data === null) return void res.writeHead(401, { ...headers, 'Content-Type': 'text/plain' }).end(`not signed in: ${error?.message}\n`)
  res.writeHead(200, { ...headers, 'Content-Type': 'text/plain' }).end(renderLine(data.claims))
}

serveApp(handler)
