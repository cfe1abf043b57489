/**
 * A child process running the project's own local auth server (real refresh-token rotation), for the
 * refresh storm where counting `/token` calls correctly matters and CPU does not.
 * @module
 */
import { startAuthServer } from '../../src/testing/index.js'
import { routeName, serveStats, type Counts } from './ipc.js'

const server = await startAuthServer()
const counts: Counts = {}
let seen = 0

/** Folds new request-log entries into the per-route counts (the log is the server's own record). */
function refresh(): void {
  const all = server.requests.all()
  for (const entry of all.slice(seen)) {
    const name = routeName(entry.method, entry.path, entry.grantType)
    counts[name] = (counts[name] ?? 0) + 1
  }
  seen = all.length
}

serveStats(counts, { url: server.url, anonKey: server.anonKey }, () => void server.close(), refresh)
