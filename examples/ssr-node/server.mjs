/**
 * Runs the example: `node examples/ssr-node/server.mjs` from the repository root, after `npm ci && npm run build`.
 *
 * With `AUTH_URL` and `AUTH_ANON_KEY` set (`https://<ref>.supabase.co/auth/v1` and the project's anon key), the
 * app uses that project. Otherwise it starts the package's local auth server (ES256, so `getClaims` verifies
 * tokens without asking it), creates a demo user, and prints the "emails" it sends (sign-in links).
 */
import { createAdminClient } from '../../dist/admin.js'
import { startAuthServer } from '../../dist/testing.js'
import { createApp } from './app.mjs'

const PORT = Number(process.env.PORT ?? 3000)
const DEMO = { email: 'ada@example.com', password: 'correct-horse-battery' }

async function localAuthServer() {
  const server = await startAuthServer({
    port: Number(process.env.AUTH_PORT ?? 54321),
    jwtAlgorithm: 'ES256',
    // Email links may come back to this app on either loopback name.
    siteUrl: `http://127.0.0.1:${PORT}`,
    uriAllowList: [`http://localhost:${PORT}/**`],
  })
  const admin = createAdminClient({ url: server.url, serviceRoleKey: server.serviceRoleKey })
  await admin.createUser({ ...DEMO, email_confirm: true })
  server.outbox.subscribe((mail) => console.log(`email to ${mail.to} (${mail.type}): ${mail.link ?? `code ${mail.otp}`}`))
  console.log(`local auth server on ${server.url}; sign in as ${DEMO.email} / ${DEMO.password}`)
  return server
}

const external = process.env.AUTH_URL && process.env.AUTH_ANON_KEY
const authServer = external ? undefined : await localAuthServer()
const app = createApp(
  external ? { authUrl: process.env.AUTH_URL, apiKey: process.env.AUTH_ANON_KEY } : { authUrl: authServer.url, apiKey: authServer.anonKey },
)
app.listen(PORT, '127.0.0.1', () => console.log(`the app on http://127.0.0.1:${PORT}/`))

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    app.close()
    app.closeAllConnections()
    void authServer?.close()
  })
}
