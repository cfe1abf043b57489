/**
 * A tiny real HTTP server for transport tests: each test sets `handler`, and every request is recorded
 * (method, path, query, headers, parsed body) for assertions on what the client sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  rawBody: string
  body: unknown
}

export type Handler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void

export interface TestServer {
  url: string
  requests: RecordedRequest[]
  handler: Handler
  last(): RecordedRequest
  close(): Promise<void>
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export async function startTestServer(basePath = ''): Promise<TestServer> {
  const state: TestServer = {
    url: '',
    requests: [],
    handler: (_req, res) => json(res, 200, {}),
    last() {
      const r = state.requests[state.requests.length - 1]
      if (!r) throw new Error('no request recorded')
      return r
    },
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined
      } catch {
        body = rawBody
      }
      const url = new URL(req.url ?? '/', 'http://x')
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname.slice(basePath.length),
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
      }
      state.requests.push(recorded)
      state.handler(recorded, res, req)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  state.url = `http://127.0.0.1:${port}${basePath}`
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}

/** Minimal valid user and token bodies as GoTrue sends them. */
export const USER_ID = '6f1d1c4e-3a43-4a8e-9d0f-5b7f2a4c9e11'

export function userBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: USER_ID,
    aud: 'authenticated',
    role: 'authenticated',
    email: 'ada@example.com',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    identities: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    is_anonymous: false,
    ...overrides,
  }
}

export const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.access-token-secret-value.sig'
export const REFRESH_TOKEN = 'refresh-token-secret-value'

export function tokenBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    access_token: ACCESS_TOKEN,
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: 1_900_000_000,
    refresh_token: REFRESH_TOKEN,
    user: userBody(),
    ...overrides,
  }
}
