/**
 * A recording reverse proxy between the tabs and the local auth server. The tabs' every request passes
 * through it, so the walk sees, on ONE clock (this process's), when each refresh was in flight and what the
 * server answered (status, GoTrue error code, which refresh token was presented and which was issued).
 *
 * Why not the server's request log: it records a request's arrival on the server's (virtual) clock and its
 * status, but not when the exchange ended, nor that the client gave up on it (a hung request stays "in
 * flight" at the server for ever). The proxy sees both ends: a refresh is in flight from the moment its
 * request arrives until the proxy has written the whole answer, destroyed the connection after the server
 * dropped it, or seen the client abort it (its request timeout, a reload).
 *
 * Tokens are reduced to fingerprints as they pass (`fingerprint.ts`); nothing here keeps or prints one.
 */
import { Agent, createServer, request as upstreamRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { claimsOf, fingerprint, sessionRef, type SessionRef } from './fingerprint.js'

export interface ProxyAnswer {
  /** The tab that sent it (its `x-soak-tab` header). */
  tab: string | undefined
  method: string
  /** Path after `/auth/v1`. */
  path: string
  grantType: string | undefined
  /** 0 when no answer reached the client (hang aborted by the client, connection dropped by the server). */
  status: number
  /** `x-sb-error-code`, else the body's `error_code`, `code` or OAuth `error`. */
  code: string | undefined
  /** Fingerprint of the refresh token a refresh presented. */
  presented: string | undefined
  /** What a successful token answer handed out. */
  issued: SessionRef | null
  /** The session and user of the access token the request carried, if a user's. */
  bearer: { sessionId: string | undefined; userId: string | undefined } | undefined
  /** How the exchange ended. */
  ended: 'answered' | 'client-abort' | 'upstream-failure'
  /** Wall time (Date.now) at which it ended. */
  at: number
}

/** A refresh arrived while another one was still in flight. */
export interface RefreshOverlap {
  tab: string | undefined
  /** The tabs whose refreshes it overlapped. */
  others: Array<string | undefined>
}

export interface ProxyListener {
  answer(answer: ProxyAnswer): void
  overlap(overlap: RefreshOverlap): void
}

interface Span {
  tab: string | undefined
  ended: ProxyAnswer['ended'] | undefined
}

const BASE_PATH = '/auth/v1'
/** Headers that describe one hop's connection, not the message: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer'])

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
  }
  return out
}

/** The whole body; what arrived so far if the stream closes early (the caller then sees the close too). */
function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('close', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function errorCode(headers: IncomingHttpHeaders, body: Record<string, unknown> | undefined): string | undefined {
  const header = headers['x-sb-error-code']
  if (typeof header === 'string' && header !== '') return header
  for (const key of ['error_code', 'code', 'error']) {
    if (typeof body?.[key] === 'string') return body[key]
  }
  return undefined
}

function bearerOf(headers: IncomingHttpHeaders): ProxyAnswer['bearer'] {
  const value = headers.authorization
  if (typeof value !== 'string' || !value.startsWith('Bearer ')) return undefined
  const claims = claimsOf(value.slice('Bearer '.length))
  if (typeof claims['session_id'] !== 'string') return undefined
  return { sessionId: claims['session_id'], userId: typeof claims['sub'] === 'string' ? claims['sub'] : undefined }
}

/** One event-loop turn: lets close events already received be processed before a judgment. */
function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0))
}

/** The proxy; see the module comment. `inFlight` lets the walk wait until the network is quiet. */
export class RecordingProxy {
  /** Requests of any kind (preflights included) not yet ended: the walk waits for none before checking. */
  inFlight = 0
  requests = 0
  refreshes = 0
  maxRefreshesInFlight = 0
  readonly #open = new Set<Span>()
  readonly #agent = new Agent({ keepAlive: true })

  private constructor(
    readonly url: string,
    readonly server: Server,
    readonly upstream: URL,
    readonly listener: ProxyListener,
  ) {}

  /**
   * Listens on 127.0.0.1 and forwards to `upstreamUrl` (the auth server's `url`, ending in `/auth/v1`).
   *
   * @example
   * const proxy = await RecordingProxy.start(server.url, checker)
   * createAuthClient({ url: proxy.url, apiKey: server.anonKey })
   */
  static async start(upstreamUrl: string, listener: ProxyListener): Promise<RecordingProxy> {
    const upstream = new URL(upstreamUrl)
    let proxy: RecordingProxy | undefined
    const server = createServer((req, res) => void proxy?.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = server.address() as AddressInfo
    proxy = new RecordingProxy(`http://127.0.0.1:${port}${BASE_PATH}`, server, upstream, listener)
    return proxy
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1
    let counted = true
    const done = (): void => {
      if (counted) this.inFlight -= 1
      counted = false
    }
    const url = new URL(req.url ?? '/', 'http://proxy')
    const method = (req.method ?? 'GET').toUpperCase()
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) || '/' : url.pathname
    const grantType = path === '/token' ? (url.searchParams.get('grant_type') ?? undefined) : undefined
    const recorded = method !== 'OPTIONS'
    const isRefresh = recorded && path === '/token' && grantType === 'refresh_token'
    const tabHeader = req.headers['x-soak-tab']
    const span: Span = { tab: typeof tabHeader === 'string' ? tabHeader : undefined, ended: undefined }
    if (recorded) this.requests += 1
    if (isRefresh) this.#begin(span)

    let forward: ClientRequest | undefined
    let ending: ((ended: ProxyAnswer['ended'], status: number, code: string | undefined, issued: SessionRef | null) => void) | undefined
    // The client gave up (its timeout on a hung request, a reload): the server's side is released too.
    // Listened for before the body is read, so an abort at any point ends the span.
    res.on('close', () => {
      if (ending) ending('client-abort', 0, undefined, null)
      else if (span.ended === undefined) {
        span.ended = 'client-abort'
        this.#open.delete(span)
        done()
      }
      forward?.destroy()
    })

    const body = await readAll(req).catch(() => Buffer.alloc(0))
    if (span.ended !== undefined) return
    const presentedToken = isRefresh ? jsonObject(body.toString('utf8'))?.['refresh_token'] : undefined
    const base = {
      tab: span.tab,
      method,
      path,
      grantType,
      presented: typeof presentedToken === 'string' ? fingerprint(presentedToken) : undefined,
      bearer: bearerOf(req.headers),
    }
    const end = (ending = (ended, status, code, issued) => {
      if (span.ended !== undefined) return
      span.ended = ended
      this.#open.delete(span)
      done()
      if (recorded) this.listener.answer({ ...base, status, code, issued, ended, at: Date.now() })
    })

    forward = upstreamRequest({
      host: this.upstream.hostname,
      port: this.upstream.port,
      method,
      path: req.url,
      headers: { ...forwardable(req.headers), host: this.upstream.host },
      agent: this.#agent,
    })
    forward.on('response', (answer) => {
      readAll(answer).then(
        (payload) => {
          if (span.ended !== undefined) return
          if (!answer.complete) {
            // The server dropped the connection mid-answer.
            end('upstream-failure', 0, undefined, null)
            return void res.destroy()
          }
          const status = answer.statusCode ?? 0
          const json = jsonObject(payload.toString('utf8'))
          const ok = status >= 200 && status < 300
          const issued = ok && path === '/token' ? sessionRef(json as Parameters<typeof sessionRef>[0]) : null
          const headers = forwardable(answer.headers)
          headers['content-length'] = String(payload.length)
          // Ended before the write: the client can only act on the answer after this point.
          end('answered', status, ok ? undefined : errorCode(answer.headers, json), issued)
          res.writeHead(status, headers)
          res.end(payload)
        },
        () => {
          end('upstream-failure', 0, undefined, null)
          res.destroy()
        },
      )
    })
    // The server dropped the connection (a drop-after-commit fault, or its close): so does the proxy.
    forward.on('error', () => {
      end('upstream-failure', 0, undefined, null)
      res.destroy()
    })
    forward.end(body)
  }

  #begin(span: Span): void {
    this.refreshes += 1
    const others = [...this.#open]
    this.#open.add(span)
    this.maxRefreshesInFlight = Math.max(this.maxRefreshesInFlight, 1)
    if (others.length === 0) return
    // A refresh the client aborted just before this one was sent may have its close processed just after
    // this arrival (two sockets, one poll). Judged one turn later: still open, or ended by an answer the
    // proxy wrote after this arrival, is a real overlap; an abort seen meanwhile preceded it.
    void afterPendingIo().then(() => {
      const overlapping = others.filter((other) => other.ended !== 'client-abort')
      if (overlapping.length === 0) return
      this.maxRefreshesInFlight = Math.max(this.maxRefreshesInFlight, overlapping.length + 1)
      this.listener.overlap({ tab: span.tab, others: overlapping.map((other) => other.tab) })
    })
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    this.#agent.destroy()
  }
}
