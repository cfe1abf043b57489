/**
 * The example uses the package as built at the repository root (`npm run build` there → `../../dist`),
 * through aliases: `supabase-auth-machine/<entry>` → `../../dist/<entry>.js`, as the package's `exports`
 * map would resolve it once installed. `npm run dev` and `npm run preview` also start the package's local
 * auth server and tell the page where it is (`/auth-config.json`), so the app runs with no Supabase project.
 */
import { fileURLToPath } from 'node:url'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig, type Plugin, type PreviewServer, type ViteDevServer } from 'vite'

const dist = fileURLToPath(new URL('../../dist/', import.meta.url))

/** Serves `/auth-config.json` from a local auth server started with the dev or preview server. */
function localAuthServer(): Plugin {
  async function start(server: ViteDevServer | PreviewServer): Promise<void> {
    // Loaded here, not at the top: `vite build` needs no server, and this is Node-only code.
    const testing: typeof import('supabase-auth-machine/testing') = await import(`${dist}testing.js`)
    const auth = await testing.startAuthServer({ port: Number(process.env['AUTH_PORT'] ?? 54321) })
    auth.outbox.subscribe((mail) => server.config.logger.info(`[auth] ${mail.type} → ${mail.to}: code ${mail.otp}`))
    server.config.logger.info(`[auth] local auth server at ${auth.url}`)
    server.httpServer?.once('close', () => void auth.close())
    const body = JSON.stringify({ url: auth.url, anonKey: auth.anonKey })
    server.middlewares.use('/auth-config.json', (_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(body)
    })
  }
  return { name: 'local-auth-server', configureServer: start, configurePreviewServer: start }
}

export default defineConfig({
  plugins: [svelte(), localAuthServer()],
  resolve: {
    alias: [
      { find: /^supabase-auth-machine$/, replacement: `${dist}index.js` },
      { find: /^supabase-auth-machine\/([a-z]+)$/, replacement: `${dist}$1.js` },
    ],
    // dist/svelte.js imports `svelte`: it must be this app's copy, the one its components run on.
    dedupe: ['svelte'],
  },
  server: { fs: { allow: ['.', dist] } },
})
