// `rayts dashboard`'s server: Node's own http module (no framework: a dozen routes, and the
// security checks below are easier to audit in one function than as plugins).
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {openStore, type Store} from '../store/db.js'
import {probeStore} from '../store/query/probe.js'
import {listRunSummaries} from './queries.js'
import {FAVICON, loadAssets} from './assets.js'
import {LiveHub} from './live.js'
import {reply, runRoute, runsRoute} from './routes.js'
import {
  TOKEN_COOKIE,
  TOKEN_HEADER,
  TOKEN_QUERY,
  allowedHosts,
  commonHeaders,
  hostAllowed,
  isLoopbackHost,
  newToken,
  originAllowed,
  requestToken,
  sameToken,
} from './security.js'
import {shellHtml} from './shell.js'
import {TaskGraphCache} from './task-graph.js'
import {CountsCache} from './counts-cache.js'
import {RaytsError} from '../core/errors.js'

export interface DashboardOptions {
  /** default 127.0.0.1 */
  readonly host?: string
  /** default 0: a free port */
  readonly port?: number
  /** $RAYTS_HOME by default */
  readonly home?: string
  /** a fixed token (tests); a new random one by default */
  readonly token?: string
}

export interface Dashboard {
  readonly url: string
  /** the URL with the token: what to open when every request needs it */
  readonly openUrl: string
  readonly host: string
  readonly port: number
  readonly token: string
  /** true when it listens beyond loopback, and so asks every request for the token */
  readonly remote: boolean
  close(): Promise<void>
}

/** The port is taken (or not ours to take): a usage error for the command. */
class PortError extends RaytsError {
  override name = 'PortError'
  override readonly code = 'RAYTS_ERR_PORT'
}

const RUN_PATH = /^\/api\/runs\/([A-Za-z0-9_-]{1,64})(?:\/([a-z.]*))?$/
const PAGE_PATH = /^\/(?:runs\/[A-Za-z0-9_-]{1,64})?$/

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1'
  const remote = !isLoopbackHost(host)
  const token = options.token ?? newToken()
  const assets = await loadAssets()
  const store: Store = openStore(options.home)
  const caches = {graphs: new TaskGraphCache(), counts: new CountsCache()}
  try {
    // a damaged store is refused here, not answered with a 500 per request
    probeStore(store)
    listRunSummaries(store, (st, run) => caches.counts.get(st, run))
  } catch (error) {
    store.close()
    throw error
  }
  const live = new LiveHub(store)
  let allowed = new Set<string>()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const out = reply(res)
    if (!hostAllowed(req, allowed)) {
      out.send(421, 'text/plain; charset=utf-8', 'refused: unknown Host header\n')
      return
    }
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid')
    const given = requestToken(req, url)
    const tokenOk = sameToken(given, token)
    if (remote && !tokenOk) {
      out.send(401, 'text/plain; charset=utf-8', `refused: this dashboard needs its token (open the URL it printed, with ?${TOKEN_QUERY}=...)\n`)
      return
    }
    const path = url.pathname
    const method = req.method ?? 'GET'
    if (method === 'POST') {
      // a state change needs the token in its header (a cookie alone is not enough) and, from a browser, our own origin
      if (!sameToken(req.headers[TOKEN_HEADER] as string | undefined, token) || !originAllowed(req, allowed)) {
        out.json(403, {error: 'refused: cancel needs the page token'})
        return
      }
    } else if (method !== 'GET' && method !== 'HEAD') {
      out.send(405, 'text/plain; charset=utf-8', 'method not allowed\n', {allow: 'GET, HEAD, POST'})
      return
    }
    const get = method === 'GET' || method === 'HEAD'
    if (get && PAGE_PATH.test(path)) {
      const extra: Record<string, string> = {}
      if (remote && url.searchParams.get(TOKEN_QUERY) !== null) extra['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
      out.send(200, 'text/html; charset=utf-8', shellHtml(token), extra)
      return
    }
    if (get && path === '/assets/app.js') return out.send(200, 'text/javascript; charset=utf-8', assets.js)
    if (get && path === '/assets/app.css') return out.send(200, 'text/css; charset=utf-8', assets.css)
    if (get && path === '/favicon.svg') return out.send(200, 'image/svg+xml', FAVICON)
    if (get && path === '/favicon.ico') return out.send(204, 'text/plain', '')
    if (get && path === '/api/live') return live.add(res, commonHeaders())
    if (get && path === '/api/runs') return runsRoute(store, caches, out)
    const m = RUN_PATH.exec(path)
    if (m && (await runRoute(store, caches, m[1]!, m[2] ?? '', req, url, out))) return
    out.json(404, {error: `not found: ${path}`})
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else reply(res).json(500, {error: error instanceof Error ? error.message : String(error)})
    })
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    store.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new PortError(`port ${options.port} on ${host} is already in use (choose another with --port, or leave it out for a free one)`)
    if (code === 'EACCES') throw new PortError(`port ${options.port} on ${host} needs privileges this process lacks (choose a port above 1023)`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new PortError(`cannot listen on ${host}: no such address on this machine`)
    throw error
  }
  const port = (server.address() as AddressInfo).port
  allowed = allowedHosts(host, port)
  live.start()
  const shown = host.includes(':') ? `[${host}]` : host
  const base = `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${port}/`
  return {
    url: base,
    openUrl: remote ? `${base}?${TOKEN_QUERY}=${token}` : base,
    host,
    port,
    token,
    remote,
    close: () =>
      new Promise<void>((resolve) => {
        live.close()
        server.closeAllConnections()
        server.close(() => {
          store.close()
          resolve()
        })
      }),
  }
}
