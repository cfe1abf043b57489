/**
 * Serves the Angular example's build (`examples/angular/dist/browser`) on a local origin, with the
 * `/config.json` the app reads at start-up (the auth server's URL and anon key) and the single-page-app
 * fallback (any other path without a file answers `index.html`, so a reload on `/account` works).
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/angular/', import.meta.url))
export const EXAMPLE_BUILD = join(EXAMPLE_DIR, 'dist', 'browser')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

export interface ExampleSite {
  /** `http://127.0.0.1:<port>` */
  origin: string
  close(): Promise<void>
}

/** Starts the static server; `config` is what `/config.json` answers. */
export async function serveExample(config: { url: string; apiKey: string }): Promise<ExampleSite> {
  const configBody = JSON.stringify(config)
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(configBody)
        return
      }
      const file = normalize(join(EXAMPLE_BUILD, path))
      const inside = file.startsWith(EXAMPLE_BUILD + sep)
      const target = inside && extname(file) !== '' && existsSync(file) ? file : join(EXAMPLE_BUILD, 'index.html')
      const body = await readFile(target)
      res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body)
    })().catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
