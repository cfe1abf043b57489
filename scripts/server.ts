/**
 * `npm run server`: the local auth server, standalone. Port from `--port <n>` or `PORT` (default 54321).
 * Prints the URL and API keys, then every captured email/SMS with its code (a dev server: codes are meant
 * to be seen). Runs until Ctrl-C.
 */
import { startAuthServer } from '../src/testing/index.js'

function portFromArgs(argv: string[]): number | undefined {
  const i = argv.indexOf('--port')
  const inline = argv.find((a) => a.startsWith('--port='))
  const raw = inline ? inline.slice('--port='.length) : i >= 0 ? argv[i + 1] : process.env.PORT
  if (raw === undefined || raw === '') return undefined
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`)
  return port
}

const server = await startAuthServer({ port: portFromArgs(process.argv.slice(2)) ?? 54321 })
console.log(`auth server   ${server.url}`)
console.log(`anon key      ${server.anonKey}`)
console.log(`service role  ${server.serviceRoleKey}`)
console.log('Captured emails and SMS appear below. Ctrl-C to stop.\n')

server.outbox.subscribe((m) => {
  const when = new Date(m.sentAt).toISOString()
  console.log(`[${when}] ${m.channel} ${m.type} → ${m.to}  code ${m.otp}${m.link ? `\n  ${m.link}` : ''}`)
})

process.once('SIGINT', () => {
  void server.close().then(() => process.exit(0))
})
