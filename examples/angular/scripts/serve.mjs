// `npm start`: the local auth server (from supabase-auth-machine/testing, sign-ups confirmed at once) and
// the built app on http://127.0.0.1:4200, with the /config.json the app reads at start-up. Build first.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startAuthServer } from 'supabase-auth-machine/testing'

const root = fileURLToPath(new URL('../dist/browser', import.meta.url))
if (!existsSync(join(root, 'index.html'))) throw new Error('No build yet: run `npm run build` first')
const port = Number(process.env.PORT ?? 4200)
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' }

const auth = await startAuthServer({ mailerAutoconfirm: true, port: Number(process.env.AUTH_PORT ?? 54321) })
const config = JSON.stringify({ url: auth.url, apiKey: auth.anonKey })

createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
  if (path === '/config.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(config)
  const file = normalize(join(root, path))
  // Any path that is not a file of the build is a route of the app: answer index.html.
  const target = file.startsWith(root + sep) && extname(file) && existsSync(file) ? file : join(root, 'index.html')
  res.writeHead(200, { 'content-type': types[extname(target)] ?? 'application/octet-stream' }).end(await readFile(target))
}).listen(port, '127.0.0.1', () => {
  console.log(`App: http://127.0.0.1:${port}  ·  auth server: ${auth.url}  (Ctrl-C stops both)`)
})
