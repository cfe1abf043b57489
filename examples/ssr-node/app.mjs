/**
 * The example app: a plain `node:http` server whose pages are rendered with the visitor's session, read
 * from and written to cookies by `supabase-auth-machine/ssr` (through the root's built `dist/`, so the
 * example needs no install of its own). `createApp` returns the server unstarted, so a test can listen on
 * an ephemeral port; `server.mjs` runs it with a local auth server.
 */
import { createServer } from 'node:http'
import { isAuthRetryableFetchError } from '../../dist/index.js'
import { sendHtml, sendJson } from './http.mjs'
import { unavailablePage } from './pages.mjs'
import { createRequestAuth } from './request-auth.mjs'
import { routes } from './routes.mjs'

/**
 * @param {{ authUrl: string, apiKey: string, coalesceRefreshes?: boolean }} config The auth server
 *   (`https://<ref>.supabase.co/auth/v1`) and the anon key. `coalesceRefreshes: false` turns off the entry's
 *   `shareRefreshes`, so parallel requests of one browser each refresh a due session (for the test); default true.
 * @returns {import('node:http').Server}
 */
export function createApp({ authUrl, apiKey, coalesceRefreshes = true }) {
  const config = { authUrl, apiKey, shareRefreshes: coalesceRefreshes }
  return createServer((req, res) => {
    void handle(req, res, config)
  })
}

async function handle(req, res, config) {
  const url = new URL(req.url ?? '/', 'http://app.invalid')
  const route = routes.get(`${req.method} ${url.pathname}`)
  if (route === undefined) {
    sendHtml(res, 404, 'Not found')
    return
  }
  // One client per request, disposed with it: nothing of one visitor's session outlives their request.
  const auth = createRequestAuth(req, res, config)
  try {
    await route({ req, res, url, auth })
  } catch (error) {
    failed(req, res, url, error)
  } finally {
    auth.dispose()
  }
}

/** An error no route expected: 503 when the auth server is unreachable (the session is kept), else 500. */
function failed(req, res, url, error) {
  const unavailable = isAuthRetryableFetchError(error)
  // Auth errors never carry tokens in their messages, so the message is safe to log.
  console.error(`${req.method} ${url.pathname} failed:`, error instanceof Error ? error.message : error)
  if (res.headersSent) {
    res.destroy()
    return
  }
  const status = unavailable ? 503 : error?.status === 413 ? 413 : 500
  if (url.pathname.startsWith('/api/')) sendJson(res, status, { error: unavailable ? 'auth_unavailable' : 'internal_error' })
  else sendHtml(res, status, unavailable ? unavailablePage() : 'Something went wrong')
}
