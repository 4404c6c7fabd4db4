// The dashboard's HTTP API: JSON reads of the store, downloads, and cancel. Each handler
// answers with a bounded amount of data (a page of instances, a capped list of log lines).
import type {IncomingMessage, ServerResponse} from 'node:http'
import {toJson} from '../format/json.js'
import {formatValue} from '../format/value.js'
import type {Store} from '../store/db.js'
import {cancelRun} from '../store/upkeep/cancel.js'
import {graphSvg} from './graph-svg.js'
import {
  MAX_LOG_LINES,
  instanceDetail,
  instancePage,
  instanceValue,
  listRunSummaries,
  logTailStart,
  logsAfter,
  runEvents,
  runSummary,
  taskCounts,
  taskStateCounts,
} from './queries.js'
import {commonHeaders} from './security.js'
import type {TaskGraphCache} from './task-graph.js'
import type {CountsCache} from './counts-cache.js'
import {chromeTrace, timelinePage} from './timeline.js'
import {UsageError} from '../core/usage-error.js'

/** how much of a value's text the page is sent; the download has all of it */
const PREVIEW_CHARS = 20_000

export interface Reply {
  json(status: number, body: unknown): void
  send(status: number, type: string, body: string | Buffer, extra?: Record<string, string>): void
}

export function reply(res: ServerResponse): Reply {
  return {
    json: (status, body) => {
      res.writeHead(status, {...commonHeaders(), 'content-type': 'application/json; charset=utf-8'})
      res.end(JSON.stringify(body))
    },
    send: (status, type, body, extra = {}) => {
      res.writeHead(status, {...commonHeaders(), 'content-type': type, ...extra})
      res.end(body)
    },
  }
}

/** a query parameter that is not a number we can use: answered 400 */
class BadQuery extends UsageError {}

/** a whole number from 0 to 2^53 - 1 (SQLite takes it as an integer), or `fallback` when absent */
const int = (q: URLSearchParams, name: string, fallback: number): number => {
  const v = q.get(name)
  if (v === null || v === '') return fallback
  const n = /^\d{1,16}$/.test(v) ? Number(v) : Number.NaN
  if (!Number.isSafeInteger(n)) throw new BadQuery(`${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not ${JSON.stringify(v.slice(0, 40))}`)
  return n
}

/** a download's file name: only characters safe in a header */
const fileName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_')

const attachment = (name: string): Record<string, string> => ({'content-disposition': `attachment; filename="${fileName(name)}"`})

/** Routes under /api/runs/RUN/...; returns false when nothing matched. */
export interface Caches {
  readonly graphs: TaskGraphCache
  readonly counts: CountsCache
}

export async function runRoute(store: Store, caches: Caches, runId: string, rest: string, req: IncomingMessage, url: URL, out: Reply): Promise<boolean> {
  try {
    return await routeRun(store, caches, runId, rest, req, url, out)
  } catch (error) {
    if (!(error instanceof BadQuery)) throw error
    out.json(400, {error: error.message})
    return true
  }
}

async function routeRun(store: Store, caches: Caches, runId: string, rest: string, req: IncomingMessage, url: URL, out: Reply): Promise<boolean> {
  const q = url.searchParams
  const method = req.method ?? 'GET'
  if (rest === 'cancel') {
    if (method !== 'POST') return false
    const r = await cancelRun(store, runId)
    if (r.ok) out.json(200, {state: r.state})
    else out.json(r.why === 'unknown' ? 404 : 409, {error: r.message})
    return true
  }
  if (method !== 'GET' && method !== 'HEAD') return false
  const summary = runSummary(store, runId, (st, run) => caches.counts.get(st, run))
  if (!summary) {
    out.json(404, {error: `no run ${runId}`})
    return true
  }
  switch (rest) {
    case '':
      out.json(200, {run: summary, tasks: taskCounts(store, runId)})
      return true
    case 'instances':
      out.json(
        200,
        instancePage(store, runId, {
          state: q.get('state') || undefined,
          task: q.get('task') || undefined,
          search: q.get('q') || undefined,
          offset: int(q, 'offset', 0),
          limit: int(q, 'limit', 100),
        }),
      )
      return true
    case 'instance': {
      const name = q.get('name') ?? ''
      const detail = instanceDetail(store, runId, name)
      if (!detail) {
        out.json(404, {error: `no instance ${name} in run ${runId}`})
        return true
      }
      let preview: string | null = null
      let truncated = false
      if (detail.hasValue && (detail.state === 'succeeded' || detail.state === 'cached')) {
        const v = instanceValue(store, runId, name)
        if (v.found) {
          const text = formatValue(v.value)
          truncated = text.length > PREVIEW_CHARS
          preview = truncated ? text.slice(0, PREVIEW_CHARS) : text
        }
      }
      out.json(200, {...detail, preview, truncated})
      return true
    }
    case 'value': {
      const name = q.get('name') ?? ''
      const v = instanceValue(store, runId, name)
      if (!v.found) out.json(404, {error: `${name} has no stored value`})
      else out.send(200, 'application/json; charset=utf-8', JSON.stringify(toJson(v.value)), attachment(`${runId}-${name}.json`))
      return true
    }
    case 'logs': {
      const name = q.get('name') || undefined
      const after = q.has('tail') ? logTailStart(store, runId, name, int(q, 'tail', 200)) : int(q, 'after', 0)
      out.json(200, {lines: logsAfter(store, runId, after, name, int(q, 'limit', MAX_LOG_LINES))})
      return true
    }
    case 'graph.svg':
      out.send(200, 'image/svg+xml; charset=utf-8', graphSvg(caches.graphs.get(store, runId), taskStateCounts(store, runId)))
      return true
    case 'timeline.html': {
      const events = runEvents(store, runId)
      if (!events.some((e) => e.type === 'run-start')) {
        out.send(200, 'text/plain; charset=utf-8', 'the run has not started yet')
        return true
      }
      const page = timelinePage(events)
      out.send(200, 'text/html; charset=utf-8', page.html, {'content-security-policy': page.csp})
      return true
    }
    case 'trace.json': {
      const events = runEvents(store, runId)
      if (!events.some((e) => e.type === 'run-start')) {
        out.json(404, {error: 'the run has not started yet'})
        return true
      }
      out.send(200, 'application/json; charset=utf-8', JSON.stringify(chromeTrace(events)), attachment(`${runId}.trace.json`))
      return true
    }
    default:
      return false
  }
}

export function runsRoute(store: Store, caches: Caches, out: Reply): void {
  out.json(200, {runs: listRunSummaries(store, (st, run) => caches.counts.get(st, run))})
}
